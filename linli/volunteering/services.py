"""Every write in volunteering: lock, check, validate, save, audit, publish.

Staff actions are checked with the grants (``require``/``require_at``); a volunteer's own actions (register,
sign up, cancel, check in/out by code, ask for a certificate) are checked against the resident linked to the login.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, events
from linli.core.permissions import Action, can, require, require_at
from linli.core.services import assign, save_audited
from linli.core.workdays import add_workdays, workdays_between

from .models import (
    Achievement,
    Activity,
    ActivityStatus,
    Certificate,
    CheckMethod,
    CodeUse,
    DutyLog,
    ServiceRecord,
    SignUp,
    SignUpStatus,
    StarAward,
    StarStatus,
    StarThreshold,
    Team,
    TeamMember,
    Volunteer,
    VolunteerStatus,
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


def _lock(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def volunteer_of(user) -> Volunteer | None:
    """The volunteer record of the resident linked to ``user``'s login, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.select_related("resident").filter(resident__account_id=user.pk).first()


def _is_self(actor, volunteer: Volunteer) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and volunteer.resident.account_id == actor.pk)


def _community_of(path: str) -> Place:
    community = Place.objects.filter(path=path[:12], level=3).first()
    if community is None:
        raise ValidationError({"resident": _("This resident is not registered in a community.")})
    return community


def _notify(users, *, title, body, url, kind, obj):
    users = [u for u in users if u is not None and u.is_active]
    if not users:
        return
    from linli.notifications.services import notify

    notify(users=users, title=title, body=body, url=url, kind=kind, obj=obj)


# --- volunteers ------------------------------------------------------------------------------------------


def _next_number(prefix: str, model, field: str = "number", width: int = 5) -> str:
    last = (
        model.objects.filter(**{f"{field}__startswith": prefix})
        .order_by(f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{seq:0{width}d}"


def _save_numbered(obj, prefix: str, *, actor, width: int = 5):
    """Give ``obj`` the next number under ``prefix`` and save it (retrying if another writer took the number)."""
    for _attempt in range(5):
        obj.number = _next_number(prefix, type(obj), width=width)
        try:
            with transaction.atomic():
                save_audited(actor=actor, obj=obj, action="create", exclude_from_validation=["number"])
            return obj
        except IntegrityError:
            obj.pk = None
            obj._state.adding = True
    raise ValidationError(_("Could not allocate a number; please try again."))


@transaction.atomic
def volunteer_register(
    *,
    actor,
    resident,
    skills=(),
    skills_note: str = "",
    availability: str = "weekends",
    contact_preference: str = "app",
) -> Volunteer:
    """Register a resident as a volunteer (by staff in scope, or by the resident themself)."""
    from linli.registry.models import Resident

    if resident is None:
        raise ValidationError({"resident": _("Choose a resident.")})
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if not (getattr(actor, "is_authenticated", False) and resident.account_id == actor.pk):
        require_at(actor, Action.ADD, Volunteer, resident.scope_path)
    if not resident.is_active or resident.merged_into_id:
        raise ValidationError({"resident": _("This resident record is not active.")})
    if Volunteer.objects.filter(resident=resident).exists():
        raise ValidationError({"resident": _("This resident is already a registered volunteer.")})
    age = resident.age
    if age is not None and age < MIN_VOLUNTEER_AGE:
        raise ValidationError(
            {"resident": _("Volunteers must be at least %(age)s years old.") % {"age": MIN_VOLUNTEER_AGE}}
        )
    community = _community_of(resident.scope_path)
    volunteer = Volunteer(
        resident=resident,
        community=community,
        scope_path=resident.scope_path,
        skills=list(dict.fromkeys(skills or [])),
        skills_note=(skills_note or "").strip(),
        availability=availability,
        contact_preference=contact_preference,
        registered_on=timezone.localdate(),
    )
    _save_numbered(volunteer, f"YS{timezone.localdate().year}", actor=actor)
    events.publish(
        "volunteering.volunteer.registered",
        {"id": volunteer.pk, "resident_id": resident.pk, "path": volunteer.scope_path},
    )
    return volunteer


@transaction.atomic
def volunteer_update(*, actor, volunteer: Volunteer, **changes) -> Volunteer:
    volunteer = _lock(volunteer)
    allowed = {"skills", "skills_note", "availability", "contact_preference"}
    if not _is_self(actor, volunteer) or can(actor, Action.CHANGE, volunteer):
        require(actor, Action.CHANGE, volunteer)
        allowed.add("status")
    before = audit.snapshot(volunteer)
    if "skills" in changes:
        changes["skills"] = list(dict.fromkeys(changes["skills"] or []))
    assign(volunteer, changes, allowed)
    return save_audited(actor=actor, obj=volunteer, action="update", before=before)


@transaction.atomic
def achievement_add(
    *, actor, volunteer: Volunteer, kind: str, on, title: str, issuer: str = "", hours=None
) -> Achievement:
    require_at(actor, Action.ADD, Achievement, volunteer.scope_path)
    obj = Achievement(
        volunteer=volunteer,
        scope_path=volunteer.scope_path,
        kind=kind,
        on=on,
        title=(title or "").strip(),
        issuer=(issuer or "").strip(),
        hours=hours if kind == "training" else None,
    )
    return save_audited(actor=actor, obj=obj, action="create")


# --- teams -----------------------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor, community: Place, name: str, kind: str, description: str = "", leader=None) -> Team:
    if community is None or community.level != 3:
        raise ValidationError({"community": _("A team belongs to a community.")})
    require_at(actor, Action.ADD, Team, community.path)
    name = (name or "").strip()
    if Team.objects.filter(community=community, name=name).exists():
        raise ValidationError({"name": _("This community already has a team with this name.")})
    team = Team(
        community=community, scope_path=community.path, name=name, kind=kind, description=(description or "").strip()
    )
    save_audited(actor=actor, obj=team, action="create")
    if leader is not None:
        team = team_set_leader(actor=actor, team=team, volunteer=leader)
    events.publish("volunteering.team.created", {"id": team.pk, "path": team.scope_path})
    return team


@transaction.atomic
def team_member_add(*, actor, team: Team, volunteer: Volunteer) -> TeamMember:
    team = _lock(team)
    require(actor, Action.CHANGE, team)
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError({"volunteer": _("This volunteer is not active.")})
    existing = TeamMember.objects.filter(team=team, volunteer=volunteer).first()
    if existing:
        return existing
    member = TeamMember(team=team, volunteer=volunteer, scope_path=team.scope_path)
    return save_audited(actor=actor, obj=member, action="create")


@transaction.atomic
def team_member_remove(*, actor, member: TeamMember) -> None:
    team = _lock(member.team)
    require(actor, Action.CHANGE, team)
    if team.leader_id == member.volunteer_id:
        raise ValidationError({"volunteer": _("Choose another leader before removing the leader.")})
    audit.record(actor=actor, action="delete", obj=member, before=audit.snapshot(member))
    member.delete()


@transaction.atomic
def team_set_leader(*, actor, team: Team, volunteer: Volunteer) -> Team:
    team = _lock(team)
    require(actor, Action.CHANGE, team)
    team_member_add(actor=actor, team=team, volunteer=volunteer)
    before = audit.snapshot(team)
    team.leader = volunteer
    return save_audited(actor=actor, obj=team, action="update", before=before)


@transaction.atomic
def duty_log_add(*, actor, team: Team, kind: str, on, findings: str, actions: str = "") -> DutyLog:
    require_at(actor, Action.ADD, DutyLog, team.scope_path)
    log = DutyLog(
        team=team,
        scope_path=team.scope_path,
        kind=kind,
        on=on,
        findings=(findings or "").strip(),
        actions=(actions or "").strip(),
        recorded_by=actor if actor.is_authenticated else None,
    )
    return save_audited(actor=actor, obj=log, action="create")


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
    activity = _lock(activity)
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
    activity = _lock(activity)
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
    activity = _lock(activity)
    require(actor, Action.CHANGE, activity)
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError(_("Sign-up is not open."))
    _require_insurance(activity, _("closing sign-up"))
    before = audit.snapshot(activity)
    activity.status = ActivityStatus.CLOSED
    return save_audited(actor=actor, obj=activity, action="update", before=before, note="close sign-up")


@transaction.atomic
def activity_finish(*, actor, activity: Activity) -> Activity:
    activity = _lock(activity)
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
    activity = _lock(activity)
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
    _notify(
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
    if not _is_self(actor, volunteer):
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
    if not _is_self(actor, signup.volunteer):
        require(actor, Action.CHANGE, activity)
    if signup.status == SignUpStatus.CANCELLED:
        raise ValidationError(_("This sign-up is already cancelled."))
    if signup.checked_in_at:
        raise ValidationError(_("You have already checked in; ask the organiser."))
    if activity.starts_at <= timezone.now() and _is_self(actor, signup.volunteer):
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
    _notify(
        [account],
        title=_("You have a place: %(t)s") % {"t": activity.title},
        body=_("A place became free and you were next on the waiting list."),
        url=f"/volunteering/activities/{activity.pk}/",
        kind="volunteering.signup.promoted",
        obj=nxt,
    )
    events.publish("volunteering.signup.promoted", {"id": nxt.pk, "activity_id": activity.pk})
    return nxt


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


# --- confirmation: the service record --------------------------------------------------------------------


def _parse_hours(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("Enter a number of hours.")}) from None
    if not hours.is_finite():
        raise ValidationError({"hours": _("Enter a number of hours.")})
    return hours


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
    given = _parse_hours(hours)
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

    if not _is_self(actor, volunteer):
        raise PermissionDenied(_("Only the volunteer may ask for their own certificate."))
    staff = [
        b.user
        for b in RoleBinding.objects.current()
        .filter(place=volunteer.community, role__in=["community_secretary", "social_worker"])
        .select_related("user")
    ]
    _notify(
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
    volunteer = _lock(volunteer)
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
    today = timezone.localdate()
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
    _save_numbered(cert, f"ZM{today.year}{volunteer.community.code[-6:]}", actor=actor, width=4)
    _notify(
        [volunteer.resident.account],
        title=_("Your service certificate is ready"),
        body=cert.number,
        url=f"/volunteering/certificates/{cert.pk}/",
        kind="volunteering.certificate.issued",
        obj=cert,
    )
    return cert


# --- star levels -----------------------------------------------------------------------------------------


def thresholds() -> list[tuple[int, Decimal]]:
    return list(StarThreshold.objects.order_by("level").values_list("level", "hours"))


def level_for(hours: Decimal, table: list[tuple[int, Decimal]] | None = None) -> int:
    level = 0
    for lvl, need in table if table is not None else thresholds():
        if hours >= need:
            level = lvl
    return level


@transaction.atomic
def stars_propose(*, actor=None, today: dt.date | None = None) -> int:
    """Put on public notice (公示, 5 working days) every volunteer whose confirmed hours reached a higher star."""
    today = today or timezone.localdate()
    table = thresholds()
    if not table:
        return 0
    lowest = table[0][1]
    pending = set(StarAward.objects.filter(status=StarStatus.NOTICE).values_list("volunteer_id", flat=True))
    n = 0
    for v in Volunteer.objects.filter(status=VolunteerStatus.ACTIVE, total_hours__gte=lowest).order_by("pk"):
        if v.pk in pending:
            continue
        level = level_for(v.total_hours, table)
        if (
            level <= v.stars
            or StarAward.objects.filter(volunteer=v, level=level).exclude(status=StarStatus.WITHDRAWN).exists()
        ):
            continue
        award = StarAward(
            volunteer=v,
            scope_path=v.scope_path,
            level=level,
            hours=v.total_hours,
            notice_from=today,
            notice_until=add_workdays(today, NOTICE_WORKDAYS),
        )
        save_audited(actor=actor, obj=award, action="create", note="public notice")
        n += 1
    return n


@transaction.atomic
def stars_finalise(*, actor=None, today: dt.date | None = None) -> int:
    """Award the stars whose public notice has run its 5 working days without being withdrawn (a notice whose
    dates were shortened some other way is held until it has really been up for 5 working days)."""
    today = today or timezone.localdate()
    n = 0
    for award in StarAward.objects.select_for_update().filter(status=StarStatus.NOTICE, notice_until__lt=today):
        if workdays_between(award.notice_from, today - dt.timedelta(days=1)) < NOTICE_WORKDAYS:
            continue
        before = audit.snapshot(award)
        award.status, award.decided_on = StarStatus.AWARDED, today
        save_audited(actor=actor, obj=award, action="update", before=before, note="awarded after public notice")
        Volunteer.objects.filter(pk=award.volunteer_id, stars__lt=award.level).update(stars=award.level)
        events.publish("volunteering.star.awarded", {"volunteer_id": award.volunteer_id, "level": award.level})
        n += 1
    return n


@transaction.atomic
def star_withdraw(*, actor, award: StarAward, note: str) -> StarAward:
    """Withdraw a star on notice (an objection was upheld)."""
    award = _lock(award)
    require(actor, Action.CHANGE, award)
    if award.status != StarStatus.NOTICE:
        raise ValidationError(_("Only a star on public notice can be withdrawn."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why.")})
    before = audit.snapshot(award)
    award.status, award.decided_on, award.note = StarStatus.WITHDRAWN, timezone.localdate(), note.strip()[:200]
    return save_audited(actor=actor, obj=award, action="update", before=before)


NOTICE_WORKDAYS = 5


@transaction.atomic
def thresholds_set(*, actor, hours_by_level: dict) -> list[StarThreshold]:
    """Set the whole star table at once (the district administrator's page): every level needs more hours than
    the one below it, checked on the new table, so levels can be moved past each other's old values in one go.
    One audit row per changed level. Stars already awarded or on notice are not touched."""
    rows = {r.level: r for r in StarThreshold.objects.select_for_update().order_by("level")}
    if not rows:
        raise ValidationError(_("There is no star table to change."))
    for row in rows.values():
        require(actor, Action.CHANGE, row)
    unknown = set(hours_by_level) - set(rows)
    if unknown:
        raise ValidationError(_("Unknown star level: %(level)s") % {"level": sorted(unknown)[0]})
    errors, new = {}, {}
    for level, row in rows.items():
        try:
            parsed = _parse_hours(hours_by_level.get(level, row.hours))
        except ValidationError:
            parsed = None
        if parsed is None or parsed < 1:
            errors[f"level_{level}"] = _("Enter a number of hours (at least 1).")
            continue
        new[level] = parsed.quantize(Decimal("0.1"))
    if errors:
        raise ValidationError(errors)
    levels = sorted(new)
    for lower, upper in itertools.pairwise(levels):
        if new[upper] <= new[lower]:
            raise ValidationError({f"level_{upper}": _("Each star needs more hours than the one below it.")})
    changed = []
    for level in levels:
        row = rows[level]
        if row.hours == new[level]:
            continue
        before = {"hours": str(row.hours)}
        row.hours = new[level]
        row.full_clean()
        row.save()
        audit.record(
            actor=actor, action="update", obj=row, before=before, after={"hours": str(row.hours)}, scope_path=""
        )
        changed.append(row)
    return changed


@transaction.atomic
def threshold_set(*, actor, level: int, hours) -> StarThreshold:
    row = StarThreshold.objects.select_for_update().get(level=level)
    require(actor, Action.CHANGE, row)
    before = {"hours": str(row.hours)}
    parsed = _parse_hours(hours)
    if parsed is None:
        raise ValidationError({"hours": _("Enter a number of hours.")})
    row.hours = parsed.quantize(Decimal("0.1"))
    row.full_clean()
    others = dict(StarThreshold.objects.exclude(level=level).values_list("level", "hours"))
    if any((lv < level and h >= row.hours) or (lv > level and h <= row.hours) for lv, h in others.items()):
        raise ValidationError({"hours": _("Each star needs more hours than the one below it.")})
    row.save()
    audit.record(actor=actor, action="update", obj=row, before=before, after={"hours": str(row.hours)}, scope_path="")
    return row


def staff_can_manage(user, activity: Activity) -> bool:
    return can(user, Action.CHANGE, activity)
