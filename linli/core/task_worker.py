"""A task worker killed mid-task is noticed and its task runs again (``manage.py task_worker``).

django-tasks-db's ``db_worker`` marks a task RUNNING when it claims it and SUCCESSFUL/FAILED when it ends; a worker
killed in between (kill -9, the OOM killer, a lost machine) leaves the task RUNNING forever and nothing runs it
again. ``task_worker`` is ``db_worker`` plus a liveness lock (PostgreSQL):

* for as long as it lives the worker holds a session advisory lock named after its worker id, on a database
  connection of its own that nothing else uses or closes; when the process dies its socket closes and the server
  drops the lock at once;
* every worker, when it starts and then every ``LINLI_TASK_REAP_SECONDS`` (30), puts back to READY each RUNNING
  task whose last worker's lock is free (that worker is gone), so any worker runs it again; a task whose workers
  died ``LINLI_TASK_MAX_ATTEMPTS`` (3) times is marked FAILED (``WorkerDied``) instead of killing workers forever.

Tasks are therefore run at least once; linli's tasks are written to be run again: the import commit writes all its
rows in one transaction (a killed worker's transaction is rolled back by the server) and re-runs while its job is
still COMMITTING; daily jobs and score-card runs recompute; outbox handlers are idempotent by event id.

Run only ``task_worker`` processes on a queue (a plain ``db_worker`` holds no lock and would look dead). On SQLite
there are no advisory locks: ``task_worker`` runs as ``db_worker`` does, without recovery (one worker, development).
"""

from __future__ import annotations

import logging
import threading
import zlib

from django.conf import settings
from django.db import connection, connections, transaction

log = logging.getLogger("linli.task_worker")

LOCK_CLASS = 0x6C69  # first key of linli's two-key advisory locks: "li"


class WorkerDied(Exception):
    """The workers that ran this task died (killed) every time it was tried."""


def lock_key(worker_id: str) -> int:
    return zlib.crc32(worker_id.encode()) - 2**31  # int4, signed


def supported() -> bool:
    return connection.vendor == "postgresql"


class Liveness:
    """The worker's lock on a private connection, re-taken after the database comes back."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.key = lock_key(worker_id)
        self.conn = None
        self.stop = threading.Event()

    def hold(self) -> None:
        if self.conn is not None:
            try:
                self.conn.cursor().execute("SELECT 1")
                return
            except Exception:  # the database went away: reconnect and lock again
                self.conn = None
        wrapper = connections.create_connection("default")
        wrapper.ensure_connection()
        wrapper.set_autocommit(True)
        with wrapper.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, self.key])
        self.conn = wrapper

    def start(self) -> None:
        self.hold()
        requeue_orphans()
        threading.Thread(target=self._loop, name="task-liveness", daemon=True).start()

    def _loop(self) -> None:
        every = getattr(settings, "LINLI_TASK_REAP_SECONDS", 30)
        while not self.stop.wait(every):
            try:
                self.hold()
                requeue_orphans()
            except Exception as exc:  # the database is away: try again next round
                log.warning("task liveness: %s", exc)
            finally:
                connection.close()


def requeue_orphans() -> int:
    """RUNNING tasks whose last worker holds no lock any more: back to READY (or FAILED after too many deaths)."""
    if not supported():
        return 0
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    limit = getattr(settings, "LINLI_TASK_MAX_ATTEMPTS", 3)
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING)
        for task in running:
            if not task.worker_ids:
                continue
            with connection.cursor() as cur:  # a transaction-level try: released when this transaction ends
                cur.execute(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_CLASS, lock_key(str(task.worker_ids[-1]))]
                )
                alive = not cur.fetchone()[0]
            if alive:
                continue
            if len(task.worker_ids) >= limit:
                task.status = TaskResultStatus.FAILED
                task.finished_at = timezone.now()
                task.exception_class_path = f"{WorkerDied.__module__}.{WorkerDied.__qualname__}"
                task.traceback = f"the worker died {len(task.worker_ids)} times running this task"
                task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                log.error("task %s %s failed: its worker died %s times", task.pk, task.task_path, limit)
                continue
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            requeued += 1
            log.warning("task %s %s: its worker %s died; queued again", task.pk, task.task_path, task.worker_ids[-1])
    return requeued
