"""Check-in and check-out: the rotating code on the organiser's screen, or the organiser's list."""

from __future__ import annotations

import datetime as dt
import secrets
import time

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.permissions import Action, require
from linli.core.services import save_audited

from ..models import (
    Activity,
    ActivityStatus,
    CheckMethod,
    CodeUse,
    SignUp,
    SignUpStatus,
)
from .common import (
    CHECK_ACTIONS,
    CODE_SALT,
    EARLY_CHECKIN,
    LATE_CHECKOUT,
    code_seconds,
    scan_grace_seconds,
    volunteer_of,
)

# --- check-in and check-out ------------------------------------------------------------------------------


def checkin_code(*, actor, activity: Activity, action: str) -> tuple[str, dt.datetime]:
    """A fresh signed code for the organiser's screen: valid for ``code_seconds()``; the page rotates it."""
    require(actor, Action.CHANGE, activity)
    if action not in CHECK_ACTIONS:
        raise ValidationError({"action": _("Unknown action.")})
    if activity.status not in (ActivityStatus.OPEN, ActivityStatus.CLOSED):
        raise ValidationError(_("Codes are shown only for an open or closed activity."))
    nonce = secrets.token_urlsafe(6)
    code = signing.TimestampSigner(salt=CODE_SALT).sign(f"{activity.pk}.{action}.{nonce}")
    return code, timezone.now() + dt.timedelta(seconds=code_seconds())


def read_code(code: str, *, scanned_at: dt.datetime | None = None) -> tuple[int, str, str]:
    """(activity id, action, nonce) of a code, or a ValidationError saying why it is refused.

    A code is valid for ``code_seconds()`` after it was made. ``scanned_at`` is when the server itself saw this
    code still valid (the check page keeps that moment in the volunteer's session, never from the request): the
    volunteer then has ``scan_grace_seconds()`` to sign in and confirm, so a code scanned in time by a phone that
    first has to log in is not refused as expired."""
    code = (code or "").strip()
    if not code or len(code) > 200:
        raise ValidationError({"code": _("This code is not valid.")})
    signer = signing.TimestampSigner(salt=CODE_SALT)
    try:
        value = signer.unsign(code)
        made = signing.b62_decode(code.rsplit(signer.sep, 2)[-2])
    except (signing.BadSignature, ValueError, IndexError):
        raise ValidationError({"code": _("This code is not valid.")}) from None
    now = time.time()
    at = now
    if scanned_at is not None:
        seen = scanned_at.timestamp()
        if made <= seen and 0 <= now - seen <= scan_grace_seconds():
            at = seen
    if at - made > code_seconds():
        raise ValidationError({"code": _("This code has expired. Scan the code on the organiser's screen again.")})
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in CHECK_ACTIONS:
        raise ValidationError({"code": _("This code is not valid.")})
    return int(parts[0]), parts[1], parts[2]


def _check(signup: SignUp, action: str, method: str, at: dt.datetime) -> None:
    activity = signup.activity
    if signup.status != SignUpStatus.CONFIRMED:
        raise ValidationError(_("Only volunteers with a confirmed place can check in."))
    if hasattr(signup, "record"):
        raise ValidationError(_("The hours of this sign-up are already confirmed."))
    if action == "in":
        if signup.checked_in_at:
            raise ValidationError(_("You have already checked in."))
        if at < activity.starts_at - EARLY_CHECKIN or at > activity.ends_at:
            raise ValidationError(_("Check-in is open from one hour before the start until the end."))
        signup.checked_in_at, signup.checked_in_by = at, method
    else:
        if not signup.checked_in_at:
            raise ValidationError(_("Check in before checking out."))
        if signup.checked_out_at:
            raise ValidationError(_("You have already checked out."))
        if at < signup.checked_in_at or at > activity.ends_at + LATE_CHECKOUT:
            raise ValidationError(_("This check-out time is not possible."))
        signup.checked_out_at, signup.checked_out_by = at, method


@transaction.atomic
def check_by_code(*, actor, code: str, scanned_at: dt.datetime | None = None) -> SignUp:
    """A volunteer scanned (or typed) the organiser's code: check in or out (``scanned_at``: see ``read_code``)."""
    activity_id, action, nonce = read_code(code, scanned_at=scanned_at)
    volunteer = volunteer_of(actor)
    if volunteer is None:
        raise ValidationError({"code": _("Register as a volunteer first.")})
    signup = (
        SignUp.objects.select_for_update()
        .select_related("activity")
        .filter(activity_id=activity_id, volunteer=volunteer)
        .exclude(status=SignUpStatus.CANCELLED)
        .first()
    )
    if signup is None:
        raise ValidationError({"code": _("You have not signed up for this activity.")})
    if signup.activity.status not in (ActivityStatus.OPEN, ActivityStatus.CLOSED):
        raise ValidationError({"code": _("This activity is not taking check-ins.")})
    if CodeUse.objects.filter(activity_id=activity_id, volunteer=volunteer, action=action, nonce=nonce).exists():
        raise ValidationError({"code": _("This code has already been used. Scan the current code.")})
    before = audit.snapshot(signup)
    _check(signup, action, CheckMethod.CODE, timezone.now())
    CodeUse.objects.create(activity_id=activity_id, volunteer=volunteer, action=action, nonce=nonce)
    save_audited(actor=actor, obj=signup, action="update", before=before, note=f"check-{action} by code")
    return signup


@transaction.atomic
def check_by_list(*, actor, signup: SignUp, action: str, at: dt.datetime | None = None) -> SignUp:
    """The organiser ticks a volunteer in or out on the list (at a given time, default now)."""
    signup = SignUp.objects.select_for_update().select_related("activity").get(pk=signup.pk)
    require(actor, Action.CHANGE, signup.activity)
    if action not in CHECK_ACTIONS:
        raise ValidationError({"action": _("Unknown action.")})
    before = audit.snapshot(signup)
    _check(signup, action, CheckMethod.LIST, at or timezone.now())
    return save_audited(actor=actor, obj=signup, action="update", before=before, note=f"check-{action} by list")
