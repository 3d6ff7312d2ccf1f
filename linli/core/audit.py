"""Writing the audit trail. Services call ``record``; nothing else writes audit rows."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from . import context
from .models import AuditLog


def _jsonable(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model) -> dict:
    """The concrete field values of ``obj`` as JSON-safe data (secrets excluded)."""
    exclude = set(getattr(obj, "audit_exclude", ())) | {"password"}
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _jsonable(field.value_from_object(obj))
    for field in obj._meta.many_to_many:
        if field.name in exclude or obj.pk is None:
            continue
        data[field.name] = sorted(o.pk for o in field.value_from_object(obj))
    return data


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    scope_path: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    day_only: bool = False,
) -> AuditLog:
    """One audit row. ``day_only``: the row keeps the local day of the event (its midnight) and no request id,
    for an act whose exact time must not be readable — a secret ballot, whose time beside the counts polled
    during the vote would tell the choice."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr if object_repr is not None else str(obj)
        if scope_path is None:
            scope_path = getattr(obj, "scope_value", "") or ""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    extra = {}
    if day_only:
        extra["at"] = day_start(timezone.now())
    return AuditLog.objects.create(
        **extra,
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "system")[:150],
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=(object_repr or "")[:200],
        scope_path=scope_path or "",
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
        request_id="" if day_only else ctx.request_id,
        ip=ctx.ip,
        channel=ctx.channel,
    )


# 网络安全法 第21条: keep network logs at least six months. Six calendar months are 181 to 184 days long, so a
# retention set in days is never below 184; the database triggers (migration 0005) refuse deleting a row younger
# than six calendar months (UTC, a missing day becoming the month's last: as ``add_months``).
RETENTION_FLOOR_DAYS = 184
RETENTION_FLOOR_MONTHS = 6


def legal_floor(now: dt.datetime | None = None) -> dt.datetime:
    """Rows written at or after this moment are younger than six calendar months: never deletable."""
    from .workdays import add_months

    now = now or timezone.now()
    return add_months(now.astimezone(dt.UTC), -RETENTION_FLOOR_MONTHS)


def day_start(moment: dt.datetime) -> dt.datetime:
    """Midnight (local time) of the day of ``moment``, aware."""
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def retention_cutoff() -> dt.datetime:
    """Rows written before this moment are past retention (the setting, never less than six calendar months)."""
    now = timezone.now()
    days = max(RETENTION_FLOOR_DAYS, settings.LINLI_AUDIT_RETENTION_DAYS)
    return min(now - timedelta(days=days), legal_floor(now))


def purge_expired() -> int:
    """Delete audit rows older than the retention period (never younger than six calendar months).

    The only deletion path: it bypasses the model guard with a raw DELETE that the database
    triggers also allow, because every row it touches is past retention.
    """
    cutoff = retention_cutoff()
    table = AuditLog._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])  # noqa: S608 - table name is ours
        return cursor.rowcount


#: the one audit action of every reveal of a personal number in full (ID numbers, phones, a reporter's phone)
REVEAL = "unmask"
PURPOSE_MAX = 200


def record_reveal(*, actor, obj: models.Model, field: str, purpose: str) -> AuditLog:
    """Audit one reveal of ``obj``'s ``field`` in full, with the purpose the user gave. Call it before the value
    is decrypted: a reveal without a purpose is refused (ValidationError on "purpose")."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    purpose = " ".join((purpose or "").split())[:PURPOSE_MAX]
    if not purpose:
        raise ValidationError({"purpose": _("Say why you need the full number: the purpose is recorded.")})
    return record(actor=actor, action=REVEAL, obj=obj, note=f"{field}: {purpose}")


def prompt_text(request) -> str:
    """What the user typed into an ``hx-prompt``: htmx URI-encodes a non-ASCII answer (``encodeURIComponent``)
    and says so in ``HX-Prompt-URI-AutoEncoded``; decoded here, so "上门核实" is stored as typed."""
    from urllib.parse import unquote

    value = request.headers.get("HX-Prompt", "")
    if request.headers.get("HX-Prompt-URI-AutoEncoded", "").lower() == "true":
        value = unquote(value)
    return value[:PURPOSE_MAX]
