"""``manage.py task_worker``: ``db_worker`` whose tasks survive a killed worker (linli/core/task_worker.py).

Same options as ``db_worker`` (``--queue-name '*'``, ``--interval``, ``--batch`` …). On PostgreSQL it holds a
liveness lock and puts the tasks of dead workers back in the queue, at start and every
``LINLI_TASK_REAP_SECONDS``.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from linli.core import task_worker


class Command(DbWorkerCommand):
    help = "Run the database task queue; tasks of a worker that died mid-task are run again."

    def handle(self, *args, **options):
        liveness = None
        if task_worker.supported():
            liveness = task_worker.Liveness(options["worker_id"])
            liveness.start()
        try:
            return super().handle(*args, **options)
        finally:
            if liveness is not None:
                liveness.stop.set()
