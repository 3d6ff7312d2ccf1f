"""Demo campaign: the first street's "4+8+N" rectification of property problems, running since last month over
every compound of the street, with 飞线充电 / 消防栓无水 / 不文明养犬 checklists and the first compound a key compound
(包保) led by the demo street officer; inspections in the first compounds with findings, most turned into work
orders, some of those archived (the findings rectified). Written through the services. ``--small``: two
compounds."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation

from linli.workorders import services as wo

from . import services
from .models import Finding, Targeting

THEMES = (
    ("飞线充电", "flying-wire", ("楼道无电动车停放", "无私拉电线充电", "集中充电桩可用")),
    ("消防栓无水", "fire-safety", ("消防栓有水压", "消防箱门完好", "消防通道畅通")),
    ("不文明养犬", "dogs", ("犬只牵绳", "无犬只粪便", "公示养犬文明公约")),
)
NOTES = ("3栋楼道停放电动车4辆", "2单元窗口飞线充电", "东门消防栓打开无水", "消防通道被私家车占用", "草坪多处犬只粪便")


def archive(ctx, case):
    """The closed loop of a demo case: dispatched to the first department, handled, evaluated, archived."""
    admin, dept = ctx.admin, ctx.organisations["departments"][0]
    handler = ctx.users.get("dept", admin)
    wo.case_dispatch(actor=admin, case=case, lead_org=dept)
    wo.case_sign(actor=handler, case=case)
    wo.case_start(actor=handler, case=case)
    wo.case_complete(actor=handler, case=case, reply="已现场整改，拍照留存。")
    wo.case_evaluate(actor=admin, case=case, verdict="satisfied")
    wo.case_archive(actor=admin, case=case)


def seed(ctx) -> list[str]:
    """In the deployment's language whatever is active (the work orders' notifications are written as text)."""
    with translation.override(settings.LANGUAGE_CODE):
        return seed_campaign(ctx)


def seed_campaign(ctx) -> list[str]:
    from linli.workorders.models import Category

    actor, today = ctx.admin, ctx.today
    street = ctx.streets[0]
    start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    campaign = services.campaign_create(
        actor=actor,
        owner=street,
        title=f"{street.name}“4+8+N”物业领域专项整治",
        description="聚焦飞线充电、消防栓无水、不文明养犬等群众反映强烈的问题，逐小区排查、建立台账、限期整改。",
        starts_on=start,
        ends_on=start + dt.timedelta(days=120),
        targeting=Targeting.ALL,
    )
    themes = []
    for name, code, items in THEMES:
        category = Category.objects.filter(code=code, is_active=True).first()
        themes.append(services.theme_add(actor=actor, campaign=campaign, name=name, items=items, category=category))
    compounds = [c for row in ctx.compounds for c in row if c.path.startswith(street.path)]
    leader = ctx.users.get("street", actor)
    services.key_target_set(actor=actor, campaign=campaign, compound=compounds[0], leader=leader)
    campaign = services.campaign_start(actor=actor, campaign=campaign)
    n_inspections, notes = 0, iter(NOTES * 10)
    for k, compound in enumerate(compounds[: 2 if ctx.small else 4]):
        for t, theme in enumerate(themes):
            items = list(theme.items.all())
            fail = (k + t) % 3  # 0, 1 or 2 failed checks
            results = {i.pk: n >= fail for n, i in enumerate(items)}
            services.inspection_record(
                actor=actor,
                campaign=campaign,
                compound=compound,
                theme=theme,
                results=results,
                notes={i.pk: next(notes) for n, i in enumerate(items) if n < fail},
            )
            n_inspections += 1
    findings = list(Finding.objects.filter(campaign=campaign).order_by("pk"))
    cases = [services.finding_to_case(actor=actor, finding=f) for f in findings[: max(1, len(findings) - 1)]]
    for case in cases[::2]:
        archive(ctx, case)
    rectified = Finding.objects.filter(campaign=campaign, rectified_on__isnull=False).count()
    return [
        f"campaigns: 1 running campaign, {n_inspections} inspections, {len(findings)} findings, "
        f"{len(cases)} work orders, {rectified} rectified"
    ]
