"""A task worker killed mid-task: its task is run again by another worker and its effect is written exactly once
(PostgreSQL: real ``manage.py task_worker`` processes, the first one SIGKILLed while its task's transaction is open)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from linli.core import task_worker
from linli.core.models import AuditLog

from .test_outbox_worker_kill import _worker_env

ROOT = Path(__file__).resolve().parents[3]

WORKER = """
import django
from django.conf import settings
settings.TASKS = {{"default": {{"BACKEND": "django_tasks_db.DatabaseBackend"}}}}
settings.LINLI_TASK_REAP_SECONDS = 1
django.setup()
from django.core.management import call_command
call_command("task_worker", "--queue-name", "*", "--interval", "0.2", "--no-startup-delay", {extra})
"""

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL: advisory locks and a second process",
)


def _enqueue(marker: str, seconds: float):
    from django_tasks_db.models import DBTaskResult, get_date_max

    return DBTaskResult.objects.create(
        task_path="linli.core.tests.task_probe.slow_write",
        args_kwargs={"args": [marker, seconds], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
    )


def _start(log: Path, extra: str = "") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER.format(extra=extra)],
        cwd=ROOT,
        env=_worker_env(log, sleep="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _attempts(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_was_killed_runs_again_and_writes_once(tmp_path):
    log = tmp_path / "attempts.log"
    result = _enqueue("probe-1", 3.0)
    connection.close()
    first = _start(log)
    try:
        for _ in range(600):  # until the task is running (its transaction open), then kill -9
            if _attempts(log) or first.poll() is not None:
                break
            time.sleep(0.05)
        assert first.poll() is None, first.stderr.read().decode()
        time.sleep(0.5)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    result.refresh_from_db()
    assert result.status == "RUNNING"  # what django-tasks-db leaves behind: nobody would run it again …
    assert not AuditLog.objects.filter(action="task_probe").exists()  # … and the killed transaction wrote nothing

    second = _start(log, extra='"--batch"')  # finds the orphan at start, runs it, exits when the queue is empty
    try:
        second.wait(120)
    finally:
        if second.poll() is None:
            second.kill()
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL", (result.status, result.traceback, second.stderr.read().decode())
    assert result.return_value == "probe-1" and len(result.worker_ids) == 2
    assert len(_attempts(log)) == 2
    assert AuditLog.objects.filter(action="task_probe", object_id="probe-1").count() == 1


@pytest.mark.django_db(transaction=True)
@override_settings(LINLI_TASK_MAX_ATTEMPTS=2)
def test_a_live_worker_keeps_its_task_and_a_task_that_keeps_killing_workers_fails():
    from django_tasks_db.models import DBTaskResult

    alive = task_worker.Liveness("worker-alive")
    alive.hold()
    try:
        running = _enqueue("live", 0)
        dead_twice = _enqueue("dead", 0)
        DBTaskResult.objects.filter(pk=running.pk).update(status="RUNNING", worker_ids=["worker-alive"])
        DBTaskResult.objects.filter(pk=dead_twice.pk).update(status="RUNNING", worker_ids=["gone-1", "gone-2"])
        assert task_worker.requeue_orphans() == 0
        running.refresh_from_db()
        dead_twice.refresh_from_db()
        assert running.status == "RUNNING"  # its worker holds the lock: left alone
        assert dead_twice.status == "FAILED" and dead_twice.exception_class_path.endswith("WorkerDied")
    finally:
        alive.conn.close()
    assert task_worker.requeue_orphans() == 1  # the lock is gone with its connection: queued again
    running.refresh_from_db()
    assert running.status == "READY"
