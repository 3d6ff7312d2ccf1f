"""What the volunteering services share: settings, locks, the volunteer of a login, numbering."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core.paths import COMMUNITY, path_at
from linli.core.permissions import Action, can
from linli.core.services import save_audited

from ..models import (
    Activity,
    Volunteer,
)

CODE_SALT = "linli.volunteering.check"
CHECK_ACTIONS = ("in", "out")
EARLY_CHECKIN = dt.timedelta(hours=1)
LATE_CHECKOUT = dt.timedelta(hours=6)
MIN_VOLUNTEER_AGE = 14


def code_seconds() -> int:
    return int(getattr(settings, "LINLI_VOLUNTEERING_CODE_SECONDS", 60))


def scan_grace_seconds() -> int:
    """How long after scanning a still-valid code the volunteer may confirm it (time to sign in on the phone)."""
    return int(getattr(settings, "LINLI_VOLUNTEERING_SCAN_GRACE_SECONDS", 600))


def lock_row(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def volunteer_of(user) -> Volunteer | None:
    """The volunteer record of the resident linked to ``user``'s login, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.select_related("resident").filter(resident__account_id=user.pk).first()


def is_self(actor, volunteer: Volunteer) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and volunteer.resident.account_id == actor.pk)


def community_of(path: str) -> Place:
    community = Place.objects.filter(path=path_at(path, COMMUNITY), level=3).first()
    if community is None:
        raise ValidationError({"resident": _("This resident is not registered in a community.")})
    return community


def notify_active(users, *, title, body, url, kind, obj):
    users = [u for u in users if u is not None and u.is_active]
    if not users:
        return
    from linli.notifications.services import notify

    notify(users=users, title=title, body=body, url=url, kind=kind, obj=obj)


def next_number(prefix: str, model, field: str = "number", width: int = 5) -> str:
    last = (
        model.objects.filter(**{f"{field}__startswith": prefix})
        .order_by(f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{seq:0{width}d}"


def save_numbered(obj, prefix: str, *, actor, width: int = 5):
    """Give ``obj`` the next number under ``prefix`` and save it (retrying if another writer took the number)."""
    for _attempt in range(5):
        obj.number = next_number(prefix, type(obj), width=width)
        try:
            with transaction.atomic():
                save_audited(actor=actor, obj=obj, action="create", exclude_from_validation=["number"])
            return obj
        except IntegrityError:
            obj.pk = None
            obj._state.adding = True
    raise ValidationError(_("Could not allocate a number; please try again."))


def parse_hours(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("Enter a number of hours.")}) from None
    if not hours.is_finite():
        raise ValidationError({"hours": _("Enter a number of hours.")})
    return hours


def staff_can_manage(user, activity: Activity) -> bool:
    return can(user, Action.CHANGE, activity)
