"""The walk with the real parts: Mosquitto on 127.0.0.1:1883, a real ingest worker, the simulator publishing a
hydrant whose pressure falls → alarm → work order dispatched to the fire department → handled → archived → alarm
cleared. On PostgreSQL the worker is a ``manage.py iot_ingest`` subprocess; on SQLite (an in-memory test database
no second process can open) the same worker runs in a thread of the test process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from linli.accounts import services as acc
from linli.accounts.testing import PASSWORD, system_user
from linli.orgs import services as orgs

from ..models import Alarm, AlarmState, ClearedBy, Telemetry
from ..simulator import Run, simulate
from . import factories as f

ROOT = Path(__file__).resolve().parents[3]
HOST, PORT = "127.0.0.1", 1883


def mosquitto_reachable() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(not mosquitto_reachable(), reason=f"no MQTT broker (Mosquitto) listening on {HOST}:{PORT}"),
    pytest.mark.django_db(transaction=True),
]


def postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def worker_env() -> dict:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "LINLI_ENV": "test", "DJANGO_SETTINGS_MODULE": "config.settings"}


class RunningWorker:
    def __init__(self, client_id: str):
        self.client_id = client_id
        self.proc = self.thread = self.worker = None

    def __enter__(self):
        args = ["--client-id", self.client_id, "--session-expiry", "60", "--interval", "0.1"]
        if postgres():
            connection.close()
            self.proc = subprocess.Popen(
                [sys.executable, "manage.py", "iot_ingest", *args],
                cwd=ROOT,
                env=worker_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            line = self.proc.stdout.readline()  # "connected to …" once subscribed
            assert line.startswith("connected"), line + self.proc.stdout.read()
        else:
            from ..mqtt import Worker

            self.worker = Worker(client_id=self.client_id, interval=0.1, session_expiry=60)

            def run():
                try:
                    self.worker.run()
                finally:
                    connection.close()

            self.thread = threading.Thread(target=run, daemon=True)
            self.thread.start()
            assert self.worker.connected.wait(10)
        time.sleep(0.3)  # the SUBSCRIBE is acknowledged
        return self

    def __exit__(self, *exc):
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.worker is not None:
            self.worker.stop()
            self.thread.join(15)


def wait_for(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except OperationalError:  # SQLite's shared in-memory database: the worker thread holds the table
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_falling_hydrant_pressure_becomes_a_fire_department_case_and_clears_on_archive(tree):
    from linli.workorders import services as wo
    from linli.workorders.models import Case, State

    root = system_user()
    fire = orgs.organisation_create(actor=root, area=tree.district, kind="department", name="雨山区消防救援大队")
    firefighter = acc.user_create(actor=root, username="fire_1", password=PASSWORD, home=tree.district)
    acc.binding_add(actor=root, user=firefighter, role="department_staff", organisation=fire)
    ident = f"hyd-walk-{uuid.uuid4().hex[:8]}"
    dev = f.device(tree, ident=ident)
    f.hydrant_rule(tree, case_org=fire)

    with RunningWorker(f"linli-iot-walk-{uuid.uuid4().hex[:8]}"):
        result = simulate(Run(devices=[(ident, "hydrant")], rate=25, duration=2, falling={ident}), port=PORT)
        assert result["sent"] == result["acked"] == 50 and result["failed"] == 0
        wait_for(lambda: Telemetry.objects.filter(device_id=dev.pk).count() == 50)
        alarm = wait_for(lambda: Alarm.objects.filter(device=dev, case__isnull=False).first())

    assert alarm.state == AlarmState.ACTIVE_UNACK and alarm.value < 0.10
    case = Case.objects.get(pk=alarm.case_id)
    assert case.state == State.DISPATCHED and case.lead_org_id == fire.pk and case.source == "iot"
    dev.refresh_from_db()
    assert dev.status == "online" and dev.last_values["pressure"] == pytest.approx(0.05)

    wo.case_sign(actor=firefighter, case=case)
    wo.case_start(actor=firefighter, case=case)
    wo.case_complete(actor=firefighter, case=case, reply="已检修消火栓供水管阀")
    wo.case_evaluate(actor=tree.users["secretary_a1"], case=case, verdict="satisfied")
    wo.case_archive(actor=tree.users["secretary_a1"], case=case)
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED_UNACK and alarm.cleared_by == ClearedBy.CASE
