"""Demo data for visits: care-group members on the grid worker's list (some overdue), a must-visit event,
pairings with in-service members and departments, visit logs with needs, errands."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from linli.registry.care_tags import ensure_care_tags
from linli.registry.models import CareTag, HouseholdMember, Resident, ResidentTag
from linli.registry.services import tag_assign

from . import services
from .models import EventKind, PartnerKind, VisitRule


def years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _grid_prefixes(user) -> list[str]:
    prefixes = []
    for b in user.active_bindings():
        if b.grid_id:
            prefixes += [x.path for x in b.grid.buildings.all()]
    return prefixes


def seed(ctx) -> list[str]:
    ensure_care_tags(ctx.admin)
    today = ctx.today
    # the community adopted the care-group rules six weeks ago: whoever was never visited is a fortnight
    # overdue, not overdue since the day they turned 60
    VisitRule.objects.exclude(tag_code="").update(starts_on=today - dt.timedelta(days=45))
    grid_user = ctx.users.get("gridworker")
    staff = ctx.users.get("secretary") or ctx.admin
    prefixes = _grid_prefixes(grid_user) if grid_user else []
    # The grid's 独居老人 (the registry seeded them: aged 60+, living alone), topped up with other
    # residents of 60+ in one-person households; then one more elderly resident for the must-visit event.
    alone = CareTag.objects.get(code="elderly_alone")
    in_grid = Q()
    for p in prefixes:
        in_grid |= Q(scope_path__startswith=p)
    elderly = (
        Resident.objects.filter(in_grid, is_active=True, account__isnull=True, birth_date__lte=years_ago(today, 60))
        if prefixes
        else Resident.objects.none()
    )
    people = list(elderly.filter(tags__tag=alone, tags__until__isnull=True).distinct().order_by("id")[:8])
    if len(people) < 8:
        single = (
            HouseholdMember.objects.filter(until__isnull=True)
            .values("household_id")
            .annotate(n=Count("id"))
            .filter(n=1)
            .values("household_id")
        )
        people += list(
            elderly.filter(memberships__household_id__in=single, memberships__until__isnull=True)
            .exclude(pk__in=[r.pk for r in people])
            .order_by("birth_date", "id")[: 8 - len(people)]
        )
    others = list(elderly.exclude(pk__in=[r.pk for r in people]).order_by("birth_date", "id")[:1])
    tagged = visits = events = 0
    for i, r in enumerate(people[:8]):
        if not ResidentTag.objects.filter(resident=r, tag=alone, until__isnull=True).exists():
            tag_assign(actor=ctx.admin, resident=r, tag=alone, since=today - dt.timedelta(days=200))
            tagged += 1
        if i % 2 == 0:  # half visited recently; the other half overdue on the grid worker's list
            services.visit_log(
                actor=grid_user,
                resident=r,
                visited_on=today - dt.timedelta(days=5 + i),
                purpose="独居老人例行走访",
                findings="身体状况良好，精神不错。",
                needs=["冬季需要一床厚棉被"] if i == 0 else [],
            )
            visits += 1
        elif i == 3:
            services.visit_log(
                actor=grid_user,
                resident=r,
                visited_on=today - dt.timedelta(days=45),
                purpose="独居老人例行走访",
                findings="行动不便，需定期上门。",
            )
            visits += 1
    if others:
        services.care_event_record(
            actor=grid_user,
            resident=others[0],
            kind=EventKind.HOSPITALISED,
            occurred_on=today - dt.timedelta(days=5),
            note="因肺炎住院",
        )
        events += 1
    # pairings: in-service party members or a department with households in need
    community = ctx.communities[0]
    members = list(
        Resident.objects.filter(
            political_status="cpc_member", is_active=True, scope_path__startswith=community.path
        ).order_by("id")[:3]
    )
    needy = list(
        Resident.objects.filter(is_active=True, scope_path__startswith=community.path)
        .exclude(pk__in=[m.pk for m in members])
        .order_by("birth_date", "id")[:5]
    )
    pairings = 0
    dept = (ctx.organisations.get("departments") or [None])[0]
    for i, r in enumerate(needy):
        if i < len(members):
            pairing = services.pairing_create(
                actor=staff,
                resident=r,
                partner_kind=PartnerKind.IN_SERVICE,
                partner_resident=members[i],
                since=today - dt.timedelta(days=90),
                note="“幸福进门”结对：每月上门一次",
            )
        elif dept is not None:
            pairing = services.pairing_create(
                actor=staff,
                resident=r,
                partner_kind=PartnerKind.ORGANISATION,
                partner_org=dept,
                since=today - dt.timedelta(days=60),
                note="单位结对帮扶",
            )
        else:
            continue
        pairings += 1
        visit = services.visit_log(
            actor=staff,
            resident=r,
            pairing=pairing,
            kind="pairing",
            visited_on=today - dt.timedelta(days=10 + i),
            purpose="结对帮扶上门",
            findings="了解近期生活情况。",
            needs=["家中水龙头漏水", "想学用智能手机"] if i == 0 else ["需要助餐服务"],
        )
        visits += 1
        if i == 0:
            services.need_to_wish(actor=staff, need=visit.needs.order_by("id").last())
    errands = 0
    for i, r in enumerate(needy[:3]):
        services.errand_record(
            actor=staff,
            resident=r,
            matter=["代办高龄津贴申请", "代缴水电费", "代办医保报销"][i],
            handled_on=today - dt.timedelta(days=3 * i + 1),
            outcome=["done", "done", "in_progress"][i],
        )
        errands += 1
    return [
        f"visits: {min(len(people), 8)} 独居老人 on the grid worker's list ({tagged} newly tagged), "
        f"{visits} visits, {events} must-visit events, {pairings} pairings, {errands} errands"
    ]
