"""Service records (confirmation of hours) and certificates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit, dates, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import save_audited

from ..models import (
    Activity,
    Certificate,
    ServiceRecord,
    SignUp,
    SignUpStatus,
    Volunteer,
)
from .common import is_self, lock_row, notify_active, parse_hours, save_numbered

# --- confirmation: the service record --------------------------------------------------------------------


def recorder_name(actor) -> str:
    """The recorder (记录人) written on a service record: the confirming login's name, fixed at confirmation."""
    return str(actor)[:100] if getattr(actor, "is_authenticated", False) else ""


@transaction.atomic
def record_confirm(*, actor, signup: SignUp, hours=None) -> ServiceRecord:
    """The organiser confirms the hours of one sign-up (never more than check-in to check-out, capped at the
    activity's length): an immutable service record, the volunteer's total, and the event points listen to."""
    signup = SignUp.objects.select_for_update().select_related("activity", "volunteer").get(pk=signup.pk)
    activity = signup.activity
    require(actor, Action.CHANGE, activity)
    if ServiceRecord.objects.filter(signup=signup).exists():
        raise ValidationError(_("These hours are already confirmed."))
    if signup.status != SignUpStatus.CONFIRMED:
        raise ValidationError(_("Only a confirmed sign-up earns hours."))
    cap = signup.claimed_hours
    if cap is None:
        raise ValidationError(_("The volunteer has not checked in and out."))
    given = parse_hours(hours)
    if given is not None:
        if given <= 0:
            raise ValidationError({"hours": _("Hours must be more than zero.")})
        if given > cap:
            raise ValidationError(
                {
                    "hours": _("At most %(cap)s hours (check-in to check-out, capped at the activity's length).")
                    % {"cap": cap}
                }
            )
    final = given if given is not None else cap
    if final <= 0:
        raise ValidationError({"hours": _("No service time between check-in and check-out.")})
    content = f"{activity.title}：{activity.content}"[:300]
    record = ServiceRecord(
        signup=signup,
        volunteer=signup.volunteer,
        activity=activity,
        scope_path=activity.scope_path,
        served_on=timezone.localtime(activity.starts_at).date(),
        content=content,
        location=activity.where,
        hours=final,
        organiser_name=activity.organiser_name,
        recorder=recorder_name(actor),
        confirmed_by=actor if actor.is_authenticated else None,
        confirmed_at=timezone.now(),
    )
    save_audited(actor=actor, obj=record, action="create")
    volunteer = Volunteer.objects.select_for_update().select_related("resident").get(pk=signup.volunteer_id)
    Volunteer.objects.filter(pk=volunteer.pk).update(total_hours=F("total_hours") + final)
    events.publish(
        "volunteering.hours.confirmed",
        {
            "record_id": record.pk,
            "volunteer_id": volunteer.pk,
            "resident_id": volunteer.resident_id,
            "hours": f"{final:.2f}",
            "activity_id": activity.pk,
            "confirmed_at": record.confirmed_at.isoformat(),
        },
    )
    return record


@transaction.atomic
def records_confirm_all(*, actor, activity: Activity) -> int:
    """Confirm every checked-out, unconfirmed sign-up of an activity at its capped hours."""
    require(actor, Action.CHANGE, activity)
    pending = activity.signups.filter(
        status=SignUpStatus.CONFIRMED, checked_out_at__isnull=False, record__isnull=True
    ).order_by("pk")
    n = 0
    for signup in pending:
        record_confirm(actor=actor, signup=signup)
        n += 1
    return n


# --- certificates ----------------------------------------------------------------------------------------


@transaction.atomic
def certificate_request(*, actor, volunteer: Volunteer) -> None:
    """A volunteer asks for a certificate (issued free, Art. 21): community staff are notified."""
    from linli.accounts.models import RoleBinding

    if not is_self(actor, volunteer):
        raise PermissionDenied(_("Only the volunteer may ask for their own certificate."))
    staff = [
        b.user
        for b in RoleBinding.objects.current()
        .filter(place=volunteer.community, role__in=["community_secretary", "social_worker"])
        .select_related("user")
    ]
    notify_active(
        staff,
        title=_("Certificate requested: %(v)s") % {"v": volunteer},
        body=_("A volunteer asked for a service certificate."),
        url=f"/volunteering/volunteers/{volunteer.pk}/",
        kind="volunteering.certificate.requested",
        obj=volunteer,
    )
    audit.record(actor=actor, action="certificate_request", obj=volunteer)


@transaction.atomic
def certificate_issue(
    *,
    actor,
    volunteer: Volunteer,
    person_in_charge: str,
    contact: str,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
) -> Certificate:
    """Issue a 志愿服务记录证明 from the confirmed records (what it says is fixed at issue)."""
    volunteer = lock_row(volunteer)
    require_at(actor, Action.ADD, Certificate, volunteer.scope_path)
    errors = {}
    if not (person_in_charge or "").strip():
        errors["person_in_charge"] = _("This field is required.")
    if not (contact or "").strip():
        errors["contact"] = _("This field is required.")
    if period_from and period_to and period_from > period_to:
        errors["period_to"] = _("The end is before the start.")
    if errors:
        raise ValidationError(errors)
    records = ServiceRecord.objects.filter(volunteer=volunteer)
    if period_from:
        records = records.filter(served_on__gte=period_from)
    if period_to:
        records = records.filter(served_on__lte=period_to)
    rows = list(records.order_by("served_on").values_list("served_on", "content", "hours"))
    if not rows:
        raise ValidationError(_("There are no confirmed services in this period."))
    total = sum((h for _d, _c, h in rows), Decimal("0"))
    titles = list(dict.fromkeys(c.split("：", 1)[0] for _d, c, _h in rows))
    content = "、".join(titles)
    if len(content) > 3900:
        content = content[:3900] + "……"
    today = dates.today()
    cert = Certificate(
        volunteer=volunteer,
        scope_path=volunteer.scope_path,
        issued_on=today,
        period_from=period_from or rows[0][0],
        period_to=period_to or rows[-1][0],
        hours=total,
        record_count=len(rows),
        content=content,
        issuer=volunteer.community.name,
        person_in_charge=person_in_charge.strip(),
        contact=contact.strip(),
        handler=(str(actor) if actor.is_authenticated else "system")[:60],
        issued_by=actor if actor.is_authenticated else None,
    )
    save_numbered(cert, f"ZM{today.year}{volunteer.community.code[-6:]}", actor=actor, width=4)
    notify_active(
        [volunteer.resident.account],
        title=_("Your service certificate is ready"),
        body=cert.number,
        url=f"/volunteering/certificates/{cert.pk}/",
        kind="volunteering.certificate.issued",
        obj=cert,
    )
    return cert
