"""The ingest pipeline shared by the MQTT worker and the HTTP endpoint: validate, store, update, evaluate.

A message (JSON, at most ``LINLI_IOT_MAX_MESSAGE_BYTES``)::

    {"id": "42", "ts": 1765100000000, "values": {"pressure": 0.32}}

``id`` is the device's message id (unique per device; a redelivery repeats it), ``ts`` the reading's time in
epoch milliseconds, ``values`` the readings (keys from the device type's schema, numbers within its ranges).
Anything else is quarantined with its reason and counted; the rest of the batch goes on.

``process`` runs one batch in one transaction: the new telemetry rows, the devices' last values, the rule
states and alarms, the quarantine rows and the counters commit together — the MQTT worker acknowledges the
messages only after that commit, so a crash redelivers them and the message key makes the redelivery a duplicate.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ..models import Device, DeviceStatus, IngestCounter, Quarantine, QuarantineReason
from . import storage
from .engine import Engine

UTC = dt.UTC


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclass(frozen=True)
class DeviceInfo:
    pk: int
    ident: str
    path: str
    type_id: int
    schema: dict
    active: bool


@dataclass
class Raw:
    ident: str
    payload: bytes
    source: str = "mqtt"


@dataclass
class Accepted:
    device: DeviceInfo
    ts: dt.datetime
    msg_id: str
    values: dict


@dataclass
class BatchResult:
    accepted: int = 0
    duplicates: int = 0
    quarantined: dict = field(default_factory=dict)
    alarms_raised: list = field(default_factory=list)
    alarms_cleared: list = field(default_factory=list)
    reasons: list = field(default_factory=list)  # (index, reason) for each refused message, in batch order


class DeviceCache:
    """Device ids → what validation needs; reloaded every ``ttl`` seconds (a new device waits at most that long —
    an unknown id is looked up once straight away)."""

    def __init__(self, ttl: float = 30.0):
        self.ttl = ttl
        self.loaded_at = 0.0
        self.by_ident: dict[str, DeviceInfo] = {}
        self.missing: set[str] = set()  # unknown ids, not looked up again until the next reload

    def reload(self) -> None:
        rows = Device.objects.values_list(
            "pk", "ident", "scope_path", "device_type_id", "device_type__schema", "is_active"
        )
        self.by_ident = {r[1]: DeviceInfo(*r) for r in rows}
        self.missing = set()
        self.loaded_at = time.monotonic()

    def get(self, ident: str) -> DeviceInfo | None:
        if time.monotonic() - self.loaded_at > self.ttl:
            self.reload()
        info = self.by_ident.get(ident)
        if info is None and ident not in self.missing and len(self.missing) < 10000:
            row = (
                Device.objects.filter(ident=ident)
                .values_list("pk", "ident", "scope_path", "device_type_id", "device_type__schema", "is_active")
                .first()
            )
            if row is not None:
                info = self.by_ident[ident] = DeviceInfo(*row)
            else:
                self.missing.add(ident)
        return info


class Refused(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_future: int
    max_age: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            limit("LINLI_IOT_MAX_MESSAGE_BYTES", 4096),
            limit("LINLI_IOT_MAX_FUTURE_SECONDS", 300),
            limit("LINLI_IOT_MAX_AGE_SECONDS", 7 * 86400),
        )


def validate(raw: Raw, devices: DeviceCache, now: dt.datetime, limits: Limits | None = None) -> Accepted:
    limits = limits or Limits.from_settings()
    if len(raw.payload) > limits.max_bytes:
        raise Refused(QuarantineReason.OVERSIZED, f"{len(raw.payload)} bytes")
    device = devices.get(raw.ident)
    if device is None or not device.active:
        raise Refused(QuarantineReason.UNKNOWN_DEVICE, raw.ident[:64])
    try:
        msg = json.loads(raw.payload.decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(QuarantineReason.MALFORMED, str(exc)[:200]) from None
    if not isinstance(msg, dict):
        raise Refused(QuarantineReason.MALFORMED, "not an object")
    msg_id, ts, values = msg.get("id"), msg.get("ts"), msg.get("values")
    if isinstance(msg_id, int) and not isinstance(msg_id, bool):
        msg_id = str(msg_id)
    if not isinstance(msg_id, str) or not 0 < len(msg_id) <= 64:
        raise Refused(QuarantineReason.MALFORMED, "id: a string of 1–64 characters")
    if not isinstance(ts, int) or isinstance(ts, bool):
        raise Refused(QuarantineReason.MALFORMED, "ts: epoch milliseconds")
    if not isinstance(values, dict) or not values:
        raise Refused(QuarantineReason.MALFORMED, "values: an object of readings")
    try:
        when = dt.datetime.fromtimestamp(ts / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        raise Refused(QuarantineReason.CLOCK_SKEW, f"ts {ts}") from None
    skew = (when - now).total_seconds()
    if skew > limits.max_future or -skew > limits.max_age:
        raise Refused(QuarantineReason.CLOCK_SKEW, f"{skew:+.0f} s")
    schema = device.schema
    for key, value in values.items():
        spec = schema.get(key)
        if spec is None:
            raise Refused(QuarantineReason.SCHEMA, f"unknown key {str(key)[:40]}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise Refused(QuarantineReason.SCHEMA, f"{key}: not a number")
        low, high = spec.get("min"), spec.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            raise Refused(QuarantineReason.RANGE, f"{key}={value}")
    return Accepted(device, when, msg_id, values)


def bump(counts: dict[str, int]) -> None:
    for name, n in counts.items():
        if n and not IngestCounter.objects.filter(name=name).update(value=F("value") + n):
            IngestCounter.objects.create(name=name, value=n)


def update_devices(latest: dict[int, Accepted], now: dt.datetime) -> set[int]:
    """Last values, last seen, online. Returns the devices that were not online before (back from no-data)."""
    ids = list(latest)
    back = set(Device.objects.filter(pk__in=ids).exclude(status=DeviceStatus.ONLINE).values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        params, rows = [], []
        for pk, acc in latest.items():
            rows.append("(%s, %s::jsonb, %s::timestamptz)")
            params += [pk, json.dumps(acc.values), acc.ts]
        values_sql = ", ".join(rows)  # "(%s, %s::jsonb, %s::timestamptz)" placeholders only
        sql = (
            "UPDATE iot_device d SET last_values = CASE WHEN d.last_ts IS NULL OR d.last_ts <= v.ts "  # noqa: S608
            "THEN d.last_values || v.vals ELSE d.last_values END, last_ts = GREATEST(d.last_ts, v.ts), "
            "last_seen_at = %s, status = 'online' "
            "FROM (VALUES " + values_sql + ") AS v(id, vals, ts) WHERE d.id = v.id"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [now, *params])
        return back
    for device in Device.objects.filter(pk__in=ids).only("pk", "last_values", "last_ts"):
        acc = latest[device.pk]
        values, ts = device.last_values or {}, device.last_ts
        if ts is None or ts <= acc.ts:
            values, ts = {**values, **acc.values}, acc.ts
        Device.objects.filter(pk=device.pk).update(
            last_values=values, last_ts=ts, last_seen_at=now, status=DeviceStatus.ONLINE
        )
    return back


def process(raws: list[Raw], devices: DeviceCache, engine: Engine | None = None) -> BatchResult:
    """Validate, store and evaluate one batch in one transaction (see the module docstring)."""
    now = timezone.now()
    result = BatchResult()
    good: list[Accepted] = []
    bad: list[Quarantine] = []
    limits = Limits.from_settings()
    for i, raw in enumerate(raws):
        try:
            good.append(validate(raw, devices, now, limits))
        except Refused as ref:
            device = devices.get(raw.ident)
            bad.append(
                Quarantine(
                    source=raw.source,
                    device_ident=raw.ident[:64],
                    scope_path=device.path if device else "",
                    reason=ref.reason,
                    detail=ref.detail[:200],
                    payload=raw.payload[:1000].decode("utf-8", "replace"),
                )
            )
            result.quarantined[ref.reason] = result.quarantined.get(ref.reason, 0) + 1
            result.reasons.append((i, ref.reason))
    with transaction.atomic():
        new = storage.insert_telemetry([(a.device.pk, a.ts, a.msg_id, a.values) for a in good])
        fresh = []
        for a in good:  # a message repeated inside the batch is stored (and counted) once
            if (a.device.pk, a.msg_id) in new:
                new.discard((a.device.pk, a.msg_id))
                fresh.append(a)
        result.accepted, result.duplicates = len(fresh), len(good) - len(fresh)
        fresh.sort(key=lambda a: a.ts)
        if fresh:
            latest = {a.device.pk: a for a in fresh}
            back = update_devices(latest, now)
            if engine is not None:
                engine.evaluate(fresh, back, result)
        if bad:
            Quarantine.objects.bulk_create(bad)
        counts = {"accepted": result.accepted, "duplicate": result.duplicates}
        counts.update({f"quarantined.{k}": v for k, v in result.quarantined.items()})
        bump(counts)
    return result
