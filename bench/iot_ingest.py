#!/usr/bin/env python
"""The sensing layer's ingest over a real MQTT broker, on PostgreSQL (issue 16, "Figures").

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/iot_ingest.py \
            [--messages 60000] [--devices 500] [--kill-messages 20000] [--keep]

Creates ``linli_bench_iot``, migrates it, provisions ``--devices`` e-bike charging cabinets (messages of 3 data
points: temperature, current, smoke) with a threshold rule (temperature above 60 °C, cleared below 50 °C) and one
hydrant with a no-data rule (3 s). Starts its own Mosquitto on a free port with deploy/mosquitto/linli.conf's limits
(in-flight and queue unlimited, no persistence needed: the broker is not the one killed), then measures, in one run:

1. the raw QoS-1 transport ceiling: the same publisher → broker → a bare paho subscriber acknowledging each message
   (no database), messages/s;
2. sustained ingest: ``manage.py iot_ingest`` (a subprocess, as deployed) with rules evaluated; the publisher sends
   ``--messages`` as fast as its in-flight window allows; data points/s = 3 × messages stored ÷ the time from the
   first publish until the last one is committed; the ratio to (1); then alarm latency p99 under a load the worker
   keeps up with (10 s at half the rate just measured) = the worker's commit time of the alarm − the reading's
   timestamp (set when published), over every threshold crossing (on every 30th cabinet every 20th message is a
   70 °C reading, the next a 40 °C one);
3. zero loss: ``--kill-messages`` more messages while the worker is SIGKILLed at 40 % and restarted a second later;
   every message id published is counted stored, duplicates stored must be 0 (redeliveries are dropped by key);
4. the offline alarm: the hydrant's last message, then silence; the alarm must be raised within 5 s of the end of its
   3-second no-data period;
5. retention: 30 daily partitions of data, the ones older than 7 days dropped whole (time printed);
6. the device page's 24-hour series from one reading every 10 s (8,640 readings): p95 of ``selectors.series``.

Provisional on a shared machine: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Figures  # noqa: E402

DB = "linli_bench_iot"
LIMIT_DPS = 20_000.0  # issue 16: sustained data points/s with rules
LIMIT_ALARM_P99 = 1.0  # s
LIMIT_OFFLINE = 5.0  # s after the no-data period ends
LIMIT_CHART_P95 = 100.0  # ms


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_broker(port: int, tmp: Path) -> subprocess.Popen:
    conf = tmp / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\n"
        "max_queued_messages 2000000\nmax_queued_bytes 0\npersistence false\n"
    )
    proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("mosquitto did not start")


def payloads(idents: list[str], n: int, prefix: str, hot_every: int = 20):
    """Messages of 3 data points, round robin over the cabinets; on every 30th cabinet, every ``hot_every``-th
    message is a 70 °C reading (raises), the next one 40 °C (clears)."""
    seq = dict.fromkeys(idents, 0)
    for i in range(n):
        d = i % len(idents)
        ident = idents[d]
        seq[ident] += 1
        k = seq[ident] % hot_every if d % 30 == 0 else -1
        temp = 70.0 if k == 0 else 40.0 if k == 1 else 25.0 + (i % 10) / 10
        yield ident, {"id": f"{prefix}{seq[ident]}", "temperature": temp}


def publish_all(
    port: int, idents: list[str], n: int, prefix: str, *, on_progress=None, window=500, rate: float = 0
) -> dict:
    from linli.iot.mqtt import Publisher, topic_for

    pub = Publisher(port=port, window=window, client_id=f"bench-pub-{prefix}")
    t0 = time.perf_counter()
    for i, (ident, m) in enumerate(payloads(idents, n, prefix)):
        body = {
            "id": m["id"],
            "ts": int(time.time() * 1000),
            "values": {"temperature": m["temperature"], "current": 6.5, "smoke": 0},
        }
        pub.publish(topic_for(ident), json.dumps(body, separators=(",", ":")).encode())
        if on_progress is not None:
            on_progress(i)
        if rate:
            ahead = (i + 1) / rate - (time.perf_counter() - t0)
            if ahead > 0.005:
                time.sleep(ahead)
    pub.drain(120)
    elapsed = time.perf_counter() - t0
    pub.close()
    return {"sent": n, "acked": pub.acked, "seconds": elapsed}


def transport_ceiling(port: int, idents: list[str], n: int) -> float:
    """A bare QoS-1 subscriber (persistent session, acknowledging each message at once): messages/s received."""
    from linli.iot.mqtt import SUBSCRIPTION, new_client

    got = [0]
    done = threading.Event()
    first = [None]
    client, props = new_client("bench-raw", session_expiry=600, receive_maximum=65535)

    def on_message(c, u, msg):
        if first[0] is None:
            first[0] = time.perf_counter()
        json.loads(msg.payload)
        got[0] += 1
        if got[0] >= n:
            done.set()

    client.on_message = on_message
    client.on_connect = lambda c, u, f, rc, p: c.subscribe(SUBSCRIPTION, qos=1)
    client.connect("127.0.0.1", port, clean_start=True, properties=props)
    client.loop_start()
    time.sleep(0.5)
    t0 = time.perf_counter()
    publish_all(port, idents, n, "raw-")
    done.wait(120)
    elapsed = time.perf_counter() - t0
    client.loop_stop()
    client.disconnect()
    return got[0] / elapsed


def start_worker(port: int, env: dict, log) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "iot_ingest", "--port", str(port), "--client-id", "bench-ingest"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    line = proc.stdout.readline()
    if not line.startswith("connected"):
        raise RuntimeError(f"worker did not connect: {line}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain its output
    return proc


def stored() -> int:
    from linli.iot.models import IngestCounter

    row = IngestCounter.objects.filter(name="accepted").first()
    return row.value if row else 0


def wait_stored(target: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stored() >= target:
            return time.perf_counter()
        time.sleep(0.05)
    raise RuntimeError(f"only {stored()} of {target} stored")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=60_000)
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--kill-messages", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench: set DATABASE_URL to a PostgreSQL server (figures are compared on PostgreSQL)")
        return 2
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    env = {
        **os.environ,
        "DATABASE_URL": urlunparse(urlparse(url)._replace(path=f"/{DB}")),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LINLI_ENV": "development",
        "LINLI_DEBUG": "0",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from linli.accounts.testing import build_tree
    from linli.core import dates
    from linli.iot import selectors, services
    from linli.iot.models import Alarm, Device, DeviceType, IngestCounter, RuleKind
    from linli.iot.services import storage

    figures = Figures("iot_ingest")
    print(f"load average at start: {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f}")
    call_command("migrate", verbosity=0)
    tree = build_tree()
    admin = tree.users["district_admin"]
    cabinet = DeviceType.objects.get(code="ebike-cabinet")
    devices = [
        Device(
            ident=f"cab-{i:05d}",
            name=f"充电柜{i}",
            device_type=cabinet,
            place=tree.building_a1,
            scope_path=tree.building_a1.path,
            secret_hash=Device.hash_secret(f"s{i}"),
            secret_prefix="s",
        )
        for i in range(args.devices)
    ]
    Device.objects.bulk_create(devices)
    idents = [d.ident for d in devices]
    services.rule_save(
        actor=admin,
        place=tree.district,
        name="充电柜高温",
        device_type=cabinet,
        alarm_type="over-temperature",
        kind=RuleKind.THRESHOLD,
        key="temperature",
        operator="gt",
        raise_value=60,
        clear_value=50,
        severity="critical",
    )
    hydrant, _secret = services.device_create(
        actor=admin,
        device_type=DeviceType.objects.get(code="hydrant"),
        place=tree.building_a1,
        name="消火栓",
        ident="hyd-offline",
    )
    services.rule_save(
        actor=admin,
        place=tree.district,
        name="消火栓离线",
        device=hydrant,
        alarm_type="offline",
        kind=RuleKind.NO_DATA,
        offline_seconds=3,
        severity="major",
    )
    connection.close()

    tmp = Path(tempfile.mkdtemp(prefix="linli-iot-bench-"))
    port = free_port()
    broker = start_broker(port, tmp)
    log = open(tmp / "worker.log", "w")  # noqa: SIM115
    worker = None
    try:
        # 1. the transport ceiling, side by side
        ceiling = transport_ceiling(port, idents, min(args.messages, 40_000))
        figures.note("raw QoS-1 transport ceiling (no database)", ceiling, "msg/s", side=f"{ceiling * 3:,.0f} dp/s")

        # 2. sustained ingest with rules
        worker = start_worker(port, env, log)
        t0 = time.perf_counter()
        pub = publish_all(port, idents, args.messages, "a-")
        t_end = wait_stored(args.messages, 600)
        alarm_cut = timezone.now()
        seconds = t_end - t0
        dps = 3 * args.messages / seconds
        figures.check(
            "sustained ingest with rules",
            dps,
            LIMIT_DPS,
            "dp/s",
            higher_is_worse=False,
            side=f"{args.messages:,} msgs in {seconds:.1f} s; publisher {pub['sent'] / pub['seconds']:,.0f} msg/s",
        )
        figures.ratio("ingest ÷ raw transport ceiling", dps / 3, ceiling, 0.0, unit="msg/s")
        # Alarm latency under a load the worker keeps up with (half the rate just measured): a saturated run
        # measures its own backlog, not the alarm path.
        paced = max(100.0, dps / 3 / 2)
        before = stored()
        n_paced = int(paced * 10)
        publish_all(port, idents, n_paced, "l-", rate=paced)
        wait_stored(before + n_paced, 600)
        lat = [
            (a.raised_in_at - a.reading_at).total_seconds()
            for a in Alarm.objects.filter(alarm_type="over-temperature", reading_at__gte=alarm_cut).only(
                "raised_in_at", "reading_at"
            )
        ]
        figures.check(
            "alarm latency p99 (reading → alarm committed)",
            pct(lat, 0.99),
            LIMIT_ALARM_P99,
            "s",
            side=f"{len(lat)} alarms at {paced:,.0f} msg/s ({paced * 3:,.0f} dp/s), p50 {pct(lat, 0.5):.3f} s",
        )

        # 3. SIGKILL mid-load, restart: nothing lost, nothing stored twice
        before = stored()
        kill_at = int(args.kill_messages * 0.4)
        killed = threading.Event()

        def progress(i):
            if i == kill_at and not killed.is_set():
                killed.set()
                os.kill(worker_ref[0].pid, signal.SIGKILL)

        worker_ref = [worker]
        restarter_done = threading.Event()

        def restarter():
            killed.wait(600)
            worker_ref[0].wait()
            time.sleep(1)
            worker_ref[0] = start_worker(port, env, log)
            restarter_done.set()

        threading.Thread(target=restarter, daemon=True).start()
        publish_all(port, idents, args.kill_messages, "k-", on_progress=progress)
        restarter_done.wait(120)
        worker = worker_ref[0]
        wait_stored(before + args.kill_messages, 600)
        time.sleep(1.0)
        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(*), count(DISTINCT (device_id, msg_id)) FROM iot_telemetry WHERE msg_id LIKE 'k-%%'"
            )
            rows, distinct = cur.fetchone()
        dup = IngestCounter.objects.filter(name="duplicate").values_list("value", flat=True).first() or 0
        figures.check(
            "lost after SIGKILL + restart",
            args.kill_messages - distinct,
            0,
            "msgs",
            side=f"{args.kill_messages:,} published, {distinct:,} stored, {dup} redeliveries dropped",
        )
        figures.check("duplicates stored", rows - distinct, 0, "rows")

        # 4. the offline alarm
        from linli.iot.mqtt import Publisher, topic_for

        p = Publisher(port=port, client_id="bench-hydrant")
        p.publish(
            topic_for("hyd-offline"),
            json.dumps({"id": "1", "ts": int(time.time() * 1000), "values": {"pressure": 0.3}}).encode(),
        )
        p.close()
        deadline = time.monotonic() + 30
        alarm = None
        while time.monotonic() < deadline and alarm is None:
            alarm = Alarm.objects.filter(alarm_type="offline", device=hydrant).first()
            time.sleep(0.2)
        if alarm is None:
            figures.fail("offline alarm", "not raised within 30 s")
        else:
            seen = Device.objects.get(pk=hydrant.pk).last_seen_at
            late = (alarm.raised_in_at - (seen + dt.timedelta(seconds=3))).total_seconds()
            figures.check("offline alarm after the no-data period", late, LIMIT_OFFLINE, "s")
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
        broker.terminate()
        broker.wait()
        log.close()

    # 5. retention by dropping whole partitions, 30 days of data
    today = dates.today()
    storage.ensure_partitions(today - dt.timedelta(days=30), 31)
    with connection.cursor() as cur:
        cur.execute(
            'INSERT INTO iot_telemetry (device_id, ts, msg_id, "values") '
            "SELECT %s, now() - (g || ' minutes')::interval, 'r-' || g, '{\"temperature\": 25}' "
            "FROM generate_series(1, 30 * 1440) g",
            [devices[0].pk],
        )
    t = time.perf_counter()
    dropped = storage.drop_partitions_before(today - dt.timedelta(days=7))
    figures.note(
        "retention: drop partitions older than 7 days",
        (time.perf_counter() - t) * 1000,
        "ms",
        side=f"{len(dropped)} partitions of 30 days' data",
    )

    # 6. the device page's 24 h series from one reading every 10 s
    dev = Device.objects.select_related("device_type").get(pk=devices[1].pk)
    now = timezone.now()
    rows = [
        (dev.pk, now - dt.timedelta(seconds=10 * i), f"c-{i}", {"temperature": 25 + i % 5, "current": 6, "smoke": 0})
        for i in range(8640)
    ]
    from django.db import transaction

    with transaction.atomic():
        storage.insert_telemetry(rows)
    times = []
    for _ in range(20):
        t = time.perf_counter()
        selectors.series(dev, now=now)
        times.append((time.perf_counter() - t) * 1000)
    figures.check("24 h chart series (8,640 readings) p95", pct(times, 0.95), LIMIT_CHART_P95, "ms")
    print(f"load average at end: {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f}")
    connection.close()
    if not args.keep:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return figures.finish()


if __name__ == "__main__":
    sys.exit(main())
