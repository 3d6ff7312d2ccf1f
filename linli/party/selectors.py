"""Every read of party data goes through ``restrict``; the unscoped helpers used by other domains say so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from linli.core import dates
from linli.core.paths import subtree_q
from linli.core.permissions import Action, restrict
from linli.core.workdays import add_years

from . import conf
from .hooks import hooks
from .models import (
    BRANCH_KINDS,
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


def branches_under(path: str, *, active_only: bool = True) -> QuerySet:
    """Every party branch (党支部 and 党总支) whose place lies under ``path``.

    Unscoped: for computations (score cards, reminders) that restrict their own results; pages use ``orgs()``.
    """
    qs = PartyOrg.objects.filter(subtree_q("scope_path", path), kind__in=BRANCH_KINDS)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("scope_path", "name", "pk")


# -- organisations --------------------------------------------------------------------------------------------------


def with_counts(qs: QuerySet) -> QuerySet:
    """Annotate full/probationary member counts (branch: registered; group: its group members) and seats."""
    active = Q(members__is_active=True)
    group_active = Q(group_members__is_active=True)
    return qs.annotate(
        n_full=Count("members", filter=active & Q(members__status=MemberStatus.FULL), distinct=True),
        n_members=Count("members", filter=active, distinct=True),
        n_group_members=Count("group_members", filter=group_active, distinct=True),
        n_seats=Count("seats", filter=Q(seats__is_active=True), distinct=True),
    )


def orgs(
    user,
    *,
    action=Action.VIEW,
    under: str | None = None,
    kind: str | None = None,
    q: str = "",
    include_archived: bool = False,
) -> QuerySet:
    qs = restrict(PartyOrg.objects.all(), user, action).select_related("place", "parent", "organisation")
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__icontains=q)
    if not include_archived:
        qs = qs.filter(is_active=True)
    return qs.order_by("scope_path", "kind", "name", "pk")


def org_for(user, pk, action=Action.VIEW) -> PartyOrg:
    return get_object_or_404(
        restrict(PartyOrg.objects.select_related("place", "parent", "organisation"), user, action), pk=pk
    )


@dataclass
class Flag:
    code: str
    level: str  # "error" | "warning" | "info"
    message: str


def org_flags(
    org: PartyOrg,
    *,
    n_full: int | None = None,
    n_members: int | None = None,
    n_seats: int | None = None,
    has_secretary: bool | None = None,
    today: dt.date | None = None,
) -> list[Flag]:
    """The 支部工作条例 checks for one organisation (counts passed in when annotated, else queried)."""
    today = today or dates.today()
    flags: list[Flag] = []
    if not org.is_active:
        return flags
    if org.kind in BRANCH_KINDS:
        if n_full is None:
            n_full = org.full_member_count()
        if n_members is None:
            n_members = org.member_count()
        if n_seats is None:
            n_seats = CommitteeSeat.objects.filter(org=org, is_active=True).count()
        if has_secretary is None:
            has_secretary = CommitteeSeat.objects.filter(
                org=org, is_active=True, position=SeatPosition.SECRETARY
            ).exists()
        if n_full < conf.MIN_FULL_MEMBERS:
            flags.append(
                Flag(
                    "too_few",
                    "error",
                    _("Only %(n)s full members: a branch needs at least %(min)s.")
                    % {"n": n_full, "min": conf.MIN_FULL_MEMBERS},
                )
            )
        if n_members > conf.BRANCH_USUAL_MAX:
            flags.append(
                Flag(
                    "too_many",
                    "warning",
                    _("%(n)s members: a branch normally has no more than %(max)s; consider splitting it.")
                    % {"n": n_members, "max": conf.BRANCH_USUAL_MAX},
                )
            )
        if n_full >= conf.COMMITTEE_FROM and n_seats < conf.COMMITTEE_MIN:
            flags.append(
                Flag(
                    "needs_committee",
                    "error",
                    _("%(n)s full members: the branch needs a committee of %(min)s–%(max)s, it has %(seats)s seats.")
                    % {"n": n_full, "min": conf.COMMITTEE_MIN, "max": conf.COMMITTEE_USUAL_MAX, "seats": n_seats},
                )
            )
        elif n_seats > conf.COMMITTEE_MAX:
            flags.append(
                Flag(
                    "committee_too_big",
                    "error",
                    _("The committee has %(seats)s seats: no more than %(max)s.")
                    % {"seats": n_seats, "max": conf.COMMITTEE_MAX},
                )
            )
        elif n_full >= conf.COMMITTEE_FROM and n_seats > conf.COMMITTEE_USUAL_MAX:
            flags.append(
                Flag(
                    "committee_large",
                    "warning",
                    _("The committee has %(seats)s seats: usually %(min)s–%(max)s.")
                    % {"seats": n_seats, "min": conf.COMMITTEE_MIN, "max": conf.COMMITTEE_USUAL_MAX},
                )
            )
        if not has_secretary:
            flags.append(Flag("no_secretary", "warning", _("No secretary recorded.")))
    if org.kind in (*BRANCH_KINDS, PartyOrgKind.COMMUNITY_COMMITTEE):
        if org.term_end is None:
            flags.append(Flag("no_term", "info", _("No term dates recorded.")))
        elif org.term_end < today:
            flags.append(
                Flag(
                    "term_over",
                    "error",
                    _("The term ended on %(date)s: the election (换届) is overdue.")
                    % {"date": org.term_end.isoformat()},
                )
            )
        elif org.term_end <= today + dt.timedelta(days=conf.term_reminder_days()):
            flags.append(
                Flag(
                    "term_due",
                    "warning",
                    _("The term ends on %(date)s: prepare the election (换届).") % {"date": org.term_end.isoformat()},
                )
            )
        if org.term_end and org.term_start and org.term_end > add_years(org.term_start, org.term_years):
            flags.append(
                Flag(
                    "term_long",
                    "warning",
                    _(
                        "The recorded term runs from %(start)s to %(end)s, longer than the %(years)s years of this "
                        "organisation's term (支部工作条例): check the term end."
                    )
                    % {"start": org.term_start.isoformat(), "end": org.term_end.isoformat(), "years": org.term_years},
                )
            )
    return flags


def annotate_flags(orgs_: list[PartyOrg], today: dt.date | None = None) -> list[PartyOrg]:
    """Attach ``flags`` to orgs annotated by ``with_counts`` (one extra query for secretaries)."""
    ids = [o.pk for o in orgs_]
    with_sec = set(
        CommitteeSeat.objects.filter(org_id__in=ids, is_active=True, position=SeatPosition.SECRETARY).values_list(
            "org_id", flat=True
        )
    )
    for o in orgs_:
        o.flags = org_flags(
            o, n_full=o.n_full, n_members=o.n_members, n_seats=o.n_seats, has_secretary=o.pk in with_sec, today=today
        )
    return orgs_


@dataclass
class Node:
    org: PartyOrg
    children: list = field(default_factory=list)
    centers: list = field(default_factory=list)

    @property
    def flags(self):
        return getattr(self.org, "flags", [])


def org_tree(user, *, under: str | None = None) -> list[Node]:
    """The organisations the user may see as a forest (社区党委 → 支部 → 党小组 → 党员中心户), flags attached.

    A constant number of queries: the orgs with counts, secretaries, the centre households.
    """
    rows = annotate_flags(list(with_counts(orgs(user, under=under))))
    nodes = {o.pk: Node(o) for o in rows}
    roots = []
    for o in rows:
        parent = nodes.get(o.parent_id)
        (parent.children if parent else roots).append(nodes[o.pk])
    centers = restrict(CenterHousehold.objects.filter(is_active=True), user).select_related(
        "member__resident", "member__group", "household__house", "building"
    )
    if under:
        centers = centers.filter(subtree_q("scope_path", under))
    for c in centers:
        node = nodes.get(c.member.group_id) or nodes.get(c.member.org_id)
        if node:
            node.centers.append(c)
    return roots


def flagged_orgs(user, *, under: str | None = None) -> list[PartyOrg]:
    return [o for o in annotate_flags(list(with_counts(orgs(user, under=under)))) if o.flags]


# -- members --------------------------------------------------------------------------------------------------------


def members(
    user,
    *,
    action=Action.VIEW,
    org: PartyOrg | None = None,
    under: str | None = None,
    status: str | None = None,
    q: str = "",
    dues_overdue: bool = False,
    include_ended: bool = False,
    badge: str | None = None,
) -> QuerySet:
    qs = restrict(PartyMember.objects.all(), user, action).select_related("resident", "org", "group")
    if org is not None:
        qs = qs.filter(group=org) if org.kind == PartyOrgKind.GROUP else qs.filter(org=org)
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(resident__name__icontains=q) | Q(resident__name_initials__icontains=q.lower()) | Q(org__name__icontains=q)
        )
    if dues_overdue:
        month_end = dates.today().replace(day=1) - dt.timedelta(days=1)
        qs = qs.filter(Q(dues_paid_until__isnull=True) | Q(dues_paid_until__lt=month_end))
    if not include_ended:
        qs = qs.filter(is_active=True)
    if badge == "building_head":
        qs = qs.filter(resident__account_id__in=building_head_user_ids())
    elif badge == "committee":
        qs = qs.filter(seats__is_active=True).distinct()
    elif badge == "center":
        qs = qs.filter(center_households__is_active=True).distinct()
    elif badge and (hook := hooks.member_badge(badge)) is not None:
        qs = qs.filter(resident_id__in=hook.holders())
    return qs.order_by("scope_path", "resident__name", "pk")


def member_for(user, pk, action=Action.VIEW) -> PartyMember:
    return get_object_or_404(
        restrict(PartyMember.objects.select_related("resident", "org", "group"), user, action), pk=pk
    )


def building_head_user_ids() -> QuerySet:
    from linli.accounts.models import RoleBinding

    return RoleBinding.objects.current().filter(role="building_head").values("user_id")


def attach_badges(rows: list[PartyMember]) -> list[PartyMember]:
    """Badges for a page of members: 楼栋长, committee seat, 党员中心户 (three queries whatever the page size), plus
    the badges other domains register (``hooks.member_badges``, e.g. 业委会 seats from owners; one query each),
    given by the member's resident record, in ``m.extra_badges``."""
    from linli.accounts.models import RoleBinding

    accounts = [m.resident.account_id for m in rows if m.resident.account_id]
    heads = {}
    for b in RoleBinding.objects.current().filter(role="building_head", user_id__in=accounts).select_related("place"):
        heads.setdefault(b.user_id, []).append(b.place.name if b.place_id else "")
    ids = [m.pk for m in rows]
    seats = {}
    for s in CommitteeSeat.objects.filter(member_id__in=ids, is_active=True).select_related("org"):
        seats.setdefault(s.member_id, []).append(s)
    centers = set(CenterHousehold.objects.filter(member_id__in=ids, is_active=True).values_list("member_id", flat=True))
    residents = {m.resident_id for m in rows if m.resident_id}
    extra = [hook.badges(residents) for hook in hooks.member_badges] if residents else []
    for m in rows:
        m.head_of = heads.get(m.resident.account_id, [])
        m.seat_list = seats.get(m.pk, [])
        m.is_center = m.pk in centers
        m.extra_badges = [b for found in extra for b in found.get(m.resident_id, [])]
    return rows


def memberships_of(user, resident) -> QuerySet:
    """A resident's memberships (current and past) the user may see, newest first."""
    return (
        restrict(PartyMember.objects.filter(resident=resident), user)
        .select_related("org", "group")
        .order_by("-is_active", "-registered_on", "-pk")
    )


def seats(user, org: PartyOrg, *, include_ended: bool = False) -> QuerySet:
    qs = restrict(CommitteeSeat.objects.filter(org=org), user).select_related("member__resident")
    if not include_ended:
        qs = qs.filter(is_active=True)
    return qs.order_by("-is_active", "position", "pk")


def centers(user, *, building=None, under: str | None = None) -> QuerySet:
    qs = restrict(CenterHousehold.objects.filter(is_active=True), user).select_related(
        "member__resident", "member__org", "household__house", "building"
    )
    if building is not None:
        qs = qs.filter(building=building)
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    return qs.order_by("scope_path", "pk")


# -- 双报到 -----------------------------------------------------------------------------------------------------------


def inservice(
    user,
    *,
    action=Action.VIEW,
    under: str | None = None,
    employer=None,
    stale: bool | None = None,
    q: str = "",
    today: dt.date | None = None,
    include_ended: bool = False,
) -> QuerySet:
    qs = restrict(InServiceMember.objects.all(), user, action).select_related("resident", "employer", "community")
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    if employer is not None:
        qs = qs.filter(employer=employer)
    cutoff = conf.stale_before(today)
    if stale is True:
        qs = qs.filter(reported_on__lt=cutoff)
    elif stale is False:
        qs = qs.filter(reported_on__gte=cutoff)
    if q:
        qs = qs.filter(Q(resident__name__icontains=q) | Q(employer__name__icontains=q) | Q(skills__icontains=q))
    if not include_ended:
        qs = qs.filter(is_active=True)
    return qs.order_by("scope_path", "resident__name", "pk")


def inservice_for(user, pk, action=Action.VIEW) -> InServiceMember:
    return get_object_or_404(
        restrict(InServiceMember.objects.select_related("resident", "employer", "community"), user, action), pk=pk
    )


def stale_inservice(user, *, under: str | None = None, today: dt.date | None = None) -> QuerySet:
    return inservice(user, under=under, stale=True, today=today)


def registrations(user, *, under: str | None = None) -> QuerySet:
    qs = restrict(EmployerRegistration.objects.filter(is_active=True), user).select_related("organisation", "community")
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    return qs.order_by("scope_path", "organisation__name", "pk")


def posts(user, *, under: str | None = None, open_only: bool = False) -> QuerySet:
    qs = (
        restrict(ServicePost.objects.all(), user)
        .select_related("community")
        .annotate(n_claims=Count("claims", filter=Q(claims__is_active=True)))
    )
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    if open_only:
        qs = qs.filter(is_open=True)
    return qs.order_by("scope_path", "-is_open", "title", "pk")


def post_for(user, pk, action=Action.VIEW) -> ServicePost:
    return get_object_or_404(restrict(ServicePost.objects.select_related("community"), user, action), pk=pk)


def claims_of(user, member: InServiceMember) -> QuerySet:
    return (
        restrict(PostClaim.objects.filter(member=member), user)
        .select_related("post")
        .order_by("-is_active", "-claimed_on")
    )


def records(
    user,
    *,
    member: InServiceMember | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    action=Action.VIEW,
) -> QuerySet:
    qs = restrict(ServiceRecord.objects.all(), user, action).select_related("member__resident", "post")
    if member is not None:
        qs = qs.filter(member=member)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs.order_by("-date", "-pk")


def _active_between(qs, start: dt.date, end: dt.date):
    """Claims active at some time in [start, end]: claimed by ``end`` and not released before ``start``."""
    return qs.filter(claimed_on__lte=end).filter(Q(released_on__isnull=True) | Q(released_on__gte=start))


def sheet_items(user, members: list[InServiceMember], start: dt.date, end: dt.date) -> dict[int, dict]:
    """What the quarterly record sheet lists for each member besides the service records: the posts they held in
    [start, end], and each registered section's items (``hooks.sheet_sections``: the alliance's projects, the
    micro-wishes…), each read by its domain through ``restrict``.
    ``{member pk: {"posts": [...], "sections": [(section, [items]), ...]}}``."""
    ids = [m.pk for m in members]
    out = {m.pk: {"posts": [], "sections": []} for m in members}
    for claim in (
        _active_between(restrict(PostClaim.objects.filter(member__in=ids), user), start, end)
        .select_related("post")
        .order_by("claimed_on", "pk")
    ):
        out[claim.member_id]["posts"].append(claim)
    for section in hooks.sheet_sections:
        found = section.collect(user, members, start, end)
        for m in members:
            out[m.pk]["sections"].append((section, found.get(m.pk, [])))
    return out


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(quarter)
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def _hours_total(qs) -> Decimal:
    return qs.aggregate(s=Sum("hours"))["s"] or Decimal("0")


def service_hours(member_or_resident, year: int) -> Decimal:
    """Service hours in ``year`` of an in-service member, or of every in-service record of a resident.

    Unscoped (for score cards, which restrict their own subjects); Decimal, never float.
    """
    from linli.registry.models import Resident

    qs = ServiceRecord.objects.filter(date__year=year)
    if isinstance(member_or_resident, Resident):
        qs = qs.filter(member__resident=member_or_resident)
    elif isinstance(member_or_resident, InServiceMember):
        qs = qs.filter(member=member_or_resident)
    elif isinstance(member_or_resident, PartyMember):
        qs = qs.filter(member__resident_id=member_or_resident.resident_id)
    else:
        raise TypeError("service_hours takes an InServiceMember, a PartyMember or a Resident")
    return _hours_total(qs)


def service_hours_many(member_ids, year: int) -> dict[int, Decimal]:
    """In-service member pk -> hours in ``year`` (one query). Unscoped, for score cards."""
    rows = (
        ServiceRecord.objects.filter(member_id__in=list(member_ids), date__year=year)
        .values("member_id")
        .annotate(h=Sum("hours"))
    )
    return {r["member_id"]: r["h"] or Decimal("0") for r in rows}


def service_quarters_many(member_ids, year: int) -> dict[int, set[int]]:
    """In-service member pk -> the quarters of ``year`` with at least one service (one query). Unscoped."""
    out: dict[int, set[int]] = {}
    for member_id, date in ServiceRecord.objects.filter(member_id__in=list(member_ids), date__year=year).values_list(
        "member_id", "date"
    ):
        out.setdefault(member_id, set()).add((date.month - 1) // 3 + 1)
    return out


def inservice_hours_in(qs: QuerySet, year: int) -> QuerySet:
    """Annotate ``hours_year`` (Decimal) on an in-service queryset."""
    return qs.annotate(hours_year=Sum("service_records__hours", filter=Q(service_records__date__year=year)))


def dashboard(user, *, under: str | None = None, today: dt.date | None = None) -> dict:
    """Headline numbers for the party home page (a handful of queries)."""
    today = today or dates.today()
    org_qs = orgs(user, under=under)
    member_qs = members(user, under=under)
    ins = inservice(user, under=under, today=today)
    return {
        "orgs": org_qs.count(),
        "branches": org_qs.filter(kind__in=BRANCH_KINDS).count(),
        "groups": org_qs.filter(kind=PartyOrgKind.GROUP).count(),
        "members": member_qs.count(),
        "probationary": member_qs.filter(status=MemberStatus.PROBATIONARY).count(),
        "inservice": ins.count(),
        "stale": ins.filter(reported_on__lt=conf.stale_before(today)).count(),
        "hours": _hours_total(records(user, start=dt.date(today.year, 1, 1), end=today)),
    }
