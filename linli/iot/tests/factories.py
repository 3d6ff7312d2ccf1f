"""Helpers for the IoT tests: devices, rules and messages written through the services."""

from __future__ import annotations

import json
import time

from linli.workorders.models import Category

from .. import services
from ..models import DeviceType, RuleKind


def device(tree, *, code="hydrant", place=None, ident=None, actor=None):
    dev, secret = services.device_create(
        actor=actor or tree.users["secretary_a1"],
        device_type=DeviceType.objects.get(code=code),
        place=place or tree.building_a1,
        name=f"{code} 1",
        ident=ident or "",
    )
    dev.raw_secret = secret
    return dev


def hydrant_rule(tree, *, actor=None, place=None, **kw):
    data = {
        "name": "消火栓水压低",
        "device_type": DeviceType.objects.get(code="hydrant"),
        "alarm_type": "low-pressure",
        "severity": "critical",
        "kind": RuleKind.THRESHOLD,
        "key": "pressure",
        "operator": "lt",
        "raise_value": 0.10,
        "clear_value": 0.14,
        "case_category": Category.objects.get(code="fire-safety"),
        "case_org": tree.dept,
        "case_priority": "urgent",
        "case_due_hours": 2,
    }
    data.update(kw)
    return services.rule_save(actor=actor or tree.users["district_admin"], place=place or tree.district, **data)


def message(ident, values, *, mid, ts=None, source="mqtt"):
    body = {"id": str(mid), "ts": int((ts if ts is not None else time.time()) * 1000), "values": values}
    return services.Raw(ident, json.dumps(body).encode(), source)
