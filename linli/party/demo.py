"""The party part of ``make demo``: a realistic structure for the demo district, fast (bulk inserts).

Per street a 街道党工委; per community a 社区党委 with one 小区党支部 per compound (split by buildings when it would
pass ~40 members; one compound in every third community in 网格党支部, one per grid), a 物业党支部 where a
property company manages compounds, 党小组 per few buildings, ~6% of the
adult residents as members (the residents whose political status says so; a few probationary), committees for
branches with ≥ 7 full members (one deliberately missing, one branch deliberately below 3), 党员中心户, and
双报到: in-service members employed by departments and registered organisations (some not reported for > 6
months), employer registrations, posts, claims and a year of service records. One summary audit row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from linli.core import audit
from linli.core.paths import BUILDING, COMPOUND, path_at
from linli.core.workdays import add_years

from . import conf
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

MEMBER_SHARE = 0.06
BRANCH_TARGET = 40
BUILDINGS_PER_GROUP = 3
POSTS = [
    ("政策宣讲员", "向居民宣讲惠民政策，每月不少于一次。"),
    ("文明劝导员", "劝导不文明行为，参与文明城市创建。"),
    ("法律咨询员", "为居民提供法律咨询、调解邻里纠纷。"),
    ("助老服务员", "走访独居老人，帮助代购代办。"),
    ("四点半课堂辅导员", "为双职工家庭的孩子辅导作业。"),
    ("垃圾分类督导员", "在投放点引导居民分类投放。"),
    ("平安巡逻员", "夜间小区巡逻，排查安全隐患。"),
    ("健康义诊员", "为居民测血压、讲解健康知识。"),
]
SERVICE_CONTENT = [
    "参加社区环境整治",
    "入户走访独居老人",
    "政策宣讲",
    "文明劝导",
    "四点半课堂辅导",
    "垃圾分类督导",
    "夜间平安巡逻",
    "义诊测血压",
    "协助疫苗接种登记",
    "调解邻里纠纷",
    "反诈宣传",
    "助老代购",
]
COMMITMENTS = "每季度组织在职党员到社区开展志愿服务不少于一次；认领社区服务岗位；结对帮扶困难家庭。"
SKILLS = ["法律", "医疗护理", "教育辅导", "电工维修", "心理咨询", "财务会计", "信息技术", "文艺宣传", "驾驶"]
INTENTIONS = ["助老服务", "青少年教育", "政策宣讲", "环境整治", "法律援助", "平安巡逻", "文明劝导"]


def _d(day) -> dt.date:
    return day.date() if isinstance(day, dt.datetime) else day


def _years_before(day: dt.date, years: int) -> dt.date:
    return add_years(day, -years)


def seed(ctx) -> list[str]:
    from linli.areas.models import Place
    from linli.registry.models import HouseholdMember, Resident

    rng, today = ctx.rng, _d(ctx.today)
    adult_birth = _years_before(today, 18)
    counts = defaultdict(int)

    # -- street committees -------------------------------------------------------------------------------------
    street_years = conf.term_years(PartyOrgKind.STREET_COMMITTEE)
    street_orgs = PartyOrg.objects.bulk_create(
        [
            PartyOrg(
                kind=PartyOrgKind.STREET_COMMITTEE,
                name=f"{s.name}党工委",
                place=s,
                scope_path=s.path,
                term_start=_years_before(today, 2),
                term_end=add_years(_years_before(today, 2), street_years),
            )
            for s in ctx.streets
        ]
    )
    street_by_pk = {s.pk: o for s, o in zip(ctx.streets, street_orgs, strict=True)}
    counts["orgs"] += len(street_orgs)

    property_cos = ctx.organisations.get("property", [])
    managed = defaultdict(list)  # compound pk -> company
    for co in property_cos:
        for c in co.managed_compounds.all():
            managed[c.pk].append(co)

    all_members: list[PartyMember] = []
    member_meta: list[tuple] = []  # (member, building path, group key)
    covered_rows = []  # (org, place)
    branches_by_comm = defaultdict(list)
    groups_all = []
    taken_residents: set[int] = set()
    community_orgs = []

    for ci, community in enumerate(ctx.communities):
        compounds = list(ctx.compounds[ci]) if ci < len(ctx.compounds) else []
        years = conf.term_years(PartyOrgKind.COMMUNITY_COMMITTEE)
        start = today - dt.timedelta(days=rng.randint(200, 4 * 365))
        if ci == 0:  # the first community's term ends within 90 days: a 换届 reminder to show
            start = _years_before(today, years) + dt.timedelta(days=60)
        committee = PartyOrg(
            kind=PartyOrgKind.COMMUNITY_COMMITTEE,
            name=f"中共{community.name}委员会",
            place=community,
            scope_path=community.path,
            parent=street_by_pk.get(community.parent_id),
            term_start=start,
            term_end=add_years(start, years),
        )
        committee.save()
        community_orgs.append(committee)
        counts["orgs"] += 1

        # Candidate members: adult residents of the community whose political status is CPC.
        people = list(
            Resident.objects.filter(
                subtree_q_path(community.path), is_active=True, birth_date__lte=adult_birth, home__isnull=False
            ).values_list("pk", "political_status", "scope_path", "birth_date")
        )
        n_adults = len(people)
        cpc = [p for p in people if p[1] in ("cpc_member", "cpc_probationary")]
        rng.shuffle(cpc)
        # Retired members are registered where they live; working-age ones mostly belong to their employer's
        # branch and report here as in-service members (双报到).
        retired = _years_before(today, 55)
        cpc.sort(key=lambda p: not (p[3] and p[3] <= retired) and rng.random() < 0.7)
        wanted = max(3, round(n_adults * MEMBER_SHARE))
        chosen, spare = cpc[:wanted], cpc[wanted:]
        # 物业党支部: reserve a few members living in the compounds the property company manages.
        cos = {co.pk: co for c in compounds for co in managed.get(c.pk, [])}
        property_co = next(iter(cos.values()), None)
        reserved = []
        if property_co is not None:
            managed_paths = {c.path for c in compounds if property_co in managed.get(c.pk, [])}
            n = 2 if ci % 4 == 0 else rng.randint(3, 5)  # every fourth one below 3 full members: flagged
            n = min(n, len(cpc) // 3)
            ordered = sorted(spare + chosen, key=lambda p: (p[2][:15] not in managed_paths, p in chosen))
            reserved = ordered[:n]
            chosen = [p for p in chosen if p not in reserved]
            spare = [p for p in spare if p not in reserved]
        by_compound = defaultdict(list)
        for p in chosen:
            by_compound[p[2][:15]].append(p)

        buildings = defaultdict(list)
        for b in (
            Place.objects.filter(subtree_q_path(community.path, field="path"), level=5, is_active=True)
            .select_related("grid")
            .order_by("path")
        ):
            buildings[path_at(b.path, COMPOUND)].append(b)

        for compound in compounds:
            residents_here = by_compound.get(compound.path, [])
            blds = buildings.get(compound.path, [])
            parts = max(1, -(-len(residents_here) // BRANCH_TARGET))
            parts = min(parts, max(1, len(blds)))
            chunk = -(-len(blds) // parts) if blds else 0
            split = [blds[part * chunk : (part + 1) * chunk] if blds else [] for part in range(parts)]
            by_grid = defaultdict(list)
            for b in blds:
                by_grid[b.grid_id].append(b)
            if parts == 1 and ci % 3 == 2 and compound is compounds[0] and None not in by_grid and len(by_grid) > 1:
                # One compound in every third community has its members in 网格党支部, one per grid, when
                # every grid has at least 3 of them.
                held = [sum(1 for p in residents_here if p[2][:18] in {b.path for b in g}) for g in by_grid.values()]
                if min(held) >= 3:
                    split, parts = list(by_grid.values()), len(by_grid)
            for part in range(parts):
                part_blds = split[part]
                suffix = "" if parts == 1 else ["第一", "第二", "第三", "第四", "第五"][min(part, 4)]
                # A compound split into several branches is split along its grids where it can be: 网格党支部,
                # named after the grid of the part's first building (grids follow buildings).
                grid = part_blds[0].grid if parts > 1 and part_blds and part_blds[0].grid_id else None
                branch_type = BranchType.GRID if grid is not None else BranchType.COMPOUND
                name = f"{compound.name}{grid.name}党支部" if grid is not None else f"{compound.name}{suffix}党支部"
                if any(b.name == name for b in branches_by_comm[ci]):
                    name = f"{compound.name}{suffix}党支部"  # two parts in one grid: numbered instead
                b_years = conf.term_years(PartyOrgKind.BRANCH, branch_type)
                b_start = today - dt.timedelta(days=rng.randint(100, b_years * 365 - 30))
                if ci == 1 and compound is compounds[0]:
                    b_start = _years_before(today, b_years) - dt.timedelta(days=20)  # term already over
                branch = PartyOrg(
                    kind=PartyOrgKind.BRANCH,
                    branch_type=branch_type,
                    name=name,
                    parent=committee,
                    place=compound,
                    scope_path=compound.path,
                    term_start=b_start,
                    term_end=add_years(b_start, b_years),
                )
                branch.save()
                counts["orgs"] += 1
                covered_rows.append((branch, compound))
                branches_by_comm[ci].append(branch)
                bld_paths = {b.path for b in part_blds}
                mine = [p for p in residents_here if p[2][:18] in bld_paths] if parts > 1 else residents_here
                # Groups: one per few buildings.
                group_of_building = {}
                for gi in range(0, len(part_blds), BUILDINGS_PER_GROUP):
                    gb = part_blds[gi : gi + BUILDINGS_PER_GROUP]
                    group = PartyOrg(
                        kind=PartyOrgKind.GROUP,
                        name=f"{compound.name}{gb[0].name}{'-' + gb[-1].name if len(gb) > 1 else ''}党小组",
                        parent=branch,
                        place=compound,
                        scope_path=compound.path,
                    )
                    group.save()
                    groups_all.append(group)
                    counts["orgs"] += 1
                    for b in gb:
                        covered_rows.append((group, b))
                        group_of_building[b.path] = group
                for pk, status, path, birth in mine:
                    taken_residents.add(pk)
                    all_members.append(
                        _member(
                            rng, today, branch, group_of_building.get(path_at(path, BUILDING)), pk, status, path, birth
                        )
                    )
                    member_meta.append((all_members[-1], path_at(path, BUILDING)))

        if property_co is not None:
            co = property_co
            p_years = conf.term_years(PartyOrgKind.BRANCH, BranchType.PROPERTY)
            b_start = today - dt.timedelta(days=rng.randint(100, p_years * 365 - 30))
            prop = PartyOrg(
                kind=PartyOrgKind.BRANCH,
                branch_type=BranchType.PROPERTY,
                name=f"{co.short_name or co.name}{community.name}党支部",
                parent=committee,
                place=community,
                scope_path=community.path,
                organisation=co,
                term_start=b_start,
                term_end=add_years(b_start, p_years),
            )
            prop.save()
            counts["orgs"] += 1
            branches_by_comm[ci].append(prop)
            for pk, _status, path, birth in reserved:
                taken_residents.add(pk)
                all_members.append(_member(rng, today, prop, None, pk, "cpc_member", path, birth))
                member_meta.append((all_members[-1], path_at(path, BUILDING)))
        counts["spare"] += len(spare)

    PartyMember.objects.bulk_create(all_members, batch_size=1000)
    counts["members"] = len(all_members)
    counts["probationary"] = sum(1 for m in all_members if m.status == MemberStatus.PROBATIONARY)
    through = PartyOrg.covered_places.through
    through.objects.bulk_create([through(partyorg_id=o.pk, place_id=p.pk) for o, p in covered_rows], batch_size=1000)

    # -- committees ------------------------------------------------------------------------------------------------
    by_org = defaultdict(list)
    for m in all_members:
        by_org[m.org_id].append(m)
    seats = []
    big_seen = 0
    positions = [
        SeatPosition.SECRETARY,
        SeatPosition.DEPUTY,
        SeatPosition.ORGANISATION,
        SeatPosition.PROPAGANDA,
        SeatPosition.DISCIPLINE,
    ]
    for ci, branches in sorted(branches_by_comm.items()):
        for branch in branches:
            full = [m for m in by_org[branch.pk] if m.status == MemberStatus.FULL]
            if not full:
                continue
            if len(full) >= 7:
                big_seen += 1
                # The second big branch has only a secretary: flagged as needing a committee.
                size = 1 if big_seen == 2 else rng.choice((3, 5, 5)) if len(full) >= 9 else 3
            else:
                size = 1
            for member, position in zip(rng.sample(full, min(size, len(full))), positions, strict=False):
                seats.append(
                    CommitteeSeat(
                        org=branch,
                        member=member,
                        position=position,
                        term_start=branch.term_start,
                        term_end=branch.term_end,
                        scope_path=branch.scope_path,
                    )
                )
        # The community committee: the secretaries of its first branches plus one more.
        committee = community_orgs[ci]
        pool = [m for b in branches for m in by_org[b.pk] if m.status == MemberStatus.FULL]
        for member, position in zip(rng.sample(pool, min(5, len(pool))), positions, strict=False):
            seats.append(
                CommitteeSeat(
                    org=committee,
                    member=member,
                    position=position,
                    term_start=committee.term_start,
                    term_end=committee.term_end,
                    scope_path=committee.scope_path,
                )
            )
    # A seat may not repeat a member in one organisation (the constraint); the samples above never do.
    CommitteeSeat.objects.bulk_create(seats, batch_size=1000)
    counts["seats"] = len(seats)

    # -- 党员中心户: one per group, a member whose household lives in the group's buildings ---------------------
    resident_household = dict(
        HouseholdMember.objects.filter(
            resident_id__in=[m.resident_id for m in all_members], until__isnull=True
        ).values_list("resident_id", "household_id")
    )
    building_by_path = {b.path: b for b in Place.objects.filter(level=5, path__in={p for _m, p in member_meta})}
    centers, used_households = [], set()
    for group in groups_all:
        options = [
            (m, p)
            for m, p in member_meta
            if m.group_id == group.pk
            and m.resident_id in resident_household
            and resident_household[m.resident_id] not in used_households
        ]
        if not options or rng.random() < 0.3:
            continue
        m, path = rng.choice(options)
        household = resident_household[m.resident_id]
        used_households.add(household)
        building = building_by_path.get(path)
        if building is None:
            continue
        centers.append(
            CenterHousehold(
                member=m,
                household_id=household,
                building=building,
                scope_path=m.scope_path,
                since=today - dt.timedelta(days=rng.randint(30, 900)),
                duties="联系本楼栋住户，收集社情民意",
            )
        )
    CenterHousehold.objects.bulk_create(centers, batch_size=1000)
    counts["centers"] = len(centers)

    # -- 双报到 --------------------------------------------------------------------------------------------------------
    employers = list(ctx.organisations.get("departments", [])) + [
        o for o in ctx.organisations.get("registry", []) if o.kind in ("enterprise", "stationed", "social")
    ]
    if not employers:
        employers = list(ctx.organisations.get("departments", []))
    stale_cut = today - dt.timedelta(days=200)
    inservice, posts, regs = [], [], []
    for community in ctx.communities:
        pool = list(
            Resident.objects.filter(
                subtree_q_path(community.path),
                is_active=True,
                home__isnull=False,
                political_status="cpc_member",
                birth_date__lte=_years_before(today, 24),
                birth_date__gte=_years_before(today, 58),
            )
            .exclude(pk__in=taken_residents)
            .values_list("pk", "scope_path")[:400]
        )
        rng.shuffle(pool)
        n = min(len(pool), max(4, len(pool) // 2))
        comm_employers = rng.sample(employers, min(len(employers), 6)) if employers else []
        if not comm_employers:
            continue
        for pk, _path in pool[:n]:
            employer = rng.choice(comm_employers)
            if rng.random() < 0.2:
                reported = stale_cut - dt.timedelta(days=rng.randint(1, 300))  # stale: more than 6 months ago
            else:
                reported = today - dt.timedelta(days=rng.randint(0, 170))
            first = reported - dt.timedelta(days=rng.randint(0, 700))
            inservice.append(
                InServiceMember(
                    resident_id=pk,
                    employer=employer,
                    employer_party_org=f"{employer.short_name or employer.name}党支部",
                    community=community,
                    skills="、".join(rng.sample(SKILLS, 2)),
                    service_intention=rng.choice(INTENTIONS),
                    reported_on=reported,
                    first_reported_on=first,
                    scope_path=community.path,
                )
            )
        for employer in comm_employers:
            regs.append(
                EmployerRegistration(
                    organisation=employer,
                    community=community,
                    party_org_name=f"{employer.short_name or employer.name}党组织",
                    registered_on=today - dt.timedelta(days=rng.randint(30, 800)),
                    contact_name=employer.contact_name or "联络员",
                    commitments=COMMITMENTS,
                    scope_path=community.path,
                )
            )
        for title, description in rng.sample(POSTS, 5):
            posts.append(
                ServicePost(
                    community=community,
                    title=title,
                    description=description,
                    slots=rng.randint(2, 5),
                    scope_path=community.path,
                )
            )
    InServiceMember.objects.bulk_create(inservice, batch_size=1000)
    EmployerRegistration.objects.bulk_create(regs, batch_size=1000)
    ServicePost.objects.bulk_create(posts, batch_size=1000)
    counts["inservice"] = len(inservice)
    counts["stale"] = sum(1 for m in inservice if m.reported_on < today - dt.timedelta(days=183))

    posts_by_comm = defaultdict(list)
    for p in posts:
        posts_by_comm[p.community_id].append(p)
    claims, records = [], []
    free = {p.pk: p.slots for p in posts}
    year_ago = today - dt.timedelta(days=365)
    for m in inservice:
        claimed = None
        options = [p for p in posts_by_comm[m.community_id] if free[p.pk] > 0]
        if options and rng.random() < 0.6:
            claimed = rng.choice(options)
            free[claimed.pk] -= 1
            claims.append(
                PostClaim(
                    post=claimed, member=m, claimed_on=max(m.first_reported_on, year_ago), scope_path=m.scope_path
                )
            )
        active_until = (
            m.reported_on + dt.timedelta(days=120) if m.reported_on < today - dt.timedelta(days=183) else today
        )
        for _i in range(rng.randint(0, 9)):
            start = max(year_ago, m.first_reported_on)
            end = min(today, active_until)
            if end <= start:
                break
            day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
            use_post = claimed is not None and rng.random() < 0.5
            records.append(
                ServiceRecord(
                    member=m,
                    date=day,
                    content=claimed.title if use_post else rng.choice(SERVICE_CONTENT),
                    hours=Decimal(rng.choice(("1", "1.5", "2", "2", "3", "4"))),
                    post=claimed if use_post else None,
                    source="认领岗位" if use_post else "社区活动",
                    scope_path=m.scope_path,
                )
            )
    PostClaim.objects.bulk_create(claims, batch_size=1000)
    ServiceRecord.objects.bulk_create(records, batch_size=2000)
    counts["claims"], counts["records"] = len(claims), len(records)
    counts["hours"] = sum((r.hours for r in records), Decimal("0"))

    linked = _link_demo_resident(ctx)

    audit.record(
        actor=ctx.admin,
        action="seed",
        object_type="party.partyorg",
        object_id="",
        object_repr="party demo",
        scope_path=ctx.district.path,
        note=", ".join(f"{k}={v}" for k, v in sorted(counts.items())),
    )
    lines = [
        f"party: {counts['orgs']} organisations, {counts['members']} members ({counts['probationary']} probationary), "
        f"{counts['seats']} committee seats, {counts['centers']} centre households",
        f"party 双报到: {counts['inservice']} in-service members ({counts['stale']} not reported for 6 months), "
        f"{len(regs)} employer registrations, {len(posts)} posts, {counts['claims']} claims, "
        f"{counts['records']} service records ({counts['hours']} h)",
    ]
    if linked:
        lines.append(f"party: demo user 'resident' linked to resident record #{linked}")
    return lines


def subtree_q_path(path: str, field: str = "scope_path") -> Q:
    from linli.core.paths import subtree_q

    return subtree_q(field, path)


def _member(rng, today, org, group, resident_id, status, path, birth) -> PartyMember:
    earliest = add_years(birth, 19) if birth else today - dt.timedelta(days=30 * 365)
    latest = today - dt.timedelta(days=400)
    probationary = status == "cpc_probationary" or rng.random() < 0.03
    if probationary:
        joined = today - dt.timedelta(days=rng.randint(30, 330))
    elif latest <= earliest:
        joined = latest
    else:
        joined = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    dues = month_end if rng.random() > 0.12 else (month_end.replace(day=1) - dt.timedelta(days=rng.randint(40, 200)))
    return PartyMember(
        resident_id=resident_id,
        org=org,
        group=group,
        status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
        joined_on=joined,
        full_on=None if probationary else joined + dt.timedelta(days=365),
        registered_on=max(joined, today - dt.timedelta(days=rng.randint(30, 3000))),
        dues_paid_until=dues,
        scope_path=path,
    )


def _link_demo_resident(ctx) -> int | None:
    """Link the demo 'resident' login to a resident of their house, unless someone already did."""
    from linli.accounts.models import RoleBinding
    from linli.registry.models import Resident

    user = ctx.users.get("resident")
    if user is None or Resident.objects.filter(account=user).exists():
        return None
    binding = (
        RoleBinding.objects.filter(user=user, role="resident", place__isnull=False).select_related("place").first()
    )
    if binding is None:
        return None
    resident = (
        Resident.objects.filter(home=binding.place, is_active=True, account__isnull=True)
        .order_by("birth_date", "pk")
        .first()
    )
    if resident is None:
        return None
    before = audit.snapshot(resident)
    Resident.objects.filter(pk=resident.pk).update(account=user)
    resident.account = user
    audit.record(
        actor=ctx.admin,
        action="update",
        obj=resident,
        before=before,
        after=audit.snapshot(resident),
        note="seed_demo: link the demo resident login",
    )
    return resident.pk
