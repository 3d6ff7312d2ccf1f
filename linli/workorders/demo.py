"""Demo work orders for ``make demo``: categories wired to departments, task forces, and cases in every state.

Cases go through the real services (so the timeline, assignments, audit and notifications are what the platform
would have written), then the steps after the dispatch are spread over plausible hours (a handler signs within
the day, takes hours or days to complete, the resident answers the next day), and each case's clock is shifted back
by a few days to a few weeks, so queues show overdue, due-soon and old cases and the statistics — the mean handling
time among them — have a period and real durations to cover.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from linli.areas.models import Level, Place
from linli.core import audit
from linli.core.paths import COMPOUND, path_at
from linli.core.registry import DemoContext
from linli.orgs.models import Organisation, OrgKind

from . import services as wo
from .models import Case, CaseEvent, Category, TaskForce, TaskForceKind

HANDLERS = {  # category code → department short name
    "illegal-building": "城管局",
    "sanitation": "城管局",
    "sanitation-garbage": "城管局",
    "municipal": "城管局",
    "municipal-road": "城管局",
    "municipal-light": "城管局",
    "municipal-drain": "住建局",
    "dogs": "城管局",
    "noise": "城管局",
    "property": "住建局",
    "property-service": "住建局",
    "property-repair": "住建局",
    "elevator": "市场监管局",
    "parking": "交警大队",
    "fire-safety": "应急管理局",
    "fire-passage": "应急管理局",
    "flying-wire": "应急管理局",
    "policy": "民政局",
}

STORIES = [
    ("illegal-building", "complaint", "楼顶违章搭建彩钢棚", "有住户在楼顶搭建彩钢棚，存在安全隐患，请尽快处理。"),
    ("flying-wire", "report", "楼道飞线给电动车充电", "一楼楼道有人从窗户拉线给电动车充电，晚上一直在充。"),
    ("elevator", "help", "电梯经常停运", "3单元电梯本周停了三次，老人上下楼很困难。"),
    ("sanitation-garbage", "complaint", "垃圾桶满溢无人清运", "小区北门垃圾桶已经满了两天，气味很大。"),
    ("municipal-light", "help", "路灯不亮", "小区门口道路两盏路灯不亮，晚上出行不安全。"),
    ("parking", "complaint", "消防通道被私家车占用", "每天晚上都有车停在消防通道上。"),
    ("noise", "complaint", "夜间装修噪音扰民", "晚上十点后还在电钻施工，影响休息。"),
    ("dogs", "complaint", "遛狗不牵绳", "傍晚小区广场有人遛大型犬不牵绳，孩子很害怕。"),
    ("property-repair", "help", "单元门禁损坏", "2单元门禁坏了一周，陌生人随意进出。"),
    ("municipal-drain", "help", "雨后路面积水", "下雨后小区主路积水没过脚踝。"),
    ("policy", "consult", "咨询高龄津贴申请", "父亲今年满80岁，想咨询高龄津贴怎么申请。"),
    ("neighbour-dispute", "help", "楼上漏水协调", "楼上卫生间漏水到我家，沟通未果，请社区协调。"),
    ("property-service", "suggestion", "建议增设充电桩", "建议在小区增设电动车集中充电桩，减少飞线充电。"),
    ("fire-passage", "report", "楼道堆放杂物", "5楼楼道堆满纸箱，堵塞疏散通道。"),
]

# Where each case ends up (weights): the loop is walked by the services up to that point.
OUTCOMES = [
    ("accepted", 2),
    ("whistled", 1),
    ("dispatched", 2),
    ("signed", 2),
    ("handling", 3),
    ("completed", 2),
    ("evaluated", 3),
    ("archived", 5),
    ("reopened", 1),
    ("cancelled", 1),
]


def _departments(ctx: DemoContext) -> dict[str, Organisation]:
    return {o.short_name: o for o in ctx.organisations["departments"]}


def _wire_categories(ctx: DemoContext) -> None:
    depts = _departments(ctx)
    for code, short in HANDLERS.items():
        Category.objects.filter(code=code).update(default_handler=depts.get(short))


def _task_forces(ctx: DemoContext) -> list[TaskForce]:
    depts = _departments(ctx)
    stationed = [o for o in ctx.organisations["registry"] if o.kind == OrgKind.STATIONED] or ctx.organisations[
        "registry"
    ]
    made = []
    for i, compound in enumerate([ctx.compounds[0][0], ctx.compounds[min(1, len(ctx.compounds) - 1)][0]]):
        tf = TaskForce.objects.create(
            kind=TaskForceKind.COMPOUND,
            name=f"{compound.name}“1+5+N”专班",
            place=compound,
            scope_path=compound.path,
            lead=stationed[i % len(stationed)],
            people="业委会主任\n楼栋长代表\n志愿者服务队",
        )
        tf.members.set([depts[s] for s in ("住建局", "城管局", "交警大队") if s in depts])
        made.append(tf)
    road = TaskForce.objects.create(
        kind=TaskForceKind.ROAD,
        name="雨山路“1+3”专班",
        place=ctx.communities[0],
        scope_path=ctx.communities[0].path,
        road="雨山路",
        lead=depts["城管局"],
    )
    road.members.set([depts[s] for s in ("交警大队", "住建局") if s in depts])
    made.append(road)
    for tf in made:
        audit.record(actor=ctx.admin, action="create", obj=tf, after=audit.snapshot(tf), note="seed_demo")
    return made


def _actors(ctx: DemoContext, community_index: int) -> dict:
    admin = ctx.admin
    first = community_index == 0
    grid = ctx.users.get("gridworker") if first else None
    grid_buildings = []
    if grid is not None:
        grid_buildings = list(
            Place.objects.filter(grid__in=grid.role_bindings.values("grid"), level=Level.BUILDING).order_by("path")
        )
    return {
        "staff": ctx.users.get("secretary") if first else admin,
        "grid": grid or admin,
        "grid_buildings": grid_buildings,
        "dispatcher": ctx.users.get("dispatcher") or admin,
    }


def _handler_user(ctx: DemoContext, org: Organisation | None):
    if org is None:
        return None
    for name in ("dept", "dept2", "property"):
        user = ctx.users.get(name)
        if user and any(b.organisation_id == org.pk for b in user.role_bindings.all()):
            return user
    return ctx.admin


def seed(ctx: DemoContext) -> list[str]:
    rng = ctx.rng
    _wire_categories(ctx)
    forces = _task_forces(ctx)
    categories = {c.code: c for c in Category.objects.all()}
    property_of = {}
    for company in ctx.organisations["property"]:
        for compound in company.managed_compounds.all():
            property_of[compound.path] = company
    resident_user = ctx.users.get("resident")
    resident_home = (
        resident_user.role_bindings.filter(role="resident").select_related("place").first().place
        if resident_user
        else None
    )
    per_community = 5 if ctx.small else 14
    communities = ctx.communities[:3] if ctx.small else ctx.communities
    weights = [w for _o, w in OUTCOMES]
    made = 0
    for ci, community in enumerate(communities):
        actors = _actors(ctx, ci)
        buildings = list(Place.objects.under(community).filter(level=Level.BUILDING).order_by("path")[:60])
        for n in range(per_community):
            code, case_type, title, text = STORIES[(ci * 3 + n) % len(STORIES)]
            outcome = rng.choices([o for o, _w in OUTCOMES], weights=weights)[0]
            building = rng.choice(buildings)
            by_resident = ci == 0 and resident_home is not None and n % 3 == 0
            if by_resident:
                case = wo.case_create(
                    actor=resident_user,
                    category=categories[code],
                    title=title,
                    description=text,
                    place=resident_home,
                    case_type=case_type,
                    source="resident",
                    confidentiality="confidential" if n % 2 else "none",
                )
            else:
                source = rng.choice(["patrol", "counter", "hotline"])
                if source == "patrol" and actors["grid_buildings"]:
                    building = rng.choice(actors["grid_buildings"])  # a grid worker patrols their own grid
                case = wo.case_create(
                    actor=actors["grid"] if source == "patrol" else actors["staff"],
                    category=categories[code],
                    title=title,
                    description=text,
                    place=building,
                    case_type=case_type,
                    source=source,
                    reporter_name="" if source == "patrol" else rng.choice(["王女士", "李先生", "张阿姨", "陈师傅"]),
                    external_ref=f"12345-{2026_0000 + made}" if source == "hotline" else "",
                )
            made += 1
            _walk(ctx, case, outcome, actors, categories[code], property_of, forces, by_resident, resident_user)
            spread = _spread(case, rng)
            days = rng.randint(0, 3) if outcome in ("accepted", "whistled") else rng.randint(1, 45)
            _shift(case, max(days, spread.days + 1 if spread else 0))
    return [f"Work orders: {made} cases in every state, {len(forces)} task forces, categories wired to departments."]


def _walk(ctx, case, outcome, actors, category, property_of, forces, by_resident, resident_user):
    staff, dispatcher = actors["staff"], actors["dispatcher"]
    if outcome == "accepted":
        return
    if outcome == "cancelled":
        wo.case_cancel(actor=staff, case=case, reason="居民反映问题已自行解决")
        return
    compound_path = path_at(case.scope_path, COMPOUND)
    company = property_of.get(compound_path) if category.handled_by_property else None
    if company is not None:
        wo.case_dispatch(actor=staff, case=case, lead_org=company)
    elif category.default_handler_id:
        wo.case_whistle(actor=staff, case=case, note="超出社区职权，申请区指挥中心派单")
        if outcome == "whistled":
            return
        co = [o for o in ctx.organisations["departments"] if o.short_name == "住建局" and o != category.default_handler]
        force = forces[0] if case.scope_path.startswith(forces[0].scope_path) and ctx.rng.random() < 0.3 else None
        if force is not None:
            wo.case_dispatch(actor=dispatcher, case=case, task_force=force)
        else:
            wo.case_dispatch(actor=dispatcher, case=case, lead_org=category.default_handler, co_orgs=co[:1])
    else:
        wo.case_dispatch(actor=staff, case=case)  # the community handles it itself
    if outcome in ("whistled", "dispatched"):
        return
    handler = _handler_user(ctx, case.lead_org) or staff
    wo.case_sign(actor=handler, case=case)
    if outcome == "signed":
        return
    wo.case_start(actor=handler, case=case)
    if outcome == "handling":
        return
    wo.case_complete(actor=handler, case=case, reply="已到现场处理完毕，问题已解决。")
    if outcome == "completed":
        return
    judge = resident_user if by_resident else staff
    if outcome == "reopened":
        wo.case_evaluate(actor=judge, case=case, verdict="unsatisfied", reasons=["问题未解决"])
        wo.case_sign(actor=handler, case=case)
        wo.case_complete(actor=handler, case=case, reply="已再次处理并回访确认。")
    wo.case_evaluate(actor=judge, case=case, verdict=ctx.rng.choice(["satisfied", "satisfied", "basic"]))
    if outcome in ("archived", "reopened"):
        wo.case_archive(actor=dispatcher if case.level == "district" else staff, case=case)


# How long each step takes after the one before it (hours, low–high), once the case has been dispatched.
STEP_HOURS = {
    "sign": (1, 20),
    "co_sign": (1, 20),
    "start": (1, 6),
    "note": (1, 12),
    "complete": (4, 70),
    "evaluate": (6, 40),
    "reopen": (6, 40),
    "archive": (2, 30),
}


def _spread(case: Case, rng) -> dt.timedelta:
    """Move every step after the first dispatch later by a plausible delay (the walk took no time at all); the
    case's stamps follow their events, each round's deadlines follow its dispatch or reopening, and the late flags
    are read again. Returns how far the last step moved."""
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
    offset, moved, started = dt.timedelta(0), [], False
    last = {}
    round_offset = dt.timedelta(0)
    for event in events:
        if started and event.action in STEP_HOURS:
            low, high = STEP_HOURS[event.action]
            offset += dt.timedelta(minutes=rng.randint(low * 60, high * 60))
        if event.action == "dispatch":
            started = True
        if offset:
            event.at += offset
            moved.append(event)
        if event.action in ("dispatch", "reopen"):
            round_offset = offset
        last[event.action] = event.at
    if not offset:
        return offset
    CaseEvent.objects.bulk_update(moved, ["at"])
    case = Case.objects.get(pk=case.pk)
    changes = {}
    for stamp, action in (("signed_at", "sign"), ("completed_at", "complete"), ("evaluated_at", "evaluate")):
        if getattr(case, stamp) and action in last:
            changes[stamp] = last[action]
    if case.closed_at and "archive" in last:
        changes["closed_at"] = last["archive"]
    if case.dispatched_at and "reopen" in last:
        changes["dispatched_at"] = last["reopen"]
    for due in ("sign_due", "handle_due"):
        if getattr(case, due):
            changes[due] = getattr(case, due) + round_offset
    signed, sign_due = changes.get("signed_at", case.signed_at), changes.get("sign_due", case.sign_due)
    done, handle_due = changes.get("completed_at", case.completed_at), changes.get("handle_due", case.handle_due)
    changes["sign_overdue"] = bool(signed and sign_due and signed > sign_due)
    changes["handle_overdue"] = bool(done and handle_due and done > handle_due)
    Case.objects.filter(pk=case.pk).update(**changes)
    return offset


def _shift(case: Case, days: int) -> None:
    if not days:
        return
    delta = dt.timedelta(days=days)
    fields = [
        "created_at",
        "whistled_at",
        "dispatched_at",
        "sign_due",
        "signed_at",
        "handle_due",
        "completed_at",
        "evaluated_at",
        "closed_at",
    ]
    Case.objects.filter(pk=case.pk).update(**{f: F(f) - delta for f in fields})
    CaseEvent.objects.filter(case=case).update(at=F("at") - delta)
