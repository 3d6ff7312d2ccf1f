"""Every write to an alliance and its records: check the right at the community, validate, save, audit, publish."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, dates, events
from linli.core.paths import is_under
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited
from linli.orgs.models import Organisation, OrgKind

from .models import (
    CLAIMABLE_PROJECT_STATES,
    Alliance,
    AllianceMember,
    Commitment,
    CommitmentItem,
    FundEntry,
    FundKind,
    ItemStatus,
    JointMeeting,
    Partner,
    PartnerProject,
    Problem,
    ProblemStatus,
    ProjectClaim,
    ProjectStatus,
    VolunteerActivity,
    WishClaim,
)


def _lock(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def _own_member(alliance: Alliance, member, field: str = "member") -> AllianceMember | None:
    if member is None:
        return None
    if member.alliance_id != alliance.pk:
        raise ValidationError({field: _("This organisation is not a member of the alliance.")})
    return member


def _create(actor, obj, *, event: str, note: str = ""):
    """Validate, save, audit and publish a new row whose ``scope_path`` is already set."""
    require_at(actor, Action.ADD, type(obj), obj.scope_path)
    save_audited(actor=actor, obj=obj, action="create", note=note)
    events.publish(event, {"id": obj.pk, "path": obj.scope_path})
    return obj


def _check_text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    return value


# --- the alliance and its members ------------------------------------------------------------------------


@transaction.atomic
def alliance_create(*, actor, community: Place, name: str = "", founded_on=None, description: str = "") -> Alliance:
    if community is None or community.level != 3:
        raise ValidationError({"community": _("An alliance belongs to a community.")})
    if Alliance.objects.filter(community=community).exists():
        raise ValidationError({"community": _("This community already has an alliance.")})
    alliance = Alliance(
        community=community,
        scope_path=community.path,
        name=(name or "").strip() or _("%(community)s party-building alliance") % {"community": community.name},
        founded_on=founded_on,
        description=description or "",
    )
    return _create(actor, alliance, event="alliance.created")


@transaction.atomic
def alliance_update(*, actor, alliance: Alliance, **changes) -> Alliance:
    alliance = _lock(alliance)
    require(actor, Action.CHANGE, alliance)
    before = audit.snapshot(alliance)
    assign(alliance, changes, {"name", "founded_on", "description"})
    return save_audited(actor=actor, obj=alliance, action="update", before=before)


def _check_org(organisation, field: str = "organisation"):
    if organisation is None:
        raise ValidationError({field: _("Choose an organisation.")})
    if not organisation.is_active:
        raise ValidationError({field: _("This organisation is inactive.")})
    return organisation


@transaction.atomic
def member_add(
    *, actor, alliance: Alliance, organisation: Organisation, lead_name: str = "", lead_title: str = "", joined_on=None
) -> AllianceMember:
    _check_org(organisation)
    if AllianceMember.objects.filter(alliance=alliance, organisation=organisation).exists():
        raise ValidationError({"organisation": _("This organisation is already a member.")})
    member = AllianceMember(
        alliance=alliance,
        scope_path=alliance.scope_path,
        organisation=organisation,
        lead_name=(lead_name or "").strip(),
        lead_title=(lead_title or "").strip(),
        joined_on=joined_on or dates.today(),
    )
    return _create(actor, member, event="alliance.member.added")


@transaction.atomic
def member_update(*, actor, member: AllianceMember, **changes) -> AllianceMember:
    member = _lock(member)
    require(actor, Action.CHANGE, member)
    before = audit.snapshot(member)
    assign(member, changes, {"lead_name", "lead_title", "joined_on", "is_active"})
    return save_audited(actor=actor, obj=member, action="update", before=before)


# --- 六个一 ---------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *, actor, alliance: Alliance, held_on: dt.date, topic: str, attendees=(), minutes: str = ""
) -> JointMeeting:
    attendees = list(attendees or [])
    for m in attendees:
        _own_member(alliance, m, "attendees")
    meeting = JointMeeting(
        alliance=alliance,
        scope_path=alliance.scope_path,
        held_on=held_on,
        topic=_check_text(topic, "topic"),
        minutes=minutes or "",
    )
    _create(actor, meeting, event="alliance.meeting.recorded")
    meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def commitment_create(*, actor, member: AllianceMember, year: int, items: list[str], signed_on=None) -> Commitment:
    items = [t.strip() for t in (items or []) if t and t.strip()]
    if not items:
        raise ValidationError({"items": _("List at least one commitment.")})
    if any(len(t) > 300 for t in items):
        raise ValidationError({"items": _("Each commitment has at most 300 characters.")})
    if Commitment.objects.filter(member=member, year=year).exists():
        raise ValidationError({"year": _("This member already has a commitment agreement for that year.")})
    commitment = Commitment(
        alliance_id=member.alliance_id, member=member, scope_path=member.scope_path, year=year, signed_on=signed_on
    )
    _create(actor, commitment, event="alliance.commitment.created")
    CommitmentItem.objects.bulk_create(
        [CommitmentItem(commitment=commitment, scope_path=commitment.scope_path, text=t) for t in items]
    )
    return commitment


@transaction.atomic
def commitment_item_update(
    *, actor, item: CommitmentItem, status: str, evidence: str = "", fulfilled_on=None
) -> CommitmentItem:
    item = _lock(item)
    require(actor, Action.CHANGE, item)
    if status not in ItemStatus.values:
        raise ValidationError({"status": _("Select a valid choice.")})
    before = audit.snapshot(item)
    item.status, item.evidence = status, (evidence or "").strip()
    if status == ItemStatus.FULFILLED:
        item.fulfilled_on = fulfilled_on or dates.today()
        if item.fulfilled_on > dates.today():
            raise ValidationError({"fulfilled_on": _("This date is in the future.")})
    else:
        item.fulfilled_on = None
    return save_audited(actor=actor, obj=item, action="update", before=before)


def _wish_ref(wish) -> str:
    return f"{wish._meta.label_lower}:{wish.pk}" if wish is not None else ""


@transaction.atomic
def wish_claim_record(*, actor, member: AllianceMember, title: str, claimed_on=None, wish=None) -> WishClaim:
    """A micro-wish the member claimed. ``wish``: the wishes app's record when the claim was made there
    (linked by reference; the wishes app keeps its own state), else the wish is recorded here as text."""
    claim = WishClaim(
        alliance_id=member.alliance_id,
        member=member,
        scope_path=member.scope_path,
        title=_check_text(title or (str(wish) if wish is not None else ""), "title"),
        claimed_on=claimed_on or dates.today(),
        wish_ref=_wish_ref(wish),
    )
    if claim.claimed_on > dates.today():
        raise ValidationError({"claimed_on": _("This date is in the future.")})
    return _create(actor, claim, event="alliance.wish.claimed")


@transaction.atomic
def wish_claim_fulfil(*, actor, claim: WishClaim, fulfilled_on=None) -> WishClaim:
    claim = _lock(claim)
    require(actor, Action.CHANGE, claim)
    if claim.fulfilled_on:
        raise ValidationError({"fulfilled_on": _("This wish is already fulfilled.")})
    before = audit.snapshot(claim)
    claim.fulfilled_on = fulfilled_on or dates.today()
    if claim.fulfilled_on > dates.today():
        raise ValidationError({"fulfilled_on": _("This date is in the future.")})
    return save_audited(actor=actor, obj=claim, action="update", before=before)


@transaction.atomic
def activity_record(
    *,
    actor,
    alliance: Alliance,
    held_on: dt.date,
    title: str,
    members=(),
    participants: int = 0,
    hours=Decimal("0"),
    note: str = "",
    activity=None,
) -> VolunteerActivity:
    members = [_own_member(alliance, m, "members") for m in (members or [])]
    act = VolunteerActivity(
        alliance=alliance,
        scope_path=alliance.scope_path,
        held_on=held_on,
        title=_check_text(title, "title"),
        participants=participants or 0,
        hours=_decimal(hours, "hours", minimum=Decimal("0")),
        note=note or "",
        activity_ref=_wish_ref(activity),
    )
    _create(actor, act, event="alliance.activity.recorded")
    act.members.set(members)
    return act


# --- the problem list -------------------------------------------------------------------------------------


@transaction.atomic
def problem_create(
    *,
    actor,
    alliance: Alliance,
    title: str,
    description: str,
    place: Place | None = None,
    raised_by: AllianceMember | None = None,
    responsible: AllianceMember | None = None,
    found_on=None,
) -> Problem:
    if place is not None and not is_under(place.path, alliance.scope_path):
        raise ValidationError({"place": _("The place must lie within the alliance's community.")})
    problem = Problem(
        alliance=alliance,
        scope_path=alliance.scope_path,
        title=_check_text(title, "title"),
        description=_check_text(description, "description"),
        place=place,
        raised_by=_own_member(alliance, raised_by, "raised_by"),
        responsible=_own_member(alliance, responsible, "responsible"),
        found_on=found_on or dates.today(),
    )
    if problem.found_on > dates.today():
        raise ValidationError({"found_on": _("This date is in the future.")})
    return _create(actor, problem, event="alliance.problem.created")


DEFAULT_CASE_CATEGORY = "other"


def workorders_available() -> bool:
    """Work orders are installed (an optional neighbour: without them the button to file a case is not shown)."""
    from django.apps import apps

    return apps.is_installed("linli.workorders")


@transaction.atomic
def problem_to_case(*, actor, problem: Problem, category=None, case_type: str = "suggestion"):
    """Turn a problem into a work order (one click): the case's origin points back at the problem."""
    problem = _lock(problem)
    require(actor, Action.CHANGE, problem)
    if problem.case_id:
        raise ValidationError({"case": _("This problem already has a work order.")})
    if problem.status == ProblemStatus.SOLVED:
        raise ValidationError({"status": _("This problem is already solved.")})
    if not workorders_available():
        raise ValidationError({"case": _("Work orders are not available yet: record the rectification by hand.")})
    from linli.workorders import services as wo
    from linli.workorders.models import Category, Source

    if category is None:
        category = (
            Category.objects.filter(code=DEFAULT_CASE_CATEGORY, is_active=True).first()
            or Category.objects.filter(is_active=True, parent__isnull=True).order_by("sort", "code").first()
        )
    if category is None:
        raise ValidationError({"case": _("No work-order category is set up yet.")})
    before = audit.snapshot(problem)
    case = wo.case_create(
        actor=actor,
        category=category,
        case_type=case_type,
        title=problem.title[:100],
        description=problem.description,
        place=problem.place or problem.alliance.community,
        source=Source.ALLIANCE,
        reporter_name=str(problem.alliance)[:50],
        origin=problem,
    )
    Problem.objects.filter(pk=problem.pk).update(case=case, status=ProblemStatus.RECTIFYING)
    problem.refresh_from_db()
    audit.record(
        actor=actor,
        action="update",
        obj=problem,
        before=before,
        after=audit.snapshot(problem),
        note=f"work order {case.number}",
    )
    events.publish("alliance.problem.case_opened", {"id": problem.pk, "case_id": case.pk})
    return case


@transaction.atomic
def problem_solve(*, actor, problem: Problem, solution: str, solved_on=None) -> Problem:
    problem = _lock(problem)
    require(actor, Action.CHANGE, problem)
    if problem.status == ProblemStatus.SOLVED:
        raise ValidationError({"status": _("This problem is already solved.")})
    before = audit.snapshot(problem)
    problem.solution = _check_text(solution, "solution")
    problem.solved_on = solved_on or dates.today()
    if problem.solved_on > dates.today():
        raise ValidationError({"solved_on": _("This date is in the future.")})
    if problem.solved_on < problem.found_on:
        raise ValidationError({"solved_on": _("A problem cannot be solved before it was found.")})
    problem.status = ProblemStatus.SOLVED
    save_audited(actor=actor, obj=problem, action="update", before=before)
    events.publish("alliance.problem.solved", {"id": problem.pk})
    return problem


@transaction.atomic
def problem_solved_by_case(*, case) -> Problem | None:
    """The work order a problem was turned into has been archived (event ``workorders.case.archive``): the
    problem is marked solved, with the case's reply as the solution — unless the resident's verdict did not count
    as satisfied (then it stays "being rectified" for the community to decide). Runs as the system (the archive
    step was permission-checked and audited by the work-order domain); audited here. Idempotent."""
    problem = Problem.objects.select_for_update().filter(case_id=case.pk).exclude(status=ProblemStatus.SOLVED).first()
    if problem is None:
        return None
    verdict = getattr(case, "verdict", None)
    if verdict is not None and not verdict.counts_as_satisfied:
        return None
    before = audit.snapshot(problem)
    number = getattr(case, "number", case.pk)
    reply = (getattr(case, "reply", "") or "").strip()
    problem.solution = (reply or _("Solved through work order %(number)s.") % {"number": number})[:4000]
    problem.solved_on = max(dates.today(), problem.found_on)
    problem.status = ProblemStatus.SOLVED
    save_audited(actor=None, obj=problem, action="update", before=before, note=f"work order {number} archived")
    events.publish("alliance.problem.solved", {"id": problem.pk, "case_id": case.pk})
    return problem


# --- the co-building fund ---------------------------------------------------------------------------------


def _decimal(value, field: str, *, minimum: Decimal | None = None) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if minimum is not None and number < minimum:
        raise ValidationError({field: _("Ensure this value is at least %(limit)s.") % {"limit": minimum}})
    return number


def fund_balance(alliance: Alliance) -> Decimal:
    last = FundEntry.objects.filter(alliance=alliance).order_by("-pk").values_list("balance_after", flat=True).first()
    return last if last is not None else Decimal("0.00")


@transaction.atomic
def fund_entry_add(
    *, actor, alliance: Alliance, kind: str, amount, reason: str, entry_date=None, member: AllianceMember | None = None
) -> FundEntry:
    """Append one ledger line. The alliance row is locked so two entries never compute from the same balance;
    spending more than the balance is refused. Entries are never edited: a correction is a new entry."""
    alliance = _lock(alliance)
    if kind not in FundKind.values:
        raise ValidationError({"kind": _("Select a valid choice.")})
    amount = _decimal(amount, "amount", minimum=Decimal("0.01"))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Give the amount in yuan with at most two decimals.")})
    balance = fund_balance(alliance)
    after = balance + amount if kind == FundKind.RAISED else balance - amount
    if after < 0:
        raise ValidationError({"amount": _("Only %(balance)s yuan is left in the fund.") % {"balance": balance}})
    entry = FundEntry(
        alliance=alliance,
        scope_path=alliance.scope_path,
        kind=kind,
        amount=amount,
        reason=_check_text(reason, "reason"),
        entry_date=entry_date or dates.today(),
        member=_own_member(alliance, member),
        balance_after=after,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if entry.entry_date > dates.today():
        raise ValidationError({"entry_date": _("This date is in the future.")})
    return _create(actor, entry, event="alliance.fund.entry")


def fund_totals(alliance: Alliance) -> dict:
    rows = dict(FundEntry.objects.filter(alliance=alliance).values_list("kind").annotate(s=Sum("amount")))
    raised, spent = rows.get(FundKind.RAISED) or Decimal("0"), rows.get(FundKind.SPENT) or Decimal("0")
    return {"raised": raised, "spent": spent, "balance": raised - spent}


# --- 红领合伙人 ------------------------------------------------------------------------------------------


@transaction.atomic
def partner_add(
    *, actor, alliance: Alliance, organisation: Organisation, joined_on=None, contact_name: str = "", note: str = ""
) -> Partner:
    _check_org(organisation)
    if organisation.kind not in (OrgKind.ENTERPRISE, OrgKind.PROPERTY, OrgKind.OTHER, OrgKind.SOCIAL):
        raise ValidationError({"organisation": _("A red-collar partner is an enterprise or social organisation.")})
    partner = Partner(
        alliance=alliance,
        scope_path=alliance.scope_path,
        organisation=organisation,
        joined_on=joined_on or dates.today(),
        contact_name=(contact_name or "").strip(),
        note=note or "",
    )
    try:
        with transaction.atomic():
            return _create(actor, partner, event="alliance.partner.added")
    except IntegrityError as exc:
        raise ValidationError({"organisation": _("This enterprise is already a partner.")}) from exc


@transaction.atomic
def project_add(
    *,
    actor,
    partner: Partner,
    title: str,
    description: str = "",
    status: str = ProjectStatus.PLANNED,
    started_on=None,
    finished_on=None,
) -> PartnerProject:
    project = PartnerProject(
        partner=partner,
        scope_path=partner.scope_path,
        title=_check_text(title, "title"),
        description=description or "",
        status=status,
        started_on=started_on,
        finished_on=finished_on,
    )
    return _create(actor, project, event="alliance.project.added")


@transaction.atomic
def project_update(*, actor, project: PartnerProject, **changes) -> PartnerProject:
    project = _lock(project)
    require(actor, Action.CHANGE, project)
    before = audit.snapshot(project)
    assign(project, changes, {"title", "description", "status", "started_on", "finished_on"})
    if project.status == ProjectStatus.IN_PROGRESS and not project.started_on:
        project.started_on = dates.today()
    return save_audited(actor=actor, obj=project, action="update", before=before)


# --- 双报到: in-service party members claim projects (认领项目) -----------------------------------------------


@transaction.atomic
def project_claim(*, actor, project: PartnerProject, member, role: str = "", claimed_on=None) -> ProjectClaim:
    """An in-service party member claims a part in a planned or running cooperative project of the alliance of
    the community they reported to (双报到: posts, micro-wishes and projects)."""
    project = PartnerProject.objects.select_for_update().select_related("partner__alliance").get(pk=project.pk)
    alliance = project.partner.alliance
    if project.status not in CLAIMABLE_PROJECT_STATES:
        raise ValidationError({"project": _("Only planned or running projects can be claimed.")})
    if member is None or not member.is_active:
        raise ValidationError({"member": _("This in-service member is no longer active.")})
    if member.community_id != alliance.community_id:
        raise ValidationError({"member": _("Members claim projects of the community they reported to.")})
    if ProjectClaim.objects.filter(project=project, member=member, is_active=True).exists():
        raise ValidationError({"member": _("This member has already claimed this project.")})
    claim = ProjectClaim(
        alliance=alliance,
        project=project,
        member=member,
        scope_path=project.scope_path,
        role=(role or "").strip()[:200],
        claimed_on=claimed_on or dates.today(),
    )
    return _create(actor, claim, event="alliance.project.claimed")


@transaction.atomic
def project_claim_release(*, actor, claim: ProjectClaim, released_on=None) -> ProjectClaim:
    claim = _lock(claim)
    require(actor, Action.CHANGE, claim)
    if not claim.is_active:
        raise ValidationError(_("This claim has already been released."))
    before = audit.snapshot(claim)
    claim.is_active = False
    claim.released_on = released_on or dates.today()
    save_audited(actor=actor, obj=claim, action="update", before=before)
    events.publish("alliance.project.released", {"id": claim.pk, "path": claim.scope_path})
    return claim


def release_member_claims(*, member_id: int, on=None) -> int:
    """An in-service registration ended (event ``party.inservice.ended``): release the member's project claims
    as the party domain releases their posts. The ending was permission-checked and audited there; each
    release is audited here as the system's."""
    n = 0
    for claim in ProjectClaim.objects.filter(member_id=member_id, is_active=True):
        with transaction.atomic():
            claim = _lock(claim)
            before = audit.snapshot(claim)
            claim.is_active, claim.released_on = False, on or dates.today()
            claim.save(update_fields=["is_active", "released_on", "updated_at"])
            audit.record(
                actor=None,
                action="update",
                obj=claim,
                before=before,
                after=audit.snapshot(claim),
                note="in-service registration ended",
            )
            n += 1
    return n
