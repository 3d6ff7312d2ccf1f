"""Activities: create, publish, close sign-up, finish, cancel; sign-up and cancellation with the waiting list."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited

from ..models import (
    Activity,
    ActivityStatus,
    ServiceRecord,
    SignUp,
    SignUpStatus,
    Volunteer,
    VolunteerStatus,
)
from .common import is_self, lock_row, notify_active, volunteer_of

# --- activities ------------------------------------------------------------------------------------------

ACTIVITY_FIELDS = {
    "kind",
    "title",
    "content",
    "location",
    "team",
    "starts_at",
    "ends_at",
    "signup_closes_at",
    "slots",
    "skills",
    "min_age",
    "max_age",
    "is_risky",
    "insurance_confirmed",
    "insurance_note",
    "organiser_name",
    "person_in_charge",
    "contact",
    "place",
}


@transaction.atomic
def activity_create(*, actor, community: Place, place: Place | None = None, **fields) -> Activity:
    if community is None or community.level != 3:
        raise ValidationError({"community": _("An activity belongs to a community.")})
    place = place or community
    require_at(actor, Action.ADD, Activity, place.path)
    activity = Activity(
        community=community,
        place=place,
        scope_path=place.path,
        organiser=actor if actor.is_authenticated else None,
        status=ActivityStatus.DRAFT,
    )
    fields.setdefault("organiser_name", community.name)
    assign(activity, fields, ACTIVITY_FIELDS - {"place"})
    if activity.team_id and activity.team.community_id != community.pk:
        raise ValidationError({"team": _("The team must belong to the same community.")})
    save_audited(actor=actor, obj=activity, action="create")
    events.publish("volunteering.activity.created", {"id": activity.pk, "path": activity.scope_path})
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, **changes) -> Activity:
    activity = lock_row(activity)
    require(actor, Action.CHANGE, activity)
    if activity.status not in (ActivityStatus.DRAFT, ActivityStatus.OPEN, ActivityStatus.CLOSED):
        raise ValidationError(_("A finished or cancelled activity cannot be changed."))
    before = audit.snapshot(activity)
    assign(activity, changes, ACTIVITY_FIELDS)
    activity.scope_path = activity.place.path
    if activity.is_risky and not activity.insurance_confirmed and activity.status != ActivityStatus.DRAFT:
        raise ValidationError({"insurance_confirmed": _("A risky activity needs accident insurance confirmed.")})
    return save_audited(actor=actor, obj=activity, action="update", before=before)


def _require_insurance(activity: Activity, doing: str):
    if activity.is_risky and not activity.insurance_confirmed:
        raise ValidationError(
            {
                "insurance_confirmed": _(
                    "This is a risky activity: confirm the participants' accident insurance before %(doing)s."
                )
                % {"doing": doing}
            }
        )


@transaction.atomic
def activity_publish(*, actor, activity: Activity) -> Activity:
    activity = lock_row(activity)
    require(actor, Action.CHANGE, activity)
    if activity.status != ActivityStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    _require_insurance(activity, _("publishing"))
    if activity.starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("An activity in the past cannot be published.")})
    before = audit.snapshot(activity)
    activity.status = ActivityStatus.OPEN
    save_audited(actor=actor, obj=activity, action="update", before=before, note="publish")
    events.publish("volunteering.activity.published", {"id": activity.pk, "path": activity.scope_path})
    return activity


@transaction.atomic
def activity_close_signup(*, actor, activity: Activity) -> Activity:
    activity = lock_row(activity)
    require(actor, Action.CHANGE, activity)
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError(_("Sign-up is not open."))
    _require_insurance(activity, _("closing sign-up"))
    before = audit.snapshot(activity)
    activity.status = ActivityStatus.CLOSED
    return save_audited(actor=actor, obj=activity, action="update", before=before, note="close sign-up")


@transaction.atomic
def activity_finish(*, actor, activity: Activity) -> Activity:
    activity = lock_row(activity)
    require(actor, Action.CHANGE, activity)
    if activity.status not in (ActivityStatus.OPEN, ActivityStatus.CLOSED):
        raise ValidationError(_("Only an open or closed activity can be finished."))
    if activity.ends_at > timezone.now():
        raise ValidationError(_("The activity has not ended yet."))
    before = audit.snapshot(activity)
    activity.status = ActivityStatus.FINISHED
    return save_audited(actor=actor, obj=activity, action="update", before=before, note="finish")


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str = "") -> Activity:
    activity = lock_row(activity)
    require(actor, Action.CHANGE, activity)
    if activity.status in (ActivityStatus.FINISHED, ActivityStatus.CANCELLED):
        raise ValidationError(_("This activity is already finished or cancelled."))
    if ServiceRecord.objects.filter(activity=activity).exists():
        raise ValidationError(_("Service hours have been confirmed for this activity; it cannot be cancelled."))
    before = audit.snapshot(activity)
    activity.status = ActivityStatus.CANCELLED
    save_audited(actor=actor, obj=activity, action="update", before=before, note=f"cancel: {reason}"[:500])
    live = list(
        activity.signups.filter(status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING]).select_related(
            "volunteer__resident__account"
        )
    )
    notify_active(
        [s.volunteer.resident.account for s in live],
        title=_("Activity cancelled: %(t)s") % {"t": activity},
        body=reason or "",
        url=f"/volunteering/activities/{activity.pk}/",
        kind="volunteering.activity.cancelled",
        obj=activity,
    )
    return activity


# --- sign-up and cancellation ----------------------------------------------------------------------------


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@transaction.atomic
def signup_create(*, actor, activity: Activity, volunteer: Volunteer | None = None) -> SignUp:
    """Sign up for an activity: a place if one is free, otherwise the waiting list."""
    volunteer = volunteer or volunteer_of(actor)
    if volunteer is None:
        raise ValidationError({"volunteer": _("Register as a volunteer first.")})
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not is_self(actor, volunteer):
        require(actor, Action.CHANGE, activity)  # staff signing someone up (代办)
    volunteer = Volunteer.objects.select_for_update().select_related("resident").get(pk=volunteer.pk)
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError({"volunteer": _("This volunteer is not active.")})
    if not activity.is_signup_open:
        raise ValidationError(_("Sign-up for this activity is not open."))
    if SignUp.objects.filter(activity=activity, volunteer=volunteer).exclude(status=SignUpStatus.CANCELLED).exists():
        raise ValidationError(_("You have already signed up for this activity."))
    birth = volunteer.resident.birth_date
    if activity.min_age is not None or activity.max_age is not None:
        if birth is None:
            raise ValidationError(_("This activity has an age limit and the birth date is not on record."))
        age = _age_on(birth, timezone.localtime(activity.starts_at).date())
        if (activity.min_age is not None and age < activity.min_age) or (
            activity.max_age is not None and age > activity.max_age
        ):
            raise ValidationError(
                _("This activity is for ages %(low)s to %(high)s.")
                % {"low": activity.min_age or 14, "high": activity.max_age or "—"}
            )
    clash = (
        SignUp.objects.filter(
            volunteer=volunteer,
            status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING],
            activity__starts_at__lt=activity.ends_at,
            activity__ends_at__gt=activity.starts_at,
        )
        .exclude(activity=activity)
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .select_related("activity")
        .first()
    )
    if clash:
        raise ValidationError(
            _("This overlaps with “%(other)s” (%(when)s) you have signed up for.")
            % {
                "other": clash.activity.title,
                "when": timezone.localtime(clash.activity.starts_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    taken = activity.signups.filter(status=SignUpStatus.CONFIRMED).count()
    status = SignUpStatus.CONFIRMED if taken < activity.slots else SignUpStatus.WAITING
    signup = SignUp(activity=activity, volunteer=volunteer, scope_path=activity.scope_path, status=status)
    save_audited(actor=actor, obj=signup, action="create")
    events.publish(
        "volunteering.signup.created",
        {"id": signup.pk, "activity_id": activity.pk, "volunteer_id": volunteer.pk, "status": status},
    )
    return signup


@transaction.atomic
def signup_cancel(*, actor, signup: SignUp) -> SignUp:
    activity = Activity.objects.select_for_update().get(pk=signup.activity_id)
    signup = SignUp.objects.select_for_update().select_related("volunteer__resident").get(pk=signup.pk)
    if not is_self(actor, signup.volunteer):
        require(actor, Action.CHANGE, activity)
    if signup.status == SignUpStatus.CANCELLED:
        raise ValidationError(_("This sign-up is already cancelled."))
    if signup.checked_in_at:
        raise ValidationError(_("You have already checked in; ask the organiser."))
    if activity.starts_at <= timezone.now() and is_self(actor, signup.volunteer):
        raise ValidationError(_("The activity has started; ask the organiser."))
    before = audit.snapshot(signup)
    was_confirmed = signup.status == SignUpStatus.CONFIRMED
    signup.status = SignUpStatus.CANCELLED
    signup.cancelled_at = timezone.now()
    save_audited(actor=actor, obj=signup, action="update", before=before, note="cancel")
    if was_confirmed:
        _promote(actor, activity)
    return signup


def _promote(actor, activity: Activity) -> SignUp | None:
    """Give a freed place to the first volunteer on the waiting list."""
    taken = activity.signups.filter(status=SignUpStatus.CONFIRMED).count()
    if taken >= activity.slots:
        return None
    nxt = (
        activity.signups.select_for_update().filter(status=SignUpStatus.WAITING).order_by("signed_up_at", "pk").first()
    )
    if nxt is None:
        return None
    before = audit.snapshot(nxt)
    nxt.status = SignUpStatus.CONFIRMED
    save_audited(actor=actor, obj=nxt, action="update", before=before, note="promoted from the waiting list")
    account = nxt.volunteer.resident.account
    notify_active(
        [account],
        title=_("You have a place: %(t)s") % {"t": activity.title},
        body=_("A place became free and you were next on the waiting list."),
        url=f"/volunteering/activities/{activity.pk}/",
        kind="volunteering.signup.promoted",
        obj=nxt,
    )
    events.publish("volunteering.signup.promoted", {"id": nxt.pk, "activity_id": activity.pk})
    return nxt
