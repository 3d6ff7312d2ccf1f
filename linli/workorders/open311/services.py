"""Writes for Open311: issuing and revoking API keys (audited), and turning a POSTed request into a case."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, events
from linli.core.permissions import require, require_at

from .. import services as wo
from ..models import Case, Open311Key, Open311Request, Source


@transaction.atomic
def key_issue(*, actor, name: str, place: Place) -> tuple[Open311Key, str]:
    """A new key reporting in ``place`` (district, street or community), with its own login-less service
    account. Returns the key and the raw secret, which is shown once and never stored."""
    from linli.accounts.models import User

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    if len(name) > 80:
        raise ValidationError({"name": _("At most %(n)s characters.") % {"n": 80}})
    if place is None or place.level > 3 or not place.is_active:
        raise ValidationError({"place": _("Choose an active district, street or community.")})
    require_at(actor, "add", Open311Key, place.path)
    raw = Open311Key.generate()
    prefix = raw[:8]
    # The service account: no password (it never logs in), no role binding (it reads nothing); its one right,
    # reporting inside the key's area, is granted per request by the Open311 endpoint (services.may_report).
    account = User(
        username=f"open311-{secrets.token_hex(6)}",
        scope_path=place.path,
        display_name=(_("Open311: %(name)s") % {"name": name})[:60],
    )
    account.set_unusable_password()
    account.save()
    audit.record(
        actor=actor, action="create", obj=account, after=audit.snapshot(account), note="open311 service account"
    )
    key = Open311Key(
        name=name,
        key_hash=Open311Key.hash(raw),
        prefix=prefix,
        place=place,
        scope_path=place.path,
        account=account,
        issued_by=actor,
    )
    key.full_clean(exclude=["account", "issued_by"])
    key.save()
    audit.record(actor=actor, action="open311_key_issue", obj=key, after=audit.snapshot(key))
    events.publish("workorders.open311.key_issued", {"key_id": key.pk})
    return key, raw


@transaction.atomic
def key_revoke(*, actor, key: Open311Key) -> Open311Key:
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    require(actor, "change", key)
    if key.revoked_at is not None:
        raise ValidationError({"key": _("This key has already been revoked.")})
    before = audit.snapshot(key)
    key.revoked_at, key.revoked_by = timezone.now(), actor
    key.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit.record(actor=actor, action="open311_key_revoke", obj=key, before=before, after=audit.snapshot(key))
    events.publish("workorders.open311.key_revoked", {"key_id": key.pk})
    return key


def key_authenticate(raw: str) -> Open311Key | None:
    """The usable key for ``raw``, or None (missing, unknown, revoked, or its account switched off)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 200:
        return None
    key = Open311Key.objects.usable().select_related("account", "place").filter(key_hash=Open311Key.hash(raw)).first()
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 300:
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


@transaction.atomic
def request_create(
    *,
    key: Open311Key,
    category,
    place: Place,
    description: str,
    title: str,
    lat=None,
    lng=None,
    address: str = "",
    case_type: str = "help",
    priority: str = "normal",
    confidentiality: str = "none",
    reporter_name: str = "",
    reporter_phone: str = "",
    media_url: str = "",
) -> Open311Request:
    """受理 an Open311 request as a case (source open311) acting as the key's service account, inside the key's
    area only."""
    if key.revoked_at is not None or not key.account.is_active:
        raise PermissionDenied(_("This API key has been revoked."))
    account = key.account
    account._open311_paths = [key.scope_path]
    case: Case = wo.case_create(
        actor=account,
        category=category,
        title=title,
        description=description,
        place=place,
        case_type=case_type,
        source=Source.OPEN311,
        priority=priority,
        address=address,
        lat=lat,
        lng=lng,
        confidentiality=confidentiality,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
    )
    req = Open311Request(case=case, key=key, token=secrets.token_hex(16), media_url=media_url)
    req.full_clean(exclude=["case", "key"])
    req.save()
    if media_url:
        # A link, not a file: it is recorded on the timeline and never fetched by the server.
        wo.record_event(case, "media_link", account, before=case.state, data={"media_url": media_url}, public=True)
    return req
