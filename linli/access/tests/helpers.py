"""Shared set-up for the access tests: a door at a building, a resident with a card, signed posts."""

from __future__ import annotations

import json
import time
import uuid

from django.utils import timezone

from linli.accounts.testing import system_user
from linli.registry import services as registry

from .. import services

URL = "/api/v1/access/device/events"


def door_and_secret(tree, methods=("card", "qr", "face"), place=None):
    return services.door_create(
        actor=system_user(), place=place or tree.building_a1, name="1栋大门", methods=list(methods)
    )


def resident(tree, name="王秀英"):
    return registry.resident_create(actor=system_user(), name=name, home=tree.house_a1)


def post(client, door, secret, payload: dict, *, ts: int | None = None, signature: str | None = None):
    body = json.dumps(payload).encode()
    ts = str(ts if ts is not None else int(time.time()))
    sig = signature if signature is not None else services.sign(secret, ts, body)
    return client.post(
        URL,
        body,
        content_type="application/json",
        HTTP_X_LINLI_DOOR=str(door.key_id),
        HTTP_X_LINLI_TIMESTAMP=ts,
        HTTP_X_LINLI_SIGNATURE=sig,
    )


def event(credential: str = "", method: str = "card", result: str = "granted", at=None, **extra) -> dict:
    return {
        "event_id": uuid.uuid4().hex,
        "at": (at or timezone.now()).isoformat(),
        "method": method,
        "result": result,
        "credential": credential,
        **extra,
    }
