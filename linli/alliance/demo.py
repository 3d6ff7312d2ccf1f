"""Demo alliances: one per community, written through the services (small volume)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from linli.core.paths import STREET, path_at
from linli.orgs.models import Organisation, OrgKind

from . import services
from .models import ItemStatus, ProjectStatus

TOPICS = [
    "共驻共建项目对接会",
    "老旧小区改造需求协调会",
    "联盟季度联席会议",
    "为民办实事项目推进会",
    "年度共建承诺践诺情况通报会",
    "文明城市创建联席会",
]
COMMITMENTS = [
    "每季度组织党员到社区开展志愿服务不少于1次",
    "认领困难群众微心愿不少于5个",
    "开放单位停车场、会议室等资源供居民使用",
    "结对帮扶困难家庭2户",
    "参与社区环境整治行动",
    "为社区老年人提供义诊服务",
]
PROBLEMS = [
    ("小区路灯损坏", "3栋至5栋之间路灯长期不亮，居民夜间出行不便。"),
    ("楼道堆放杂物", "多个楼道堆放杂物，存在消防隐患。"),
    ("停车位紧张", "晚间车辆乱停乱放，堵塞消防通道。"),
    ("雨污管网堵塞", "雨天小区主干道积水严重。"),
    ("健身器材老化", "小区广场健身器材破损，存在安全隐患。"),
]
WISHES = [
    "为独居老人更换老旧热水器",
    "为留守儿童购买学习用品",
    "为残疾居民安装扶手",
    "为困难家庭送冬被",
    "为社区书屋添置图书",
]
ACTIVITIES = ["社区环境清洁日", "关爱老人义诊活动", "垃圾分类宣传", "文明交通劝导", "邻里节便民服务"]


def seed(ctx) -> list[str]:
    actor, rng, today = ctx.admin, ctx.rng, ctx.today
    communities = ctx.communities[:3] if ctx.small else ctx.communities
    registry_orgs = list(ctx.organisations.get("registry", []))
    departments = list(ctx.organisations.get("departments", []))
    counts = dict.fromkeys(("alliances", "members", "meetings", "problems", "cases", "entries", "partners"), 0)
    last_year = today.year - 1
    for community in communities:
        alliance = services.alliance_create(
            actor=actor,
            community=community,
            founded_on=dt.date(last_year, 3, 1),
            description="以社区党组织为核心，驻区单位、非公企业和社会组织共同参与。",
        )
        counts["alliances"] += 1
        local = [o for o in registry_orgs if o.scope_path.startswith(community.path) and o.is_active]
        street_orgs = [o for o in registry_orgs if o.scope_path == path_at(community.path, STREET) and o.is_active]
        pool = local[:5] + street_orgs[:2] + departments[:1]
        members = []
        for org in dict.fromkeys(pool):
            members.append(
                services.member_add(
                    actor=actor,
                    alliance=alliance,
                    organisation=org,
                    lead_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice("明华军芳"),
                    lead_title="党组织书记",
                    joined_on=dt.date(last_year, 3, 1),
                )
            )
        counts["members"] += len(members)
        if not members:
            continue
        # Quarterly joint meetings: last year complete, this year up to the current quarter (one missing).
        for year in (last_year, today.year):
            for q in range(1, 5):
                held = dt.date(year, 3 * q - 1, 15)
                if held >= today or (year == today.year and q == 2):
                    continue
                services.meeting_record(
                    actor=actor,
                    alliance=alliance,
                    held_on=held,
                    topic=rng.choice(TOPICS),
                    attendees=rng.sample(members, k=max(1, len(members) - 1)),
                    minutes="会议通报了上季度共建项目进展，研究确定下季度重点任务。",
                )
                counts["meetings"] += 1
        for year in (last_year, today.year):
            for m in members:
                c = services.commitment_create(
                    actor=actor, member=m, year=year, items=rng.sample(COMMITMENTS, k=3), signed_on=dt.date(year, 3, 5)
                )
                for item in c.items.all():
                    if year == last_year or rng.random() < 0.4:
                        done = rng.random() < 0.85
                        services.commitment_item_update(
                            actor=actor,
                            item=item,
                            status=ItemStatus.FULFILLED if done else ItemStatus.UNFULFILLED,
                            evidence="活动记录及照片已存档" if done else "",
                            fulfilled_on=min(today, dt.date(year, 11, 20)) if done else None,
                        )
        for title in rng.sample(WISHES, k=3):
            claim = services.wish_claim_record(
                actor=actor,
                member=rng.choice(members),
                title=title,
                claimed_on=today - dt.timedelta(days=rng.randint(30, 200)),
            )
            if rng.random() < 0.7:
                services.wish_claim_fulfil(
                    actor=actor, claim=claim, fulfilled_on=min(today, claim.claimed_on + dt.timedelta(days=14))
                )
        for title in rng.sample(ACTIVITIES, k=3):
            services.activity_record(
                actor=actor,
                alliance=alliance,
                title=title,
                held_on=today - dt.timedelta(days=rng.randint(10, 300)),
                members=rng.sample(members, k=min(2, len(members))),
                participants=rng.randint(8, 40),
                hours=Decimal(rng.randint(16, 120)),
            )
        for i, (title, text) in enumerate(rng.sample(PROBLEMS, k=3)):
            p = services.problem_create(
                actor=actor,
                alliance=alliance,
                title=title,
                description=text,
                raised_by=rng.choice(members),
                found_on=today - dt.timedelta(days=rng.randint(20, 120)),
            )
            counts["problems"] += 1
            if i == 0:
                services.problem_solve(
                    actor=actor,
                    problem=p,
                    solution="由共建单位出资、社区组织施工，已整改完毕。",
                    solved_on=today - dt.timedelta(days=5),
                )
            elif i == 1 and services.workorders_available():
                services.problem_to_case(actor=actor, problem=p)
                counts["cases"] += 1
        raised = Decimal(rng.randint(20, 60) * 1000)
        services.fund_entry_add(
            actor=actor,
            alliance=alliance,
            kind="raised",
            amount=raised,
            reason="年度共建资金",
            member=members[0],
            entry_date=dt.date(last_year, 4, 1),
        )
        services.fund_entry_add(
            actor=actor,
            alliance=alliance,
            kind="spent",
            amount=(raised * Decimal("0.4")).quantize(Decimal("0.01")),
            reason="健身器材更换",
            entry_date=dt.date(last_year, 9, 1),
        )
        services.fund_entry_add(
            actor=actor,
            alliance=alliance,
            kind="spent",
            amount=Decimal("3600.00"),
            reason="微心愿物资采购",
            entry_date=dt.date(last_year, 12, 1),
        )
        counts["entries"] += 3
        enterprises = [o for o in local + street_orgs if o.kind == OrgKind.ENTERPRISE][:2]
        if not enterprises:
            enterprises = list(Organisation.objects.filter(kind=OrgKind.ENTERPRISE, is_active=True).order_by("pk")[:1])
        for org in enterprises:
            partner = services.partner_add(
                actor=actor,
                alliance=alliance,
                organisation=org,
                joined_on=dt.date(last_year, 5, 1),
                contact_name="刘经理",
            )
            counts["partners"] += 1
            services.project_add(
                actor=actor,
                partner=partner,
                title="红色物业便民服务点",
                status=ProjectStatus.COMPLETED,
                started_on=dt.date(last_year, 6, 1),
                finished_on=dt.date(last_year, 10, 1),
            )
            services.project_add(
                actor=actor,
                partner=partner,
                title="社区老年助餐点共建",
                status=ProjectStatus.IN_PROGRESS,
                started_on=dt.date(today.year, 3, 1),
            )
    return [
        f"alliance: {counts['alliances']} alliances, {counts['members']} member organisations, "
        f"{counts['meetings']} joint meetings, {counts['problems']} problems ({counts['cases']} work orders), "
        f"{counts['entries']} fund entries, {counts['partners']} red-collar partners"
    ]
