"""Every write of organisational life: record a meeting (attendance, photos, resolutions), add a resolution or
photos later, run 民主评议党员 through its stages, record a 谈心谈话.

Each service is atomic, checks permission inside, validates before writing (bad input writes nothing, audit row
included), writes one audit row and publishes an event after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit, dates, events, uploads
from linli.core.permissions import Action, can_at, may_any, require
from linli.core.services import save_audited

from . import arithmetic, entitlement
from .models import (
    ENTITLED_STATUSES,
    VOTING_KINDS,
    Attendance,
    AttendanceStatus,
    EvalState,
    Evaluation,
    EvaluationEntry,
    Kind,
    Meeting,
    MeetingPhoto,
    Resolution,
    Status,
    Talk,
)


def may_add(user, model, org) -> bool:
    """May ``user`` add ``model`` records for ``org``: staff over its place, or a committee member of it (or of
    the branch a group belongs to) through a resident login."""
    if can_at(user, Action.ADD, model, org.scope_path):
        return True
    if not may_any(user, model, Action.ADD):
        return False
    from django.db.models import Q

    from .models import seat_org_ids

    ids = {org.pk, org.parent_id}
    return type(org).objects.filter(pk__in=seat_org_ids(user.pk)).filter(Q(pk__in=[i for i in ids if i])).exists()


def require_add(user, model, org) -> None:
    if not may_add(user, model, org):
        raise PermissionDenied(_("You do not have permission to do this here."))


def _kind_label(kind: str) -> str:
    return str(Kind(kind).label)


# -- meetings -----------------------------------------------------------------------------------------------------


def _check_resolution(meeting: Meeting, *, title: str, yes: int, no: int, abstain: int) -> Resolution:
    """A resolution for ``meeting`` with its result computed, or a ValidationError saying why it is refused."""
    if meeting.kind not in VOTING_KINDS:
        raise ValidationError(
            {"resolutions": _("Only a branch general meeting or a committee meeting votes on resolutions.")}
        )
    if meeting.status != Status.HELD:
        raise ValidationError({"resolutions": _("A vote can only be recorded for a meeting that was held.")})
    if not meeting.quorum_met:
        raise ValidationError(
            {
                "resolutions": _(
                    "No vote can be recorded: the meeting had no quorum (%(present)s of %(entitled)s present; "
                    "more than half, at least %(needed)s, are required)."
                )
                % {
                    "present": meeting.present_count,
                    "entitled": meeting.entitled_count,
                    "needed": arithmetic.votes_needed(meeting.entitled_count),
                }
            }
        )
    try:
        yes, no, abstain = int(yes), int(no), int(abstain)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"resolutions": _("Vote counts must be whole numbers.")}) from exc
    if min(yes, no, abstain) < 0:
        raise ValidationError({"resolutions": _("Vote counts cannot be negative.")})
    if yes + no + abstain > meeting.present_count:
        raise ValidationError(
            {
                "resolutions": _("%(votes)s votes were counted but only %(present)s members were present.")
                % {"votes": yes + no + abstain, "present": meeting.present_count}
            }
        )
    title = (title or "").strip()
    if not title:
        raise ValidationError({"resolutions": _("Each resolution needs a title.")})
    base = meeting.entitled_count
    return Resolution(
        meeting=meeting,
        title=title[:200],
        yes=yes,
        no=no,
        abstain=abstain,
        base=base,
        passed=arithmetic.resolution_passes(yes, base),
    )


def _parse_attendance(entitled_members: list, attendance: dict, observers: Iterable = ()) -> list[tuple]:
    """(member, status, reason) for every entitled member, plus the observers who came (列席: a probationary member
    at a 支部党员大会, recorded "attending" whether given as present or attending; one who did not come is not
    recorded — they are not expected). Refuses members who are neither, and an entitled member "attending"."""
    by_pk = {m.pk: m for m in entitled_members}
    watching = {m.pk: m for m in observers}
    rows, seen = {}, []
    strangers = []
    for key, value in (attendance or {}).items():
        pk = getattr(key, "pk", key)
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            strangers.append(str(key))
            continue
        if pk not in by_pk and pk not in watching:
            strangers.append(str(pk))
            continue
        status, reason = (value, "") if isinstance(value, str) else (value[0], value[1] if len(value) > 1 else "")
        if status not in AttendanceStatus.values:
            raise ValidationError({"attendance": _("Unknown attendance status %(s)s.") % {"s": status}})
        if pk in watching:
            if status in (AttendanceStatus.PRESENT, AttendanceStatus.ATTENDING):
                seen.append((watching[pk], AttendanceStatus.ATTENDING, ""))
            continue
        if status not in ENTITLED_STATUSES:
            raise ValidationError(
                {
                    "attendance": _(
                        "%(name)s has a vote at this meeting: record them present, absent or on leave, "
                        "not as attending without a vote (列席)."
                    )
                    % {"name": by_pk[pk].resident.name}
                }
            )
        rows[pk] = (by_pk[pk], status, (reason or "").strip()[:200])
    if strangers:
        raise ValidationError(
            {
                "attendance": _("Only members entitled to attend can be recorded; not entitled: %(who)s.")
                % {"who": ", ".join(strangers)}
            }
        )
    if len(rows) > len(by_pk):  # pragma: no cover - guarded above; kept as the statutory invariant
        raise ValidationError({"attendance": _("Attendance cannot exceed the number expected (应到).")})
    for m in entitled_members:
        rows.setdefault(m.pk, (m, AttendanceStatus.ABSENT, ""))
    return [*rows.values(), *seen]


@transaction.atomic
def meeting_record(
    *,
    actor,
    org,
    kind: str,
    held_on: dt.date,
    topic: str,
    status: str = Status.HELD,
    address: str = "",
    lecturer: str = "",
    minutes: str = "",
    counts_for: dt.date | None = None,
    attendance: dict | None = None,
    present_count: int | None = None,
    resolutions: Iterable[dict] = (),
    photo_files: Iterable = (),
) -> Meeting:
    """Record a meeting. ``attendance`` maps member (or pk) → status or (status, reason); entitled members left
    out are recorded absent; probationary members at a 支部党员大会 are recorded attending without a vote (列席),
    outside 应到 and the quorum. ``present_count`` instead of a list (bulk and legacy records) is checked against
    应到 the same way."""
    require_add(actor, Meeting, org)
    errors: dict[str, list] = {}
    if kind not in Kind.values or kind in (Kind.EVALUATION, Kind.HEART_TALK):
        raise ValidationError({"kind": _("Choose a kind of meeting.")})
    if not entitlement.org_may_hold(org, kind):
        raise ValidationError(
            {
                "kind": _("A %(org)s does not hold a %(kind)s.")
                % {"org": org.get_kind_display(), "kind": _kind_label(kind)}
            }
        )
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date of the meeting.")})
    if status == Status.HELD and held_on > dates.today():
        errors.setdefault("held_on", []).append(
            _("A meeting dated in the future (%(day)s) cannot be recorded as held; record it as planned.")
            % {"day": held_on.isoformat()}
        )
    counts_for = counts_for or held_on
    if counts_for > held_on:
        errors.setdefault("counts_for", []).append(
            _("A meeting can only count for its own day or an earlier period (make-up, 补开).")
        )
    if errors:
        raise ValidationError(errors)

    members = list(entitlement.entitled(org, kind, held_on))
    entitled_count = len(members)
    meeting = Meeting(
        org=org,
        scope_path=org.scope_path,
        kind=kind,
        status=status,
        held_on=held_on,
        counts_for=counts_for,
        topic=(topic or "").strip(),
        address=address,
        lecturer=lecturer,
        minutes=minutes,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        entitled_count=entitled_count,
    )
    rows = []
    if status == Status.HELD:
        if entitled_count == 0:
            raise ValidationError(
                {
                    "attendance": _(
                        "Nobody is entitled to attend this meeting (no members, or no "
                        "committee seats for a committee meeting)."
                    )
                }
            )
        if attendance is None and present_count is not None:
            if present_count < 0 or present_count > entitled_count:
                raise ValidationError(
                    {
                        "attendance": _(
                            "Attendance (%(present)s) cannot exceed the number expected (应到 %(entitled)s)."
                        )
                        % {"present": present_count, "entitled": entitled_count}
                    }
                )
            meeting.present_count = present_count
        else:
            rows = _parse_attendance(members, attendance or {}, entitlement.observers(org, kind, held_on))
            meeting.present_count = sum(1 for _m, s, _r in rows if s == AttendanceStatus.PRESENT)
        if kind in VOTING_KINDS:
            meeting.quorum_met = arithmetic.has_quorum(meeting.present_count, entitled_count)
        else:
            meeting.quorum_met = meeting.present_count > 0
    elif attendance or resolutions:
        raise ValidationError({"status": _("Attendance and votes are recorded once the meeting has been held.")})
    photo_files = list(photo_files or ())
    if len(photo_files) > uploads.max_files():
        raise ValidationError({"photos": _("At most %(n)s photos at a time.") % {"n": uploads.max_files()}})
    clean_photos = uploads.sanitise_all(photo_files, field="photos")
    meeting.full_clean()
    checked = [_check_resolution(meeting, **_resolution_args(r)) for r in (resolutions or ())]

    save_audited(actor=actor, obj=meeting, action="create", validate=False)
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member=m, status=s, reason=r) for m, s, r in rows])
    for res in checked:
        res.meeting = meeting
        res.save()
    for content, content_type, original in clean_photos:
        MeetingPhoto.objects.create(
            meeting=meeting, file=content, content_type=content_type, size=content.size, original_name=original
        )
    if checked or clean_photos:
        audit.record(
            actor=actor,
            action="update",
            obj=meeting,
            after={
                "resolutions": [
                    {
                        "title": r.title,
                        "yes": r.yes,
                        "no": r.no,
                        "abstain": r.abstain,
                        "base": r.base,
                        "passed": r.passed,
                    }
                    for r in checked
                ],
                "photos": len(clean_photos),
                "present": meeting.present_count,
            },
        )
    events.publish(
        "orglife.meeting.recorded", {"id": meeting.pk, "org": org.pk, "kind": kind, "path": meeting.scope_path}
    )
    return meeting


def _resolution_args(data: dict) -> dict:
    unknown = set(data) - {"title", "yes", "no", "abstain"}
    if unknown:
        raise ValidationError(
            {"resolutions": _("Unknown resolution fields: %(f)s.") % {"f": ", ".join(sorted(unknown))}}
        )
    return {
        "title": data.get("title", ""),
        "yes": data.get("yes", 0),
        "no": data.get("no", 0),
        "abstain": data.get("abstain", 0),
    }


@transaction.atomic
def resolution_add(*, actor, meeting: Meeting, title: str, yes: int, no: int, abstain: int) -> Resolution:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require(actor, Action.CHANGE, meeting)
    res = _check_resolution(meeting, title=title, yes=yes, no=no, abstain=abstain)
    res.save()
    audit.record(actor=actor, action="create", obj=res, scope_path=meeting.scope_path, after=audit.snapshot(res))
    events.publish("orglife.resolution.recorded", {"id": res.pk, "meeting": meeting.pk, "passed": res.passed})
    return res


@transaction.atomic
def photos_add(*, actor, meeting: Meeting, files: Iterable) -> list[MeetingPhoto]:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require(actor, Action.CHANGE, meeting)
    files = list(files)
    if not files:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    if len(files) + meeting.photos.count() > uploads.max_files() * 3:
        raise ValidationError({"photos": _("This meeting already has enough photos.")})
    clean = uploads.sanitise_all(files, field="photos")
    created = [
        MeetingPhoto.objects.create(meeting=meeting, file=c, content_type=t, size=c.size, original_name=o)
        for c, t, o in clean
    ]
    audit.record(actor=actor, action="update", obj=meeting, after={"photos_added": [p.pk for p in created]})
    return created


MEETING_EDITABLE = ("topic", "address", "lecturer", "minutes")


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **changes) -> Meeting:
    """Text fields only: the date, kind and attendance are the record; a wrong one is recorded anew."""
    from linli.core.services import assign

    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require(actor, Action.CHANGE, meeting)
    before = audit.snapshot(meeting)
    assign(meeting, changes, MEETING_EDITABLE)
    save_audited(actor=actor, obj=meeting, action="update", before=before)
    return meeting


@transaction.atomic
def meeting_mark_held(*, actor, meeting: Meeting, attendance: dict, minutes: str = "") -> Meeting:
    """A planned meeting took place: its attendance is recorded against 应到 on its day."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require(actor, Action.CHANGE, meeting)
    if meeting.status != Status.PLANNED:
        raise ValidationError({"status": _("This meeting is already recorded as held.")})
    if meeting.held_on > dates.today():
        raise ValidationError(
            {
                "held_on": _(
                    "A meeting dated in the future (%(day)s) cannot be recorded as held; record it as planned."
                )
                % {"day": meeting.held_on.isoformat()}
            }
        )
    before = audit.snapshot(meeting)
    members = list(entitlement.entitled(meeting.org, meeting.kind, meeting.held_on))
    if not members:
        raise ValidationError(
            {
                "attendance": _(
                    "Nobody is entitled to attend this meeting (no members, or no "
                    "committee seats for a committee meeting)."
                )
            }
        )
    rows = _parse_attendance(members, attendance, entitlement.observers(meeting.org, meeting.kind, meeting.held_on))
    meeting.status = Status.HELD
    meeting.entitled_count = len(members)
    meeting.present_count = sum(1 for _m, s, _r in rows if s == AttendanceStatus.PRESENT)
    meeting.quorum_met = (
        arithmetic.has_quorum(meeting.present_count, meeting.entitled_count)
        if meeting.kind in VOTING_KINDS
        else meeting.present_count > 0
    )
    if minutes:
        meeting.minutes = minutes
    save_audited(actor=actor, obj=meeting, action="update", before=before)
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member=m, status=s, reason=r) for m, s, r in rows])
    events.publish(
        "orglife.meeting.recorded",
        {"id": meeting.pk, "org": meeting.org_id, "kind": meeting.kind, "path": meeting.scope_path},
    )
    return meeting


# -- 民主评议党员 -------------------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_start(*, actor, org, year: int) -> Evaluation:
    require_add(actor, Evaluation, org)
    if not entitlement.org_may_hold(org, Kind.EVALUATION):
        raise ValidationError({"org": _("The democratic evaluation is held by a party branch.")})
    if year > dates.today().year:
        raise ValidationError({"year": _("An evaluation cannot be started for a future year.")})
    if Evaluation.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": _("This branch already has an evaluation for %(year)s.") % {"year": year}})
    members = list(entitlement.members_of(org))
    if not members:
        raise ValidationError({"org": _("The branch has no members to evaluate.")})
    ev = Evaluation(org=org, scope_path=org.scope_path, year=year)
    save_audited(actor=actor, obj=ev, action="create", exclude_from_validation=("state",))
    EvaluationEntry.objects.bulk_create([EvaluationEntry(evaluation=ev, member=m) for m in members])
    return ev


ENTRY_FIELDS_BY_STATE = {
    EvalState.SELF_REVIEW: ("self_assessment",),
    EvalState.PEER_REVIEW: ("peer_comments",),
    EvalState.POLL: ("votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified", "grade"),
    EvalState.RATED: (),
}


@transaction.atomic
def evaluation_entry_update(*, actor, entry: EvaluationEntry, **changes) -> EvaluationEntry:
    """Fill what the current stage collects: self-assessment, mutual assessment, then poll votes and the grade.
    A grade rests on the member's poll votes (民主测评): none can be given before they are recorded."""
    entry = EvaluationEntry.objects.select_for_update().select_related("evaluation").get(pk=entry.pk)
    ev = entry.evaluation
    require(actor, Action.CHANGE, ev)
    allowed = ENTRY_FIELDS_BY_STATE[ev.state]
    wrong = sorted(set(changes) - set(allowed))
    if wrong:
        raise ValidationError(
            {
                k: _("This cannot be changed at the stage “%(stage)s”.") % {"stage": ev.get_state_display()}
                for k in wrong
            }
        )
    before = audit.snapshot(entry)
    for key, value in changes.items():
        setattr(entry, key, value)
    if ev.state == EvalState.POLL:
        votes = (
            (entry.votes_excellent or 0)
            + (entry.votes_qualified or 0)
            + (entry.votes_basic or 0)
            + (entry.votes_unqualified or 0)
        )
        voters = entitlement.members_of(ev.org).count()
        if votes > voters:
            raise ValidationError(
                {
                    "votes_qualified": _("%(votes)s poll votes, but the branch has only %(n)s members.")
                    % {"votes": votes, "n": voters}
                }
            )
        if entry.grade and votes == 0:
            raise ValidationError({"grade": _("Record this member's poll votes (民主测评) before giving a grade.")})
    save_audited(actor=actor, obj=entry, action="update", before=before)
    return entry


EVAL_STEPS = {"start_peer_review", "start_poll", "rate"}


@transaction.atomic
def evaluation_advance(*, actor, evaluation: Evaluation, step: str) -> Evaluation:
    ev = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    require(actor, Action.CHANGE, ev)
    if step not in EVAL_STEPS:
        raise ValidationError({"step": _("Unknown step.")})
    method = getattr(ev, step)
    from django_fsm import can_proceed

    if not can_proceed(method, check_conditions=False):
        raise ValidationError(
            {"step": _("This step is not possible at the stage “%(stage)s”.") % {"stage": ev.get_state_display()}}
        )
    if step == "rate":
        unpolled = ev.entries.filter(votes_excellent=0, votes_qualified=0, votes_basic=0, votes_unqualified=0).count()
        if unpolled:
            raise ValidationError(
                {
                    "step": _(
                        "%(n)s members have no poll votes yet; the democratic poll (民主测评) comes before the grades."
                    )
                    % {"n": unpolled}
                }
            )
        missing = ev.entries.filter(grade="").count()
        if missing:
            raise ValidationError(
                {"step": _("%(n)s members have no grade yet; give every member a grade first.") % {"n": missing}}
            )
        ev.rated_on = dates.today()
    before = audit.snapshot(ev)
    method()
    save_audited(actor=actor, obj=ev, action="update", before=before, note=step, exclude_from_validation=("state",))
    events.publish("orglife.evaluation." + step, {"id": ev.pk, "org": ev.org_id, "year": ev.year})
    return ev


def suggested_grade(entry: EvaluationEntry) -> str:
    """The grade the poll points to; '' without votes (no grade is ever assumed)."""
    return entry.poll_leader


# -- 谈心谈话 -------------------------------------------------------------------------------------------------------


@transaction.atomic
def talk_record(*, actor, org, held_on: dt.date, member_a, member_b, topic: str, note: str = "") -> Talk:
    require_add(actor, Talk, org)
    errors = {}
    if held_on is None or held_on > dates.today():
        errors["held_on"] = _("A talk can only be recorded once it has taken place.")
    if member_a is None or member_b is None or member_a.pk == member_b.pk:
        errors["member_b"] = _("A talk is between two different members.")
    else:
        members = set(
            entitlement.members_of(org).filter(pk__in=[member_a.pk, member_b.pk]).values_list("pk", flat=True)
        )
        if member_a.pk not in members:
            errors["member_a"] = _("Not a member of this organisation.")
        # The other side may be a member of any organisation (a secretary talking with a member, 上级谈话).
    if errors:
        raise ValidationError(errors)
    talk = Talk(
        org=org,
        scope_path=org.scope_path,
        held_on=held_on,
        member_a=member_a,
        member_b=member_b,
        topic=(topic or "").strip(),
        note=note,
    )
    save_audited(actor=actor, obj=talk, action="create")
    return talk
