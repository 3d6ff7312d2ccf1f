"""A task for the killed-worker test (test_task_worker_kill): it notes each attempt in a file, then writes one audit
row in a transaction that stays open ``seconds`` — a worker killed meanwhile leaves nothing written."""

import os
import time

from django.db import transaction
from django_tasks import task

from linli.core.models import AuditLog


@task()
def slow_write(marker: str, seconds: float) -> str:
    with open(os.environ["LINLI_PROBE_LOG"], "a") as log:
        log.write(f"{os.getpid()}\n")
    with transaction.atomic():
        AuditLog.objects.create(action="task_probe", object_type="probe", object_id=marker)
        time.sleep(seconds)
    return marker
