"""Every write on a decision: create (with attachments), designate a representative, mark developer units, notice
(freezing the electorate), open, close, publish (the tally fixed, the 公示 begins), finalise, correct.

Each step is declared on the model (django-fsm-2), locked, permission-checked, audited and published through the
outbox. A published decision is never changed; a correction is a new decision that names the one it corrects."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from linli.areas.models import Level, Place
from linli.core import audit, dates, events, uploads
from linli.core.permissions import Action, require, require_at
from linli.core.services import save_audited
from linli.registry.models import Resident

from .. import verify
from ..models import Attachment, Ballot, Decision, DecisionState, Designation, DeveloperUnit, ElectorateUnit, MatterType
from . import electorate

#: 业主大会和业主委员会指导规则: owners are notified at least 15 days before the meeting — the floor of the setting
MIN_NOTICE_DAYS = 15
DEFAULT_OBJECTION_DAYS = 7
MAX_VOTING_DAYS = 90


def notice_days() -> int:
    """``LINLI_VOTES_NOTICE_DAYS`` (default 15), never shorter than the rule's 15 days."""
    return max(MIN_NOTICE_DAYS, int(getattr(settings, "LINLI_VOTES_NOTICE_DAYS", MIN_NOTICE_DAYS)))


def objection_days() -> int:
    """``LINLI_VOTES_OBJECTION_DAYS``: how long the result is posted (公示) for objections (local practice)."""
    return max(1, int(getattr(settings, "LINLI_VOTES_OBJECTION_DAYS", DEFAULT_OBJECTION_DAYS)))


def check_text(value, field: str, *, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": limit}})
    return text


def lock(decision: Decision) -> Decision:
    return Decision.objects.select_for_update(of=("self",)).select_related("compound").get(pk=decision.pk)


def step(decision: Decision, name: str) -> None:
    method = getattr(decision, name)
    if not can_proceed(method):
        raise ValidationError(
            {
                "state": _("This step is not possible while the decision is “%(state)s”.")
                % {"state": decision.get_state_display()}
            }
        )
    method()


def publish_event(name: str, decision: Decision, **extra) -> None:
    events.publish(name, {"decision_id": decision.pk, "path": decision.scope_path, **extra})


@transaction.atomic
def decision_create(
    *, actor, compound: Place, matter_type: int, title: str, text: str, attachments=(), corrects=None
) -> Decision:
    if compound is None or compound.level != Level.COMPOUND or not compound.is_active:
        raise ValidationError({"compound": _("Owners decide per compound (小区): choose an active compound.")})
    require_at(actor, Action.ADD, Decision, compound.path)
    try:
        matter_type = int(matter_type)
    except (TypeError, ValueError):
        matter_type = 0
    if matter_type not in MatterType.values:
        raise ValidationError({"matter_type": _("Choose one of the nine matters of Civil Code article 278.")})
    clean = uploads.sanitise_all(attachments, field="attachments", allow_pdf=True)
    decision = Decision(
        compound=compound,
        scope_path=compound.path,
        matter_type=matter_type,
        title=check_text(title, "title", limit=100),
        text=check_text(text, "text", limit=8000),
        created_by=actor,
        corrects=corrects,
    )
    save_audited(actor=actor, obj=decision, action="create", validate=False)
    for item in clean:
        Attachment.objects.create(
            decision=decision,
            file=item.file,
            content_type=item.content_type,
            size=item.file.size,
            original_name=item.original_name,
        )
    publish_event("votes.decision.created", decision)
    return decision


def draft_only(decision: Decision) -> None:
    if decision.state != DecisionState.DRAFT:
        raise ValidationError({"state": _("Only a draft can be changed; the electorate is frozen at the notice.")})


@transaction.atomic
def representative_designate(*, actor, decision: Decision, house: Place, resident: Resident) -> Designation:
    """Co-owners of ``house`` designate ``resident`` (one of them) to vote for the unit."""
    decision = lock(decision)
    require(actor, Action.CHANGE, decision)
    draft_only(decision)
    rows = {r.house_id: r for r in electorate.read(decision)}
    row = rows.get(getattr(house, "pk", None))
    if row is None:
        raise ValidationError({"house": _("This unit is not part of the compound's electorate.")})
    if resident.pk not in row.owner_ids:
        raise ValidationError({"resident": _("The representative must be one of the unit's owners.")})
    found = Designation.objects.filter(decision=decision, house=house).first()
    before = audit.snapshot(found) if found else None
    designation = found or Designation(decision=decision, house=house)
    designation.resident = resident
    save_audited(actor=actor, obj=designation, action="update" if found else "create", before=before, validate=False)
    return designation


@transaction.atomic
def developer_unit_mark(*, actor, house: Place) -> DeveloperUnit:
    """Mark a unit as still held by the developer (unsold or not delivered)."""
    if house is None or house.level != Level.HOUSE:
        raise ValidationError({"house": _("Choose a house.")})
    require_at(actor, Action.ADD, DeveloperUnit, house.path)
    found = DeveloperUnit.objects.filter(house=house).first()
    if found:
        return found
    unit = DeveloperUnit(house=house, scope_path=house.path)
    save_audited(actor=actor, obj=unit, action="create", validate=False)
    return unit


@transaction.atomic
def developer_unit_unmark(*, actor, house: Place) -> None:
    found = DeveloperUnit.objects.filter(house=house).first()
    if found is None:
        return
    require(actor, Action.DELETE, found)
    audit.record(actor=actor, action="delete", obj=found, before=audit.snapshot(found))
    found.delete()


@transaction.atomic
def decision_notice(*, actor, decision: Decision, opens_on: dt.date, closes_on: dt.date) -> Decision:
    """Post the notice (公告): freeze the electorate and its denominators, at least ``notice_days()`` before voting
    opens. Refused, listing every unit without an area or an owner, when the electorate is incomplete."""
    decision = lock(decision)
    require(actor, Action.CHANGE, decision)
    draft_only(decision)
    today = dates.today()
    if not isinstance(opens_on, dt.date) or not isinstance(closes_on, dt.date):
        raise ValidationError({"opens_on": _("Give the days voting opens and closes.")})
    earliest = today + dt.timedelta(days=notice_days())
    if opens_on < earliest:
        raise ValidationError(
            {
                "opens_on": _(
                    "Owners are notified at least %(days)s days before voting opens: the earliest day is %(day)s."
                )
                % {"days": notice_days(), "day": earliest.isoformat()}
            }
        )
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("Voting closes on or after the day it opens.")})
    if (closes_on - opens_on).days > MAX_VOTING_DAYS:
        raise ValidationError({"closes_on": _("Voting lasts at most %(n)s days.") % {"n": MAX_VOTING_DAYS}})
    rows = electorate.read(decision)
    if not rows:
        raise ValidationError({"electorate": _("This compound has no units (专有部分) recorded.")})
    missing = electorate.problems(rows)
    if missing:
        raise ValidationError(
            {
                "electorate": [
                    _("The electorate is incomplete: %(n)s units need attention.") % {"n": len(missing)},
                    *missing,
                ]
            }
        )
    ElectorateUnit.objects.bulk_create(
        [
            ElectorateUnit(
                decision=decision,
                house_id=r.house_id,
                label=r.label,
                area_centi=r.area_centi,
                area_source=r.area_source,
                holder=r.holder,
                is_developer=r.is_developer,
                representative_id=r.representative_id,
                owner_ids=r.owner_ids,
            )
            for r in rows
        ],
        batch_size=1000,
    )
    before = audit.snapshot(decision)
    step(decision, "notice")
    decision.noticed_on, decision.opens_on, decision.closes_on = today, opens_on, closes_on
    decision.total_units = len(rows)
    decision.total_area_centi = sum(r.area_centi for r in rows)
    decision.total_heads = len({r.holder for r in rows})
    save_audited(actor=actor, obj=decision, action="decision_notice", before=before, validate=False)
    publish_event("votes.decision.noticed", decision)
    return decision


@transaction.atomic
def decision_open(*, actor, decision: Decision) -> Decision:
    decision = lock(decision)
    require(actor, Action.CHANGE, decision)
    if decision.state == DecisionState.NOTICED:
        if dates.today() < decision.opens_on:
            raise ValidationError(
                {"state": _("Voting opens on %(day)s, as the notice says.") % {"day": decision.opens_on.isoformat()}}
            )
        if not ElectorateUnit.objects.filter(decision=decision).exists():
            raise ValidationError({"electorate": _("The electorate is empty.")})
    before = audit.snapshot(decision)
    step(decision, "open")
    save_audited(actor=actor, obj=decision, action="decision_open", before=before, validate=False)
    publish_event("votes.decision.opened", decision)
    return decision


@transaction.atomic
def decision_close(*, actor, decision: Decision) -> Decision:
    """Close the vote on or after the closing day the notice gave; no ballot is taken afterwards."""
    decision = lock(decision)
    require(actor, Action.CHANGE, decision)
    if decision.state == DecisionState.VOTING and dates.today() < decision.closes_on:
        raise ValidationError(
            {"state": _("Voting runs until %(day)s, as the notice says.") % {"day": decision.closes_on.isoformat()}}
        )
    before = audit.snapshot(decision)
    step(decision, "close")
    decision.closed_at = timezone.now()
    save_audited(actor=actor, obj=decision, action="decision_close", before=before, validate=False)
    publish_event("votes.decision.closed", decision)
    return decision


def compute_tally(decision: Decision) -> dict:
    """The tally over the frozen electorate and the ballots (``verify.tally``: integers and fractions only)."""
    units = ElectorateUnit.objects.filter(decision=decision).values_list("pk", "area_centi", "holder")
    ballots = Ballot.objects.filter(decision=decision).values_list("unit_id", "choice")
    return verify.tally(units.iterator(chunk_size=2000), ballots.iterator(chunk_size=2000), major=decision.is_major)


@transaction.atomic
def decision_publish(*, actor, decision: Decision) -> Decision:
    """Fix the result and post it (公示) with the list of ballots, for ``objection_days()`` of objections."""
    decision = lock(decision)
    require(actor, Action.CHANGE, decision)
    before = audit.snapshot(decision)
    step(decision, "publish")
    result = compute_tally(decision)
    today = dates.today()
    decision.result, decision.passed = result, result["passed"]
    decision.published_on = today
    decision.objections_until = today + dt.timedelta(days=objection_days())
    save_audited(actor=actor, obj=decision, action="decision_publish", before=before, validate=False)
    publish_event("votes.decision.published", decision, passed=decision.passed)
    return decision


@transaction.atomic
def decision_finalise(*, actor, decision: Decision) -> Decision:
    decision = lock(decision)
    require(actor, Action.CHANGE, decision)
    if decision.state == DecisionState.PUBLISHED and dates.today() <= decision.objections_until:
        raise ValidationError(
            {"state": _("Objections may be raised until %(day)s.") % {"day": decision.objections_until.isoformat()}}
        )
    before = audit.snapshot(decision)
    step(decision, "finalise")
    save_audited(actor=actor, obj=decision, action="decision_finalise", before=before, validate=False)
    publish_event("votes.decision.finalised", decision, passed=decision.passed)
    return decision


def decision_correct(*, actor, decision: Decision, title: str = "", text: str = "") -> Decision:
    """A published decision is never edited: its correction is a new draft that names it."""
    if not decision.is_settled:
        raise ValidationError({"state": _("Only a published decision is corrected by a new one; change the draft.")})
    return decision_create(
        actor=actor,
        compound=decision.compound,
        matter_type=decision.matter_type,
        title=title or decision.title,
        text=text or decision.text,
        corrects=decision,
    )
