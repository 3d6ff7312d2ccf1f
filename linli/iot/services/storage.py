"""Writing telemetry in batches, and the daily partitions (PostgreSQL).

PostgreSQL: the batch is COPied into a temporary table, then ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING``
moves it into ``iot_telemetry``; the returned keys are the new messages, everything else was a duplicate
(a QoS-1 redelivery). SQLite: ``INSERT OR IGNORE`` row by row (tests and small installs).

Partitions: one per day (``iot_telemetry_pYYYYMMDD``) plus a default partition; ``ensure_partitions`` creates the
coming days, ``drop_partitions_before`` drops whole days (retention without a row-by-row DELETE).
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection

UTC = dt.UTC


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def insert_telemetry(rows: list[tuple[int, dt.datetime, str, dict]]) -> set[tuple[int, str]]:
    """Store ``(device_id, ts, msg_id, values)`` rows; return the ``(device_id, msg_id)`` of those newly stored."""
    if not rows:
        return set()
    with connection.cursor() as cur:
        if is_postgres():
            raw = cur.cursor
            raw.execute(
                "CREATE TEMP TABLE IF NOT EXISTS iot_telemetry_in "
                '(device_id bigint, ts timestamptz, msg_id varchar(64), "values" jsonb) ON COMMIT DELETE ROWS'
            )
            with raw.copy('COPY iot_telemetry_in (device_id, ts, msg_id, "values") FROM STDIN') as copy:
                for device_id, ts, msg_id, values in rows:
                    copy.write_row((device_id, ts, msg_id, json.dumps(values)))
            raw.execute(
                'INSERT INTO iot_telemetry (device_id, ts, msg_id, "values") '
                'SELECT device_id, ts, msg_id, "values" FROM iot_telemetry_in '
                "ON CONFLICT DO NOTHING RETURNING device_id, msg_id"
            )
            new = {(r[0], r[1]) for r in raw.fetchall()}
            raw.execute("DELETE FROM iot_telemetry_in")
            return new
        new = set()
        for device_id, ts, msg_id, values in rows:
            cur.execute(
                'INSERT OR IGNORE INTO iot_telemetry (device_id, ts, msg_id, "values") VALUES (%s, %s, %s, %s)',
                [device_id, ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"), msg_id, json.dumps(values)],
            )
            if cur.rowcount == 1:
                new.add((device_id, msg_id))
        return new


def partition_name(day: dt.date) -> str:
    return f"iot_telemetry_p{day:%Y%m%d}"


def ensure_partitions(start: dt.date, days: int) -> list[str]:
    """Create the daily partitions from ``start`` for ``days`` days (PostgreSQL; nothing elsewhere)."""
    if not is_postgres():
        return []
    made = []
    with connection.cursor() as cur:
        for i in range(days):
            day = start + dt.timedelta(days=i)
            name = partition_name(day)
            cur.execute("SELECT to_regclass(%s)", [name])
            if cur.fetchone()[0] is not None:
                continue
            low = dt.datetime.combine(day, dt.time(), UTC)
            cur.execute(
                f"CREATE TABLE {name} PARTITION OF iot_telemetry FOR VALUES FROM (%s) TO (%s)",
                [low, low + dt.timedelta(days=1)],
            )
            made.append(name)
    return made


def partitions() -> list[tuple[str, dt.date]]:
    if not is_postgres():
        return []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'iot_telemetry' ORDER BY 1"
        )
        out = []
        for (name,) in cur.fetchall():
            if name.startswith("iot_telemetry_p") and name[15:].isdigit():
                out.append((name, dt.datetime.strptime(name[15:], "%Y%m%d").date()))
        return out


def drop_partitions_before(day: dt.date) -> list[str]:
    """Retention: drop every daily partition wholly before ``day`` (one DROP TABLE each)."""
    dropped = []
    if not is_postgres():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM iot_telemetry WHERE ts < %s", [dt.datetime.combine(day, dt.time(), UTC)])
        return dropped
    with connection.cursor() as cur:
        for name, start in partitions():
            if start < day:
                cur.execute(f"DROP TABLE {name}")
                dropped.append(name)
    return dropped
