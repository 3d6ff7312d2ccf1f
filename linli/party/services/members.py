"""Memberships, committee seats and elections, 党员中心户."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit, dates, events
from linli.core.paths import is_within
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign
from linli.core.workdays import add_years

from ..models import (
    CenterHousehold,
    CommitteeSeat,
    MemberStatus,
    PartyMember,
    PartyOrg,
    PartyOrgKind,
    SeatPosition,
)
from .common import save_audited_row

MEMBER_FIELDS = ("group", "status", "joined_on", "full_on", "registered_on", "dues_paid_until")
MEMBER_CHANGE_FIELDS = ("group", "status", "full_on", "dues_paid_until")


# -- members --------------------------------------------------------------------------------------------------------


def _member_path(resident, org: PartyOrg) -> str:
    return resident.scope_path or org.scope_path


@transaction.atomic
def member_add(
    *, actor, org: PartyOrg, resident, joined_on: dt.date, status: str = MemberStatus.FULL, **attrs
) -> PartyMember:
    """Register a resident in a branch (在册). A resident may hold one active membership only."""
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    require(actor, Action.CHANGE, org)
    require_at(actor, Action.ADD, PartyMember, org.scope_path)
    if not org.is_active:
        raise ValidationError({"org": _("This organisation is archived.")})
    if resident is None:
        raise ValidationError({"resident": _("Choose a resident.")})
    # Serialise concurrent registrations of the same person.
    type(resident).objects.select_for_update().filter(pk=resident.pk).first()
    member = PartyMember(
        org=org, resident=resident, joined_on=joined_on, status=status, scope_path=_member_path(resident, org)
    )
    assign(member, attrs, MEMBER_FIELDS)
    if member.registered_on is None:
        member.registered_on = dates.today()
    save_audited_row(actor=actor, obj=member, action="create")
    events.publish("party.member.added", {"id": member.pk, "org": org.pk, "path": member.scope_path})
    return member


@transaction.atomic
def member_update(*, actor, member: PartyMember, **changes) -> PartyMember:
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    require(actor, Action.CHANGE, member)
    if not member.is_active:
        raise ValidationError(_("This membership has ended; change the current one."))
    before = audit.snapshot(member)
    assign(member, changes, MEMBER_CHANGE_FIELDS)
    if changes.get("status") == MemberStatus.FULL and not member.full_on:
        member.full_on = dates.today()
    save_audited_row(actor=actor, obj=member, action="update", before=before)
    return member


@transaction.atomic
def member_transfer(
    *,
    actor,
    member: PartyMember,
    to_org: PartyOrg,
    on: dt.date | None = None,
    group: PartyOrg | None = None,
    reason: str = "",
) -> PartyMember:
    """Move a member to another branch. The old membership ends (kept as history); a new one starts."""
    member = PartyMember.objects.select_for_update().select_related("org").get(pk=member.pk)
    require(actor, Action.CHANGE, member)
    to_org = PartyOrg.objects.select_for_update().get(pk=to_org.pk)
    require_at(actor, Action.ADD, PartyMember, to_org.scope_path)
    on = on or dates.today()
    if not member.is_active:
        raise ValidationError({"member": _("This membership has already ended.")})
    if to_org.pk == member.org_id:
        raise ValidationError({"to_org": _("The member is already registered in this branch.")})
    if not to_org.is_active:
        raise ValidationError({"to_org": _("This organisation is archived.")})
    if on > dates.today():
        raise ValidationError({"on": _("A transfer cannot be dated in the future.")})
    before = audit.snapshot(member)
    member.is_active = False
    member.ended_on = on
    member.end_reason = (reason or _("Transferred to %(org)s") % {"org": to_org.name})[:100]
    member.save(update_fields=["is_active", "ended_on", "end_reason", "updated_at"])
    CommitteeSeat.objects.filter(member=member, is_active=True).update(is_active=False, term_end=on)
    audit.record(
        actor=actor, action="update", obj=member, before=before, after=audit.snapshot(member), note="transfer out"
    )
    new = PartyMember(
        resident=member.resident,
        org=to_org,
        group=group,
        status=member.status,
        joined_on=member.joined_on,
        full_on=member.full_on,
        dues_paid_until=member.dues_paid_until,
        registered_on=on,
        scope_path=_member_path(member.resident, to_org),
    )
    save_audited_row(actor=actor, obj=new, action="create", note=f"transfer from #{member.pk}")
    CenterHousehold.objects.filter(member=member, is_active=True).update(member=new)
    events.publish("party.member.transferred", {"old": member.pk, "new": new.pk, "to": to_org.pk})
    return new


@transaction.atomic
def member_end(*, actor, member: PartyMember, on: dt.date | None = None, reason: str) -> PartyMember:
    """End a membership (death, 出党, moved away without a transfer letter…). The row stays as history."""
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    require(actor, Action.CHANGE, member)
    if not member.is_active:
        raise ValidationError({"member": _("This membership has already ended.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the membership ends.")})
    before = audit.snapshot(member)
    member.is_active = False
    member.ended_on = on or dates.today()
    member.end_reason = reason.strip()[:100]
    member.save(update_fields=["is_active", "ended_on", "end_reason", "updated_at"])
    CommitteeSeat.objects.filter(member=member, is_active=True).update(is_active=False, term_end=member.ended_on)
    CenterHousehold.objects.filter(member=member, is_active=True).update(is_active=False)
    audit.record(actor=actor, action="update", obj=member, before=before, after=audit.snapshot(member), note="ended")
    # A registered member (在册), not an in-service registration: its own event (the id is a PartyMember's).
    events.publish("party.member.ended", {"id": member.pk, "path": member.scope_path})
    return member


# -- committees -----------------------------------------------------------------------------------------------------


def seat_member_allowed(org: PartyOrg, member: PartyMember) -> bool:
    """A branch's or group's committee comes from its own members; a 社区党委/党总支/党工委's from the members
    registered in the branches under it."""
    if member.org_id == org.pk or member.group_id == org.pk:
        return True
    if org.kind in (PartyOrgKind.COMMUNITY_COMMITTEE, PartyOrgKind.GENERAL_BRANCH, PartyOrgKind.STREET_COMMITTEE):
        return is_within(member.org.scope_path, [org.scope_path])
    return False


@transaction.atomic
def seat_add(
    *,
    actor,
    org: PartyOrg,
    member: PartyMember,
    position: str,
    term_start: dt.date | None = None,
    term_end: dt.date | None = None,
) -> CommitteeSeat:
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    require(actor, Action.CHANGE, org)
    require_at(actor, Action.ADD, CommitteeSeat, org.scope_path)
    if member is None or not member.is_active:
        raise ValidationError({"member": _("Choose an active member.")})
    if not seat_member_allowed(org, member):
        raise ValidationError({"member": _("Committee members come from the organisation's own members.")})
    if member.status != MemberStatus.FULL:
        raise ValidationError({"member": _("A probationary member cannot hold a committee seat.")})
    term_start = term_start or org.term_start or dates.today()
    seat = CommitteeSeat(
        org=org,
        member=member,
        position=position,
        term_start=term_start,
        term_end=term_end or org.term_end or add_years(term_start, org.term_years),
        scope_path=org.scope_path,
    )
    save_audited_row(actor=actor, obj=seat, action="create")
    events.publish("party.seat.added", {"id": seat.pk, "org": org.pk})
    return seat


@transaction.atomic
def seat_end(*, actor, seat: CommitteeSeat, on: dt.date | None = None) -> CommitteeSeat:
    seat = CommitteeSeat.objects.select_for_update().get(pk=seat.pk)
    require(actor, Action.CHANGE, seat)
    if not seat.is_active:
        raise ValidationError(_("This seat has already ended."))
    before = audit.snapshot(seat)
    seat.is_active = False
    seat.term_end = on or dates.today()
    seat.save(update_fields=["is_active", "term_end", "updated_at"])
    audit.record(actor=actor, action="update", obj=seat, before=before, after=audit.snapshot(seat), note="ended")
    return seat


@transaction.atomic
def election_record(*, actor, org: PartyOrg, held_on: dt.date, seats: list[tuple[PartyMember, str]]) -> PartyOrg:
    """换届: end every current seat, start a new term (``org.term_years``) with the elected committee."""
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    require(actor, Action.CHANGE, org)
    if held_on > dates.today():
        raise ValidationError({"held_on": _("An election cannot be recorded before it is held.")})
    if not seats:
        raise ValidationError({"seats": _("Name the elected committee.")})
    positions = [p for _m, p in seats]
    if positions.count(SeatPosition.SECRETARY) != 1:
        raise ValidationError({"seats": _("Elect exactly one secretary.")})
    before = audit.snapshot(org)
    for seat in CommitteeSeat.objects.filter(org=org, is_active=True):
        seat_end(actor=actor, seat=seat, on=held_on)
    org.term_start = held_on
    org.term_end = add_years(held_on, org.term_years)
    org.save(update_fields=["term_start", "term_end", "updated_at"])
    audit.record(actor=actor, action="update", obj=org, before=before, after=audit.snapshot(org), note="election")
    for member, position in seats:
        seat_add(
            actor=actor, org=org, member=member, position=position, term_start=org.term_start, term_end=org.term_end
        )
    events.publish("party.org.elected", {"id": org.pk})
    return org


# -- 党员中心户 -------------------------------------------------------------------------------------------------------


@transaction.atomic
def center_household_add(
    *, actor, member: PartyMember, household, duties: str = "", since: dt.date | None = None
) -> CenterHousehold:
    require(actor, Action.CHANGE, member)
    if household is None:
        raise ValidationError({"household": _("Choose a household.")})
    building = household.house.parent
    while building is not None and building.level > 5:
        building = building.parent
    if building is None or building.level != 5:
        raise ValidationError({"household": _("The household's house is not in a building.")})
    require_at(actor, Action.ADD, CenterHousehold, household.scope_path)
    if not member.is_active:
        raise ValidationError({"member": _("Choose an active member.")})
    center = CenterHousehold(
        member=member,
        household=household,
        building=building,
        duties=duties,
        since=since or dates.today(),
        scope_path=household.scope_path,
    )
    if CenterHousehold.objects.filter(household=household, is_active=True).exists():
        raise ValidationError({"household": _("This household is already a party member centre household.")})
    save_audited_row(actor=actor, obj=center, action="create")
    return center


@transaction.atomic
def center_household_end(*, actor, center: CenterHousehold) -> CenterHousehold:
    center = CenterHousehold.objects.select_for_update().get(pk=center.pk)
    require(actor, Action.CHANGE, center)
    before = audit.snapshot(center)
    center.is_active = False
    center.save(update_fields=["is_active", "updated_at"])
    audit.record(actor=actor, action="update", obj=center, before=before, after=audit.snapshot(center))
    return center
