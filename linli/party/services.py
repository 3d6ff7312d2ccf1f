"""Every write to party data: organisations, memberships, committees, 党员中心户 and 双报到.

Keyword-only, atomic, permission-checked inside, validated before anything is saved, audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.core import audit, dates, events
from linli.core.paths import is_under, is_within
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited
from linli.core.workdays import add_years
from linli.registry.models import PoliticalStatus

from .models import (
    BranchType,
    CenterHousehold,
    CommitteeSeat,
    EmployerRegistration,
    InServiceMember,
    MemberStatus,
    PartyMember,
    PartyOrg,
    PartyOrgKind,
    PostClaim,
    SeatPosition,
    ServicePost,
    ServiceRecord,
)

ORG_FIELDS = ("kind", "branch_type", "name", "parent", "place", "organisation", "term_start", "term_end", "notes")
ORG_CHANGE_FIELDS = ("branch_type", "name", "organisation", "term_start", "term_end", "notes")
MEMBER_FIELDS = ("group", "status", "joined_on", "full_on", "registered_on", "dues_paid_until")
MEMBER_CHANGE_FIELDS = ("group", "status", "full_on", "dues_paid_until")
INSERVICE_FIELDS = ("employer", "employer_party_org", "skills", "service_intention", "reported_on")
REGISTRATION_FIELDS = ("party_org_name", "registered_on", "contact_name", "contact_phone", "commitments")
POST_FIELDS = ("title", "description", "slots", "is_open")


def _save(*, actor, obj, action, before=None, note=""):
    """save_audited, turning a lost race on a unique constraint into a field error."""
    try:
        with transaction.atomic():
            return save_audited(actor=actor, obj=obj, action=action, before=before, note=note)
    except IntegrityError as exc:
        raise ValidationError(_("This conflicts with an existing record: %(error)s") % {"error": exc}) from exc


def _set_covered(org: PartyOrg, covered) -> None:
    if covered is None:
        return
    covered = list(covered)
    bad = [p for p in covered if not is_under(p.path, org.place.path) or p.level not in (4, 5)]
    if bad:
        raise ValidationError(
            {
                "covered_places": _("Covered places must be compounds or buildings inside %(place)s.")
                % {"place": org.place.name}
            }
        )
    org.covered_places.set(covered)


# -- organisations --------------------------------------------------------------------------------------------------


@transaction.atomic
def org_create(
    *, actor, place, kind: str, name: str, parent: PartyOrg | None = None, covered_places=None, **attrs
) -> PartyOrg:
    if place is None:
        raise ValidationError({"place": _("Choose where the organisation sits.")})
    require_at(actor, Action.ADD, PartyOrg, place.path)
    org = PartyOrg(place=place, scope_path=place.path, kind=kind, name=(name or "").strip(), parent=parent)
    assign(org, attrs, ORG_FIELDS)
    if org.kind == PartyOrgKind.BRANCH and not org.branch_type:
        org.branch_type = BranchType.COMPOUND  # as clean() defaults it, before the term is counted from it
    if org.term_start and not org.term_end:
        org.term_end = add_years(org.term_start, org.term_years)
    org.full_clean()
    org.save()
    _set_covered(org, covered_places)
    audit.record(actor=actor, action="create", obj=org, after=audit.snapshot(org))
    events.publish("party.org.created", {"id": org.pk, "path": org.scope_path, "kind": org.kind})
    return org


@transaction.atomic
def org_update(*, actor, org: PartyOrg, covered_places=None, **changes) -> PartyOrg:
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    require(actor, Action.CHANGE, org)
    before = audit.snapshot(org)
    assign(org, changes, ORG_CHANGE_FIELDS)
    if "term_start" in changes and changes["term_start"] and "term_end" not in changes:
        org.term_end = add_years(org.term_start, org.term_years)
    org.full_clean()
    org.save()
    _set_covered(org, covered_places)
    audit.record(actor=actor, action="update", obj=org, before=before, after=audit.snapshot(org))
    return org


@transaction.atomic
def org_move(*, actor, org: PartyOrg, new_parent: PartyOrg | None, place=None) -> PartyOrg:
    """Re-attach an organisation (and its subtree keeps its own places) under another parent."""
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    require(actor, Action.CHANGE, org)
    if new_parent is not None:
        require(actor, Action.CHANGE, new_parent)
        ancestor = new_parent
        while ancestor is not None:
            if ancestor.pk == org.pk:
                raise ValidationError({"parent": _("An organisation cannot sit under itself or its own children.")})
            ancestor = ancestor.parent
    before = audit.snapshot(org)
    org.parent = new_parent
    if place is not None:
        require_at(actor, Action.CHANGE, PartyOrg, place.path)
        org.place = place
        org.scope_path = place.path
    org.full_clean()
    org.save()
    audit.record(actor=actor, action="move", obj=org, before=before, after=audit.snapshot(org))
    events.publish("party.org.moved", {"id": org.pk, "path": org.scope_path})
    return org


@transaction.atomic
def org_archive(*, actor, org: PartyOrg) -> PartyOrg:
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    require(actor, Action.CHANGE, org)
    if not org.is_active:
        raise ValidationError(_("This organisation is already archived."))
    if org.children.filter(is_active=True).exists():
        raise ValidationError({"children": _("Archive or move its sub-organisations first.")})
    if PartyMember.objects.filter(org=org, is_active=True).exists():
        raise ValidationError({"members": _("Transfer its members to another branch first.")})
    before = audit.snapshot(org)
    org.is_active = False
    org.archived_on = dates.today()
    org.save(update_fields=["is_active", "archived_on", "updated_at"])
    PartyMember.objects.filter(group=org, is_active=True).update(group=None)
    CommitteeSeat.objects.filter(org=org, is_active=True).update(is_active=False, term_end=org.archived_on)
    audit.record(actor=actor, action="archive", obj=org, before=before, after=audit.snapshot(org))
    events.publish("party.org.archived", {"id": org.pk, "path": org.scope_path})
    return org


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
    _save(actor=actor, obj=member, action="create")
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
    _save(actor=actor, obj=member, action="update", before=before)
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
    _save(actor=actor, obj=new, action="create", note=f"transfer from #{member.pk}")
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
    _save(actor=actor, obj=seat, action="create")
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
    _save(actor=actor, obj=center, action="create")
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


# -- 双报到 -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def employer_register(
    *, actor, organisation, community, registered_on: dt.date | None = None, **attrs
) -> EmployerRegistration:
    """共驻共建: an employer's party organisation registers with a community."""
    if community is None:
        raise ValidationError({"community": _("Choose a community.")})
    require_at(actor, Action.ADD, EmployerRegistration, community.path)
    reg = EmployerRegistration(
        organisation=organisation,
        community=community,
        scope_path=community.path,
        registered_on=registered_on or dates.today(),
    )
    assign(reg, attrs, REGISTRATION_FIELDS)
    _save(actor=actor, obj=reg, action="create")
    events.publish("party.employer.registered", {"id": reg.pk, "organisation": organisation.pk, "path": reg.scope_path})
    return reg


PARTY_STATUSES = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)  # 中共党员, 中共预备党员


def is_party_member(resident) -> bool:
    """A full or probationary CPC member: by the data centre's political status, or on a branch's roll."""
    if resident.political_status in PARTY_STATUSES:
        return True
    return PartyMember.objects.filter(resident=resident, is_active=True).exists()


@transaction.atomic
def inservice_report(
    *, actor, resident, community, employer, reported_on: dt.date | None = None, **attrs
) -> InServiceMember:
    """在职党员报到: the first registration creates the record; later ones refresh the date, skills and intention.
    Only a party member (正式 or 预备党员) reports; a resident recorded as 群众 or another status is refused."""
    if community is None:
        raise ValidationError({"community": _("Choose a community.")})
    if resident is None:
        raise ValidationError({"resident": _("Choose a resident.")})
    if not is_party_member(resident):
        raise ValidationError(
            {
                "resident": _(
                    "%(name)s is not recorded as a party member (their political status is “%(status)s”): only full or "
                    "probationary members report as in-service members. Correct the resident's record first if it is "
                    "wrong."
                )
                % {"name": resident.name, "status": resident.get_political_status_display()}
            }
        )
    reported_on = reported_on or dates.today()
    type(resident).objects.select_for_update().filter(pk=resident.pk).first()
    current = InServiceMember.objects.select_for_update().filter(resident=resident, is_active=True).first()
    if current is not None:
        require(actor, Action.CHANGE, current)
        before = audit.snapshot(current)
        if current.community_id != community.pk:
            require_at(actor, Action.CHANGE, InServiceMember, community.path)
            current.community = community
            current.scope_path = community.path
        current.employer = employer
        assign(current, {**attrs, "reported_on": reported_on}, INSERVICE_FIELDS)
        _save(actor=actor, obj=current, action="update", before=before, note="report")
        events.publish("party.inservice.reported", {"id": current.pk, "path": current.scope_path})
        return current
    require_at(actor, Action.ADD, InServiceMember, community.path)
    member = InServiceMember(
        resident=resident,
        community=community,
        employer=employer,
        reported_on=reported_on,
        first_reported_on=reported_on,
        scope_path=community.path,
    )
    assign(member, attrs, INSERVICE_FIELDS)
    _save(actor=actor, obj=member, action="create", note="report")
    events.publish("party.inservice.reported", {"id": member.pk, "path": member.scope_path})
    return member


@transaction.atomic
def inservice_end(*, actor, member: InServiceMember) -> InServiceMember:
    member = InServiceMember.objects.select_for_update().get(pk=member.pk)
    require(actor, Action.CHANGE, member)
    before = audit.snapshot(member)
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    PostClaim.objects.filter(member=member, is_active=True).update(is_active=False, released_on=dates.today())
    audit.record(actor=actor, action="update", obj=member, before=before, after=audit.snapshot(member), note="ended")
    # Other domains end what hangs on the registration (the alliance releases the member's project claims).
    events.publish("party.inservice.ended", {"id": member.pk, "path": member.scope_path})
    return member


@transaction.atomic
def post_create(*, actor, community, title: str, **attrs) -> ServicePost:
    if community is None:
        raise ValidationError({"community": _("Choose a community.")})
    require_at(actor, Action.ADD, ServicePost, community.path)
    post = ServicePost(community=community, title=(title or "").strip(), scope_path=community.path)
    assign(post, attrs, POST_FIELDS)
    _save(actor=actor, obj=post, action="create")
    return post


@transaction.atomic
def post_update(*, actor, post: ServicePost, **changes) -> ServicePost:
    post = ServicePost.objects.select_for_update().get(pk=post.pk)
    require(actor, Action.CHANGE, post)
    before = audit.snapshot(post)
    assign(post, changes, POST_FIELDS)
    _save(actor=actor, obj=post, action="update", before=before)
    return post


@transaction.atomic
def post_claim(*, actor, post: ServicePost, member: InServiceMember, on: dt.date | None = None) -> PostClaim:
    """认领岗位: a member claims a slot of an open post in their community."""
    post = ServicePost.objects.select_for_update().get(pk=post.pk)
    require_at(actor, Action.ADD, PostClaim, post.scope_path)
    if not post.is_open:
        raise ValidationError({"post": _("This post is closed.")})
    if not member.is_active:
        raise ValidationError({"member": _("This in-service member is no longer active.")})
    if member.community_id != post.community_id:
        raise ValidationError({"member": _("Members claim posts of the community they reported to.")})
    taken = post.claims.filter(is_active=True).count()
    if taken >= post.slots:
        raise ValidationError({"post": _("All %(n)s slots of this post are taken.") % {"n": post.slots}})
    if post.claims.filter(is_active=True, member=member).exists():
        raise ValidationError({"member": _("This member has already claimed this post.")})
    claim = PostClaim(post=post, member=member, claimed_on=on or dates.today(), scope_path=post.scope_path)
    _save(actor=actor, obj=claim, action="create")
    events.publish("party.post.claimed", {"id": claim.pk, "post": post.pk, "member": member.pk})
    return claim


@transaction.atomic
def post_release(*, actor, claim: PostClaim) -> PostClaim:
    claim = PostClaim.objects.select_for_update().get(pk=claim.pk)
    require(actor, Action.CHANGE, claim)
    if not claim.is_active:
        raise ValidationError(_("This claim has already been released."))
    before = audit.snapshot(claim)
    claim.is_active = False
    claim.released_on = dates.today()
    claim.save(update_fields=["is_active", "released_on", "updated_at"])
    audit.record(actor=actor, action="update", obj=claim, before=before, after=audit.snapshot(claim))
    return claim


def _hours(value) -> Decimal:
    try:
        hours = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"hours": _("Enter the hours as a number, e.g. 2 or 1.5.")}) from exc
    if not hours.is_finite():
        raise ValidationError({"hours": _("Enter the hours as a number, e.g. 2 or 1.5.")})
    return hours


@transaction.atomic
def service_record_add(
    *,
    actor,
    member: InServiceMember,
    date: dt.date,
    content: str,
    hours,
    source: str = "",
    post: ServicePost | None = None,
    served=None,
) -> ServiceRecord:
    """One service card entry (date, content, hours); ``served`` optionally links what was served."""
    require_at(actor, Action.ADD, ServiceRecord, member.scope_path)
    if post is not None and post.community_id != member.community_id:
        raise ValidationError({"post": _("The post belongs to another community.")})
    record = ServiceRecord(
        member=member,
        date=date,
        content=(content or "").strip(),
        hours=_hours(hours),
        source=(source or "").strip(),
        post=post,
        scope_path=member.scope_path,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if served is not None:
        record.served_type = served._meta.label_lower
        record.served_id = str(served.pk)
        if not record.source:
            record.source = str(served._meta.verbose_name)[:40]
    elif post is not None and not record.source:
        record.source = _("Claimed post")
    _save(actor=actor, obj=record, action="create")
    events.publish("party.service.recorded", {"id": record.pk, "member": member.pk, "hours": str(record.hours)})
    return record


@transaction.atomic
def service_record_delete(*, actor, record: ServiceRecord) -> None:
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    require(actor, Action.DELETE, record)
    before = audit.snapshot(record)
    audit.record(actor=actor, action="delete", obj=record, before=before)
    record.delete()
