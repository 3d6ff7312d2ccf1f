"""Doors: set up, change, issue the controller secret (shown once)."""

from __future__ import annotations

import secrets

from django.db import transaction

from linli.core import audit, crypto
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited

from ..conf import token_hash
from ..models import Door

DOOR_FIELDS = ("name", "methods", "is_active")


def _new_secret(door: Door) -> str:
    secret = secrets.token_urlsafe(32)
    door.secret_sealed = crypto.encrypt(secret)
    door.secret_hash = token_hash("door", secret)
    return secret


@transaction.atomic
def door_create(*, actor, place, name: str, methods: list[str]) -> tuple[Door, str]:
    """A door at ``place`` (a compound's gate or a building); returns it and its controller secret, shown once."""
    require_at(actor, Action.ADD, Door, place.path)
    door = Door(place=place, scope_path=place.path, name=name, methods=list(methods))
    secret = _new_secret(door)
    save_audited(actor=actor, obj=door, action="create")
    return door, secret


@transaction.atomic
def door_update(*, actor, door: Door, **changes) -> Door:
    door = Door.objects.select_for_update().get(pk=door.pk)
    require(actor, Action.CHANGE, door)
    before = audit.snapshot(door)
    assign(door, changes, DOOR_FIELDS)
    save_audited(actor=actor, obj=door, action="update", before=before)
    return door


@transaction.atomic
def door_rotate_secret(*, actor, door: Door) -> str:
    """A new controller secret (the old one stops working at once); shown once."""
    door = Door.objects.select_for_update().get(pk=door.pk)
    require(actor, Action.CHANGE, door)
    secret = _new_secret(door)
    save_audited(actor=actor, obj=door, action="door_rotate_secret")
    return secret
