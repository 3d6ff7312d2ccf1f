"""Every write on owners' committees and their seats: atomic, permission-checked, audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.areas.models import Level, Place
from linli.core import audit, dates, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited
from linli.core.workdays import add_years

from .models import CommitteeSeat, OwnersCommittee, Position, open_seat_q

# 业主大会和业主委员会指导规则 (建房〔2009〕274号): a term of an owners' committee lasts at most 5 years.
TERM_MAX_YEARS = 5
COMMITTEE_FIELDS = ("name", "term_start", "term_end", "filed_on", "is_active")


def _check_term(committee: OwnersCommittee) -> None:
    start, end = committee.term_start, committee.term_end
    if start is None:
        raise ValidationError({"term_start": _("Enter the date the term starts.")})
    if end is None:
        raise ValidationError({"term_end": _("Enter the date the term ends.")})
    if end < start:
        raise ValidationError({"term_end": _("The term cannot end before it starts.")})
    if end > add_years(start, TERM_MAX_YEARS):
        raise ValidationError(
            {"term_end": _("A term of an owners' committee lasts at most %(n)s years.") % {"n": TERM_MAX_YEARS}}
        )
    if committee.filed_on is not None and committee.filed_on < start:
        raise ValidationError({"filed_on": _("The committee cannot be filed before its term starts.")})


def _check_one_active(committee: OwnersCommittee) -> None:
    if not committee.is_active:
        return
    others = OwnersCommittee.objects.filter(compound_id=committee.compound_id, is_active=True)
    if committee.pk:
        others = others.exclude(pk=committee.pk)
    if others.exists():
        raise ValidationError(
            {
                "is_active": _(
                    "This compound already has an active owners' committee; mark the previous one inactive first."
                )
            }
        )


@transaction.atomic
def committee_create(
    *,
    actor,
    compound: Place,
    name: str,
    term_start: dt.date,
    term_end: dt.date,
    filed_on: dt.date | None = None,
    is_active: bool = True,
) -> OwnersCommittee:
    if compound is None or compound.level != Level.COMPOUND:
        raise ValidationError({"compound": _("An owners' committee serves a compound (小区); choose a compound.")})
    if not compound.is_active:
        raise ValidationError({"compound": _("This compound is archived.")})
    require_at(actor, Action.ADD, OwnersCommittee, compound.path)
    committee = OwnersCommittee(
        compound=compound,
        scope_path=compound.path,
        name=(name or "").strip(),
        term_start=term_start,
        term_end=term_end,
        filed_on=filed_on,
        is_active=is_active,
    )
    _check_term(committee)
    _check_one_active(committee)
    save_audited(actor=actor, obj=committee, action="create")
    events.publish("owners.committee.created", {"committee_id": committee.pk, "path": committee.scope_path})
    return committee


@transaction.atomic
def committee_update(*, actor, committee: OwnersCommittee, **changes) -> OwnersCommittee:
    committee = OwnersCommittee.objects.select_for_update().get(pk=committee.pk)
    require(actor, Action.CHANGE, committee)
    before = audit.snapshot(committee)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    assign(committee, changes, COMMITTEE_FIELDS)
    _check_term(committee)
    _check_one_active(committee)
    return save_audited(actor=actor, obj=committee, action="update", before=before)


def _check_owner(committee: OwnersCommittee, resident, since: dt.date) -> None:
    """A committee member is an owner in the compound (业主大会和业主委员会指导规则, 建房〔2009〕274号): the resident
    must own (or co-own) a house in the committee's compound by the registry's ownership records — on the day the
    seat starts and today. A tenant, a family member living in an owner's flat or an owner in another compound may
    not hold a seat."""
    from linli.registry.selectors import owner_holdings

    today = dates.today()
    for day in sorted({min(since, today), today}):
        if not owner_holdings(committee.compound, day).filter(resident=resident).exists():
            raise ValidationError(
                {
                    "resident": _(
                        "Only an owner of a house in %(compound)s may hold a seat on its owners' committee "
                        "(建房〔2009〕274号): %(name)s is not recorded as the owner or a co-owner of a house there on "
                        "%(day)s. A tenant, a family member of an owner or an owner elsewhere cannot be seated; "
                        "record the ownership in the data centre first if it is missing."
                    )
                    % {"compound": committee.compound.name, "name": resident.name, "day": day.isoformat()}
                }
            )


@transaction.atomic
def seat_add(
    *, actor, committee: OwnersCommittee, resident, position: str = Position.MEMBER, since: dt.date | None = None
) -> CommitteeSeat:
    committee = (
        OwnersCommittee.objects.select_for_update(of=("self",)).select_related("compound__parent").get(pk=committee.pk)
    )
    require(actor, Action.CHANGE, committee)
    if not committee.is_active:
        raise ValidationError(_("This owners' committee is no longer active."))
    if resident is None:
        raise ValidationError({"resident": _("Choose the resident.")})
    if not resident.is_active or resident.merged_into_id:
        raise ValidationError({"resident": _("This resident record is no longer active.")})
    since = since or dates.today()
    if since < committee.term_start or since > committee.term_end:
        raise ValidationError(
            {
                "since": _("The seat must start within the committee's term (%(start)s – %(end)s).")
                % {"start": committee.term_start, "end": committee.term_end}
            }
        )
    _check_owner(committee, resident, since)
    held = CommitteeSeat.objects.filter(open_seat_q(dates.today()), committee=committee, resident=resident)
    if held.exists():
        raise ValidationError({"resident": _("This resident already holds a seat on this committee.")})
    seat = CommitteeSeat(
        committee=committee, resident=resident, position=position, since=since, scope_path=committee.scope_path
    )
    save_audited(actor=actor, obj=seat, action="create")
    events.publish("owners.seat.added", {"seat_id": seat.pk, "committee_id": committee.pk, "resident_id": resident.pk})
    return seat


@transaction.atomic
def seat_end(*, actor, seat: CommitteeSeat, until: dt.date | None = None) -> CommitteeSeat:
    seat = CommitteeSeat.objects.select_for_update().get(pk=seat.pk)
    require(actor, Action.CHANGE, seat)
    if not seat.is_open(dates.today()):
        raise ValidationError({"until": _("This seat has already ended.")})
    until = until or dates.today()
    if until < seat.since:
        raise ValidationError({"until": _("A seat cannot end before it started.")})
    before = audit.snapshot(seat)
    seat.until = until
    save_audited(actor=actor, obj=seat, action="end", before=before)
    events.publish("owners.seat.ended", {"seat_id": seat.pk, "committee_id": seat.committee_id})
    return seat
