"""The ingest pipeline: validation and the quarantine (each reason), de-duplication by message key, last values
and online status, counters — through ``services.process``, the function the MQTT worker and the HTTP endpoint call."""

from __future__ import annotations

import json
import time

import pytest

from linli.core.models import AuditLog

from .. import services
from ..models import Device, DeviceStatus, IngestCounter, Quarantine, Telemetry
from . import factories as f

pytestmark = pytest.mark.django_db


def counters():
    return dict(IngestCounter.objects.values_list("name", "value"))


def test_valid_messages_are_stored_once_and_update_last_values(tree):
    dev = f.device(tree)
    cache = services.DeviceCache()
    now = time.time()
    batch = [
        f.message(dev.ident, {"pressure": 0.30}, mid=1, ts=now - 20),
        f.message(dev.ident, {"pressure": 0.31}, mid=2, ts=now - 10),
        f.message(dev.ident, {"pressure": 0.31}, mid=2, ts=now - 10),  # a redelivery inside the batch
    ]
    result = services.process(batch, cache)
    assert (result.accepted, result.duplicates) == (2, 1)
    again = services.process(batch[:2], cache)  # the whole batch redelivered after a crash
    assert (again.accepted, again.duplicates) == (0, 2)
    assert Telemetry.objects.filter(device_id=dev.pk).count() == 2
    dev.refresh_from_db()
    assert dev.status == DeviceStatus.ONLINE and dev.last_values == {"pressure": 0.31}
    # An older reading arriving late does not overwrite the last values.
    services.process([f.message(dev.ident, {"pressure": 0.2}, mid=0, ts=now - 60)], cache)
    dev.refresh_from_db()
    assert dev.last_values == {"pressure": 0.31}
    assert counters() == {"accepted": 3, "duplicate": 3}


@pytest.mark.parametrize(
    "payload, reason",
    [
        (b"{not json", "malformed"),
        (b"[1, 2]", "malformed"),
        (json.dumps({"id": "1", "ts": "yesterday", "values": {"pressure": 0.3}}).encode(), "malformed"),
        (json.dumps({"id": "", "ts": 1, "values": {"pressure": 0.3}}).encode(), "malformed"),
        (json.dumps({"id": "1", "ts": 1, "values": {}}).encode(), "malformed"),
        ("schema", "schema"),
        ("text", "schema"),
        ("range", "range"),
        ("future", "clock_skew"),
        ("old", "clock_skew"),
        (b"{" + b" " * 5000 + b"}", "oversized"),
    ],
)
def test_bad_messages_are_quarantined_with_the_reason_and_counted(tree, payload, reason):
    dev = f.device(tree)
    now = time.time()
    special = {
        "schema": ({"pressure": 0.3, "temperature": 20}, now),
        "text": ({"pressure": "0.3"}, now),
        "range": ({"pressure": 3.0}, now),
        "future": ({"pressure": 0.3}, now + 3600),
        "old": ({"pressure": 0.3}, now - 30 * 86400),
    }
    if isinstance(payload, str):
        values, ts = special[payload]
        raw = f.message(dev.ident, values, mid=9, ts=ts)
    else:
        raw = services.Raw(dev.ident, payload)
    good = f.message(dev.ident, {"pressure": 0.3}, mid=10)
    result = services.process([raw, good], services.DeviceCache())
    assert result.accepted == 1 and result.quarantined == {reason: 1}
    row = Quarantine.objects.get()
    assert row.reason == reason and row.device_ident == dev.ident and row.scope_path == dev.scope_path
    assert counters()[f"quarantined.{reason}"] == 1
    assert Telemetry.objects.count() == 1  # nothing valid lost


def test_unknown_and_inactive_devices_are_quarantined(tree):
    dev = f.device(tree)
    services.device_set_active(actor=tree.users["secretary_a1"], device=dev, active=False)
    result = services.process(
        [f.message("nosuch-1", {"pressure": 0.3}, mid=1), f.message(dev.ident, {"pressure": 0.3}, mid=1)],
        services.DeviceCache(),
    )
    assert result.quarantined == {"unknown_device": 2}
    assert set(Quarantine.objects.values_list("scope_path", flat=True)) == {"", dev.scope_path}


def test_device_secret_is_shown_once_and_stored_hashed(tree):
    dev = f.device(tree)
    assert dev.raw_secret not in dev.secret_hash and dev.check_secret(dev.raw_secret)
    assert not dev.check_secret("wrong") and not dev.check_secret("")
    row = AuditLog.objects.filter(object_type="iot.device").latest("pk")
    assert dev.raw_secret not in json.dumps(row.after) and "secret_hash" not in row.after
    new = services.device_rotate_secret(actor=tree.users["secretary_a1"], device=dev)
    dev.refresh_from_db()
    assert dev.check_secret(new) and not dev.check_secret(dev.raw_secret)


def test_device_placement_and_scope(tree):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        f.device(tree, place=tree.comm_a1)
    with pytest.raises(PermissionDenied):
        f.device(tree, place=tree.building_b1)
    assert Device.objects.count() == 0
