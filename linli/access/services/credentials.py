"""Residents' credentials and visitor passes. Face enrolment is optional and never a condition of anything."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit, crypto
from linli.core.paths import BUILDING, PATH_LENGTHS
from linli.core.permissions import Action, require, require_at
from linli.core.services import save_audited

from ..conf import token_hash
from ..models import AccessCredential, CredentialKind, VisitorPass

MAX_PASS_HOURS = 72
MAX_PASS_USES = 20


def pass_token(visitor_pass: VisitorPass) -> str:
    return crypto.decrypt(visitor_pass.token_sealed)


def credential_qr(credential: AccessCredential) -> str:
    """The QR token of a resident's QR credential (drawn on their own phone page)."""
    return crypto.decrypt(credential.value_sealed) if credential.kind == CredentialKind.QR else ""


@transaction.atomic
def credential_issue(*, actor, resident, kind: str, value: str = "", consent: bool = False) -> AccessCredential:
    """Issue a credential. Card: ``value`` is the card number; password: the PIN (4–8 digits); QR: generated;
    face: only with the resident's separate consent, recorded — the template stays on the door device."""
    path = resident.scope_path
    require_at(actor, Action.ADD, AccessCredential, path)
    cred = AccessCredential(resident=resident, scope_path=path, kind=kind)
    value = (value or "").strip()
    if kind == CredentialKind.CARD:
        if not value.isalnum() or not 4 <= len(value) <= 32:
            raise ValidationError({"value": _("Enter the card number printed on the card.")})
        cred.last4 = value[-4:]
    elif kind == CredentialKind.PASSWORD:
        if not value.isdigit() or not 4 <= len(value) <= 8:
            raise ValidationError({"value": _("A door password has 4 to 8 digits.")})
    elif kind == CredentialKind.QR:
        value = secrets.token_urlsafe(24)
        cred.value_sealed = crypto.encrypt(value)
    elif kind == CredentialKind.FACE:
        if not consent:
            raise ValidationError({"consent": _("Face enrolment needs the resident's separate consent.")})
        value = ""
        cred.consent_at = timezone.now()
    else:
        raise ValidationError({"kind": _("Choose a kind of credential.")})
    if value:
        cred.value_hash = token_hash(f"cred-{kind}", value)
        if AccessCredential.objects.filter(kind=kind, value_hash=cred.value_hash, revoked_at__isnull=True).exists():
            raise ValidationError({"value": _("This credential is already issued to someone.")})
    save_audited(actor=actor, obj=cred, action="create")
    return cred


@transaction.atomic
def credential_revoke(*, actor, credential: AccessCredential) -> AccessCredential:
    """Revoke (a face enrolment: the withdrawal of consent — the door device must delete the template)."""
    cred = AccessCredential.objects.select_for_update().get(pk=credential.pk)
    require(actor, Action.CHANGE, cred)
    if cred.revoked_at is None:
        before = audit.snapshot(cred)
        cred.revoked_at = timezone.now()
        save_audited(actor=actor, obj=cred, action="credential_revoke", before=before)
    return cred


@transaction.atomic
def pass_issue(
    *, actor, building, valid_from: dt.datetime, valid_until: dt.datetime, max_uses: int = 2, note: str = ""
) -> tuple[VisitorPass, str]:
    """A visitor pass for ``building``: returns it and its QR token."""
    if len(building.path) != PATH_LENGTHS[BUILDING]:
        raise ValidationError({"place": _("A visitor pass is for one building.")})
    require_at(actor, Action.ADD, VisitorPass, building.path)
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": _("The pass must end after it starts.")})
    if valid_until - valid_from > dt.timedelta(hours=MAX_PASS_HOURS):
        raise ValidationError({"valid_until": _("A visitor pass lasts at most three days.")})
    if valid_until <= timezone.now():
        raise ValidationError({"valid_until": _("This pass would already have expired.")})
    if not 1 <= int(max_uses) <= MAX_PASS_USES:
        raise ValidationError({"max_uses": _("A pass allows 1 to 20 entries.")})
    token = secrets.token_urlsafe(24)
    vp = VisitorPass(
        place=building,
        scope_path=building.path,
        issued_by=actor,
        note=note,
        token_hash=token_hash("pass", token),
        token_sealed=crypto.encrypt(token),
        valid_from=valid_from,
        valid_until=valid_until,
        max_uses=int(max_uses),
    )
    save_audited(actor=actor, obj=vp, action="create")
    return vp, token


@transaction.atomic
def pass_revoke(*, actor, visitor_pass: VisitorPass) -> VisitorPass:
    vp = VisitorPass.objects.select_for_update().get(pk=visitor_pass.pk)
    require(actor, Action.CHANGE, vp)
    if vp.revoked_at is None:
        before = audit.snapshot(vp)
        vp.revoked_at = timezone.now()
        save_audited(actor=actor, obj=vp, action="pass_revoke", before=before)
    return vp
