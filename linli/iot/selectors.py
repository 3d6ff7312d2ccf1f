"""Every read of the sensing pages and API, through ``restrict``; the 24-hour chart series (downsampled)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from linli.core.paths import subtree_q
from linli.core.permissions import Action, restrict

from .models import ACTIVE, Alarm, AlarmState, Device, IngestCounter, Quarantine, Telemetry


def devices(user, *, under=None, q: str = "", status: str = "", action=Action.VIEW):
    qs = restrict(Device.objects.all(), user, action).select_related("device_type", "place")
    if under is not None:
        qs = qs.filter(subtree_q("scope_path", under.path))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(ident__icontains=q) | Q(place__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(active_alarms=Count("alarms", filter=Q(alarms__state__in=ACTIVE))).order_by(
        "scope_path", "ident"
    )


def alarms(user, *, under=None, state: str = "", q: str = "", action=Action.VIEW):
    qs = restrict(Alarm.objects.all(), user, action).select_related("device", "device__place", "case", "rule")
    if under is not None:
        qs = qs.filter(subtree_q("scope_path", under.path))
    if state == "active":
        qs = qs.filter(state__in=ACTIVE)
    elif state in AlarmState.values:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(device__name__icontains=q) | Q(device__ident__icontains=q) | Q(alarm_type__icontains=q))
    return qs.order_by("-last_at", "-pk")


def series(device: Device, *, hours: int = 24, buckets: int = 144, now=None) -> dict:
    """Each numeric key's min/avg/max per bucket over the last ``hours`` (144 buckets of 10 minutes for a day):
    a chart of ~150 points whatever the reading rate (one reading every 10 s is 8,640 readings a day)."""
    now = now or timezone.now()
    start = now - dt.timedelta(hours=hours)
    width = hours * 3600 / buckets
    keys = list(device.device_type.schema)
    if connection.vendor == "postgresql":
        out = series_in_database(device.pk, keys, start, now, width, buckets)
    else:
        out = series_in_python(device.pk, keys, start, now, width, buckets)
    return {"start": start, "end": now, "series": out}


def counters() -> dict:
    return dict(IngestCounter.objects.values_list("name", "value"))


def quarantine(user):
    return restrict(Quarantine.objects.all(), user).order_by("-created_at", "-pk")


def series_in_database(device_id: int, keys: list[str], start, end, width: float, buckets: int) -> dict:
    """PostgreSQL: one GROUP BY over the device's rows (the primary key's range), min/avg/max per key and bucket."""
    aggregates = ", ".join(
        'min(("values"->>%s)::float8), avg(("values"->>%s)::float8), max(("values"->>%s)::float8)' for _k in keys
    )
    sql = (
        "SELECT least(floor(extract(epoch FROM ts - %s) / %s)::int, %s) AS b, "  # noqa: S608 — placeholders only
        + aggregates
        + " FROM iot_telemetry WHERE device_id = %s AND ts >= %s AND ts <= %s GROUP BY b ORDER BY b"
    )
    params = [start, width, buckets - 1]
    for key in keys:
        params += [key, key, key]
    params += [device_id, start, end]
    out = {k: [] for k in keys}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for row in cur.fetchall():
            at = start + dt.timedelta(seconds=width * (row[0] + 0.5))
            for j, key in enumerate(keys):
                mn, avg, mx = row[1 + 3 * j : 4 + 3 * j]
                if avg is not None:
                    out[key].append((at, mn, float(avg), mx))
    return out


def series_in_python(device_id: int, keys: list[str], start, end, width: float, buckets: int) -> dict:
    acc = {k: [None] * buckets for k in keys}
    rows = Telemetry.objects.filter(device_id=device_id, ts__gte=start, ts__lte=end).values_list("ts", "values")
    for ts, values in rows.iterator(chunk_size=2000):
        i = min(buckets - 1, int((ts - start).total_seconds() // width))
        for key, v in values.items():
            cell = acc.get(key)
            if cell is None:
                continue
            b = cell[i]
            if b is None:
                cell[i] = [v, v, v, 1]
            else:
                b[0], b[1], b[2], b[3] = min(b[0], v), b[1] + v, max(b[2], v), b[3] + 1
    return {
        key: [
            (start + dt.timedelta(seconds=width * (i + 0.5)), c[0], c[1] / c[3], c[2])
            for i, c in enumerate(cells)
            if c is not None
        ]
        for key, cells in acc.items()
    }
