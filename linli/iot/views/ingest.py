"""The ingest status page (counters, quarantine by reason, the latest refused messages in scope) and the HTTP
ingest endpoint for devices that cannot speak MQTT."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from linli.core.context import acting_as
from linli.core.permissions import may_any

from .. import selectors, services
from ..models import Device, DeviceStatus, Quarantine, QuarantineReason

SECTION = "management"
CACHE = services.DeviceCache(ttl=5)
ENGINE = services.Engine(ttl=5)


@login_required
def ingest_status(request):
    user = request.user
    if not may_any(user, Device):
        raise PermissionDenied
    counts = selectors.counters()
    reasons = [
        {"code": code, "label": label, "n": counts.get(f"quarantined.{code}", 0)}
        for code, label in QuarantineReason.choices
    ]
    devices = selectors.devices(user).values("status").annotate(n=Count("pk")).order_by()
    by_status = {row["status"]: row["n"] for row in devices}
    recent = selectors.quarantine(user)[:30] if may_any(user, Quarantine) else []
    return render(
        request,
        "iot/status.html",
        {
            "counts": counts,
            "reasons": reasons,
            "quarantined": sum(r["n"] for r in reasons),
            "statuses": [(label, by_status.get(code, 0)) for code, label in DeviceStatus.choices],
            "recent": recent,
            "section": SECTION,
        },
    )


def refuse(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


@csrf_exempt
@require_POST
def http_ingest(request, ident: str):
    """POST one message (or a JSON list of messages) with ``Authorization: Device <secret>``. 202 with the
    counts; 401 for a wrong credential (counted in the quarantine); refused messages are quarantined."""
    header = request.headers.get("Authorization", "")
    secret = header[7:].strip() if header.startswith("Device ") else ""
    device = Device.objects.filter(ident=ident, is_active=True).only("pk", "secret_hash", "scope_path").first()
    body = request.body
    if device is None or not device.check_secret(secret):
        Quarantine.objects.create(
            source="http",
            device_ident=ident[:64],
            scope_path=device.scope_path if device else "",
            reason=QuarantineReason.BAD_CREDENTIAL,
            detail="Authorization: Device <secret>",
            payload=body[:1000].decode("utf-8", "replace"),
        )
        services.ingest.bump({f"quarantined.{QuarantineReason.BAD_CREDENTIAL}": 1})
        return refuse(401, "unauthorised", "unknown device or wrong credential")
    payloads = [body]
    if body[:1].strip() == b"[" and len(body) <= 100 * 4096:
        try:
            items = json.loads(body)
        except ValueError:
            items = None
        if isinstance(items, list) and 0 < len(items) <= 100:
            payloads = [json.dumps(item).encode() for item in items]
    with acting_as("api"):
        result = services.process([services.Raw(ident, p, "http") for p in payloads], CACHE, ENGINE)
    return JsonResponse(
        {"accepted": result.accepted, "duplicates": result.duplicates, "quarantined": result.quarantined},
        status=202,
    )
