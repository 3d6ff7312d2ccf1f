"""Killing the outbox worker mid-batch loses nothing and does nothing twice (PostgreSQL: a real worker process,
SIGKILLed while its batch is open; a second worker then finishes every delivery exactly once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings

from linli.core import events, outbox
from linli.core.models import AuditLog, EventDelivery, OutboxEvent

from . import outbox_probe as probe

ROOT = Path(__file__).resolve().parents[3]
N, BATCH = 40, 10

WORKER = """
import django
django.setup()
import linli.core.tests.outbox_probe  # the probe subscriber, as in the test process
from django.core.management import call_command
call_command("outbox_worker", "--once", "--batch", "{batch}")
"""


def _worker_env(log: Path, sleep: str) -> dict:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    return {
        **os.environ,
        "DATABASE_URL": url,
        "LINLI_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LINLI_PROBE_LOG": str(log),
        "LINLI_PROBE_SLEEP": sleep,
    }


def _lines(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL: a second process and row locks (SQLite has one writer and no SKIP LOCKED)",
)
@pytest.mark.django_db(transaction=True)
@override_settings(LINLI_OUTBOX_EAGER=False)
def test_killing_the_worker_mid_batch_loses_nothing(tmp_path):
    probe.reset()
    with transaction.atomic():
        published = [events.publish(probe.EVENT, {"n": n, "key": ""}) for n in range(N)]
    connection.close()  # the worker gets the database to itself
    log = tmp_path / "calls.log"
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER.format(batch=BATCH)],
        cwd=ROOT,
        env=_worker_env(log, sleep="0.1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Wait until the worker is halfway through its second batch (the first one committed), then kill it.
        for _ in range(1200):
            if _lines(log) >= BATCH + BATCH // 2 or worker.poll() is not None:
                break
            time.sleep(0.05)
        assert worker.poll() is None, worker.stderr.read().decode()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    called = _lines(log)
    assert BATCH < called < N  # the kill came mid-run
    deliveries = EventDelivery.objects.filter(event__in=published)
    done = deliveries.filter(status="done").count()
    assert BATCH <= done < called  # the first batch committed; calls were made whose batch never did …
    assert done % BATCH == 0  # … a batch is all or nothing
    assert AuditLog.objects.filter(action="outbox_probe").count() == done  # their effects were rolled back too
    assert not deliveries.filter(status="pending").exclude(attempts=0).exists()  # and no attempt was counted

    # A second worker (in this process) finishes every delivery, each exactly once.
    assert outbox.run(once=True) == N - done
    assert deliveries.filter(status="done").count() == N
    ids = list(OutboxEvent.objects.filter(pk__in=[e.pk for e in published]).values_list("uuid", flat=True))
    effects = AuditLog.objects.filter(action="outbox_probe").values_list("object_id", flat=True)
    assert sorted(effects) == sorted(str(u) for u in ids)
