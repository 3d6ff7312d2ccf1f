"""Every write on matters (议题): raise, put on an agenda (``services.agenda_add``), solve on the spot, hand to a
work order, decline — and the subscriber's "solved when the case is archived". Each transition is declared on
the model (django-fsm-2), locked, permission-checked, audited and published through the outbox."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from linli.areas.models import Level, Place
from linli.core import audit, dates, events
from linli.core.context_processors import is_staff_user
from linli.core.paths import path_at
from linli.core.permissions import Action, can, require, require_at
from linli.core.registry import RecordRef
from linli.core.services import save_audited

from ..models import AgendaItem, Matter, MatterSource, MatterState, Meeting, MeetingState
from .meetings import check_compound, check_text

DEFAULT_CASE_CATEGORY = "other"
#: the records of other domains a matter may be raised from (``Matter.origin``)
ORIGIN_PREFIX = "alliance.problem:"
MAX_BACKDATE_DAYS = 366


def lock_matter(matter: Matter) -> Matter:
    return Matter.objects.select_for_update(of=("self",)).get(pk=matter.pk)


def _publish(name: str, matter: Matter, **extra) -> None:
    events.publish(name, {"matter_id": matter.pk, "path": matter.scope_path, **extra})


def _step(matter: Matter, name: str) -> None:
    method = getattr(matter, name)
    if not can_proceed(method):
        raise ValidationError(
            {
                "state": _("This step is not possible while the matter is “%(state)s”.")
                % {"state": matter.get_state_display()}
            }
        )
    method()


def compound_of(place: Place) -> Place:
    """The compound a place lies in (itself for a compound)."""
    if place is None or place.level < Level.COMPOUND:
        raise ValidationError({"place": _("Choose a compound or a place inside one.")})
    compound = place if place.level == Level.COMPOUND else Place.objects.filter(path=path_at(place.path, 4)).first()
    return check_compound(compound, "place")


@transaction.atomic
def matter_raise(
    *,
    actor,
    place: Place,
    title: str,
    description: str = "",
    from_case=None,
    origin: RecordRef | None = None,
    raised_on: dt.date | None = None,
) -> Matter:
    """A resident (their phone form: the place is their house), staff, a work order (``from_case``, a case the
    actor may see: the matter sits where the case is) or an alliance problem (``origin``, the ``RecordRef`` that
    ``registry.resolve_record`` gave for the actor: by default the matter sits at the problem's place) raises a
    matter for deliberation. Staff entering a matter brought to them earlier (at the counter, on the phone) give the
    day it was raised (within the last year). One matter per work order and per problem."""
    if from_case is not None and origin is not None:
        raise ValidationError({"origin": _("A matter is raised from one record at most.")})
    if from_case is not None:
        if not can(actor, Action.VIEW, from_case):
            raise PermissionDenied(_("You do not have permission to do this."))
        place = place or from_case.place
        source = MatterSource.WORKORDER
    elif origin is not None:
        if not origin.key.startswith(ORIGIN_PREFIX):
            raise ValidationError({"origin": _("A matter can be raised from an alliance problem only.")})
        place = place or origin.place
        source = MatterSource.ALLIANCE
    else:
        source = MatterSource.STAFF if is_staff_user(actor) else MatterSource.RESIDENT
    compound = compound_of(place)
    require_at(actor, Action.ADD, Matter, place.path)
    today = dates.today()
    raised_on = raised_on or today
    if raised_on > today:
        raise ValidationError({"raised_on": _("This date is in the future.")})
    if raised_on < today - dt.timedelta(days=MAX_BACKDATE_DAYS):
        raise ValidationError({"raised_on": _("A matter is entered within a year of being raised.")})
    if from_case is not None and Matter.objects.filter(from_case=from_case).exists():
        raise ValidationError({"from_case": _("A matter was already raised from this work order.")})
    if origin is not None and Matter.objects.filter(origin=origin.key).exists():
        raise ValidationError({"origin": _("A matter was already raised from this problem.")})
    matter = Matter(
        compound=compound,
        place=place,
        scope_path=place.path,
        title=check_text(title, "title", limit=100),
        description=check_text(description, "description", limit=4000, required=source == MatterSource.RESIDENT),
        source=source,
        raised_by=actor,
        raised_on=raised_on,
        from_case=from_case,
        origin=origin.key if origin is not None else "",
    )
    save_audited(
        actor=actor,
        obj=matter,
        action="create",
        exclude_from_validation=("compound", "place", "raised_by", "from_case", "case", "solved_at", "state"),
    )
    _publish("deliberation.matter.raised", matter, source=source)
    return matter


@transaction.atomic
def matter_solve(*, actor, matter: Matter, meeting: Meeting, resolution: str) -> Matter:
    """Solved on the spot: at ``meeting`` (held, with the matter on its agenda)."""
    matter = lock_matter(matter)
    require(actor, Action.CHANGE, matter)
    meeting = Meeting.objects.filter(pk=meeting.pk).first() if meeting is not None else None
    if meeting is None or meeting.state != MeetingState.HELD:
        raise ValidationError({"meeting": _("A matter is solved on the spot at a meeting that has been held.")})
    if not AgendaItem.objects.filter(meeting=meeting, matter=matter).exists():
        raise ValidationError({"meeting": _("This matter was not on that meeting's agenda.")})
    resolution = check_text(resolution, "resolution", limit=4000)
    before = audit.snapshot(matter)
    _step(matter, "solve")
    matter.resolution, matter.solved_at = resolution, meeting
    matter.closed_on = max(meeting.held_on, matter.raised_on)
    save_audited(actor=actor, obj=matter, action="matter_solve", before=before, validate=False)
    _publish("deliberation.matter.solved", matter, outcome=matter.outcome)
    return matter


@transaction.atomic
def matter_decline(*, actor, matter: Matter, reason: str) -> Matter:
    matter = lock_matter(matter)
    require(actor, Action.CHANGE, matter)
    reason = check_text(reason, "reason", limit=500)
    before = audit.snapshot(matter)
    _step(matter, "decline")
    matter.decline_reason, matter.closed_on = reason, dates.today()
    save_audited(actor=actor, obj=matter, action="matter_decline", before=before, validate=False)
    _publish("deliberation.matter.declined", matter)
    return matter


def workorders_installed() -> bool:
    return apps.is_installed("linli.workorders")


@transaction.atomic
def matter_hand_over(*, actor, matter: Matter, category=None):
    """One click: a work order (source 三方议事) is created through the work-order service; the case's ``origin``
    points at the matter and the matter at the case. The matter is solved when the case is archived."""
    matter = lock_matter(matter)
    require(actor, Action.CHANGE, matter)
    if matter.case_id:
        raise ValidationError({"case": _("This matter already has a work order.")})
    if not workorders_installed():
        raise ValidationError({"case": _("Work orders are not available.")})
    from linli.workorders import services as wo
    from linli.workorders.models import Category, Source

    if category is None:
        category = (
            Category.objects.filter(code=DEFAULT_CASE_CATEGORY, is_active=True).first()
            or Category.objects.filter(is_active=True, parent__isnull=True).order_by("sort", "code").first()
        )
    if category is None:
        raise ValidationError({"case": _("No work-order category is set up yet.")})
    before = audit.snapshot(matter)
    _step(matter, "hand_over")
    place = Place.objects.get(pk=matter.place_id)
    case = wo.case_create(
        actor=actor,
        category=category,
        case_type="suggestion",
        title=matter.title,
        description=matter.description or matter.title,
        place=place,
        source=Source.DELIBERATION,
        reporter_name=_("Deliberation matter %(n)s") % {"n": matter.pk},
        origin=matter,
    )
    matter.case = case
    save_audited(
        actor=actor, obj=matter, action="matter_hand_over", before=before, validate=False, note=f"case {case.number}"
    )
    _publish("deliberation.matter.handed", matter, case_id=case.pk)
    return case


@transaction.atomic
def matter_to_vote(*, actor, matter: Matter, matter_type, text: str = ""):
    """Put to an owners' vote (业主共同决定, 民法典 第278条): a draft decision of the matter's compound is created
    through the votes service (the matter's title; its description, or ``text``, as the decision's text) and linked;
    staff then prepare it (attachments, the electorate, the notice) on the decision's page. The matter is solved
    when the decision's result is published (``matter_decided_by_vote``)."""
    from linli.votes import services as votes

    matter = lock_matter(matter)
    require(actor, Action.CHANGE, matter)
    if matter.decision_id:
        raise ValidationError({"outcome": _("This matter has already been put to an owners' vote.")})
    before = audit.snapshot(matter)
    _step(matter, "put_to_vote")
    decision = votes.decision_create(
        actor=actor,
        compound=Place.objects.get(pk=matter.compound_id),
        matter_type=matter_type,
        title=matter.title,
        text=(text or matter.description or matter.title),
    )
    matter.decision = decision
    save_audited(
        actor=actor, obj=matter, action="matter_to_vote", before=before, validate=False, note=f"decision {decision.pk}"
    )
    _publish("deliberation.matter.to_vote", matter, decision_id=decision.pk)
    return decision


@transaction.atomic
def matter_decided_by_vote(*, decision) -> Matter | None:
    """The owners' decision a matter was put to has been published (event ``votes.decision.published``): the
    matter is solved by the vote, the resolution saying whether it passed. Runs as the system (the publication was
    checked and audited by the votes domain); audited here. Idempotent: a redelivered event changes nothing."""
    matter = Matter.objects.select_for_update().filter(decision_id=decision.pk, state=MatterState.VOTING).first()
    if matter is None:
        return None
    before = audit.snapshot(matter)
    matter.vote_published()
    verdict = _("passed") if decision.passed else _("did not pass")
    matter.resolution = _("Owners' decision “%(title)s” %(verdict)s (published %(day)s).") % {
        "title": decision.title,
        "verdict": verdict,
        "day": decision.published_on.isoformat() if decision.published_on else "",
    }
    matter.closed_on = max(decision.published_on or dates.today(), matter.raised_on)
    save_audited(
        actor=None, obj=matter, action="matter_solve", before=before, validate=False, note=f"decision {decision.pk}"
    )
    _publish("deliberation.matter.solved", matter, outcome=matter.outcome)
    return matter


@transaction.atomic
def matter_solved_by_case(*, case) -> Matter | None:
    """The work order a matter was handed to has been archived (event ``workorders.case.archive``): the matter is
    solved through the work order, with the case's reply as the resolution. Runs as the system (the archive step
    was permission-checked and audited by the work-order domain); audited here. Idempotent: a redelivered event
    finds the matter solved and changes nothing."""
    matter = Matter.objects.select_for_update().filter(case_id=case.pk, state=MatterState.HANDED).first()
    if matter is None:
        return None
    before = audit.snapshot(matter)
    matter.case_archived()
    reply = (getattr(case, "reply", "") or "").strip()
    matter.resolution = (reply or _("Solved through work order %(number)s.") % {"number": case.number})[:4000]
    closed = timezone.localdate(case.closed_at) if getattr(case, "closed_at", None) else dates.today()
    matter.closed_on = max(closed, matter.raised_on)
    save_audited(
        actor=None,
        obj=matter,
        action="matter_solve",
        before=before,
        validate=False,
        note=f"case {case.number} archived",
    )
    _publish("deliberation.matter.solved", matter, outcome=matter.outcome)
    return matter
