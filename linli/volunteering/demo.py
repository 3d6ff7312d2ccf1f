"""Demo volunteering: teams per community, ~300 volunteers from adult residents, a season of activities (past ones
with check-ins and confirmed hours, upcoming ones with sign-ups and a waiting list), veterans near the first star,
star notices, and the demo "resident" login as a volunteer with hours.

Teams and upcoming activities go through the services; the bulk history (volunteers, sign-ups, service records) is
bulk-inserted with one summary audit row, as seed_demo does for people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from linli.core import audit
from linli.core.paths import subtree_q

from . import services
from .models import (
    Achievement,
    Activity,
    ActivityStatus,
    CheckMethod,
    DutyLog,
    ServiceRecord,
    SignUp,
    SignUpStatus,
    Skill,
    Team,
    TeamMember,
    Volunteer,
)

TEAMS = [
    ("水电维修志愿服务队", "repair", "repair"),
    ("医疗保健志愿服务队", "medical", "medical"),
    ("美容美发志愿服务队", "hair", "hair"),
    ("教育教学志愿服务队", "teaching", "teaching"),
    ("心理咨询志愿服务队", "counselling", "counselling"),
    ("环境保护志愿服务队", "environment", "environment"),
    ("文明劝导志愿服务队", "civility", "civility"),
    ("治安巡逻志愿服务队", "patrol", "patrol"),
    ("文明创建督查队", "inspection", "civility"),
]
ACTIVITIES = [
    ("小区环境清洁日", "清理楼道堆物、捡拾绿化带垃圾", "environment", 3, False),
    ("义诊进社区", "为居民测量血压血糖、提供健康咨询", "medical", 3, False),
    ("爱心义剪", "为社区高龄老人免费理发", "hair", 2, False),
    ("四点半课堂", "为双职工家庭子女辅导作业", "teaching", 2, False),
    ("家电义务维修", "为独居老人检修电器、更换水龙头", "repair", 3, True),
    ("文明交通劝导", "在路口劝导行人和非机动车文明出行", "civility", 2, True),
    ("夜间治安巡逻", "小区夜间巡逻，排查安全隐患", "patrol", 2, True),
    ("垃圾分类宣传", "在投放点指导居民垃圾分类", "environment", 2, False),
    ("心理健康讲座", "为居民讲解情绪管理知识", "counselling", 2, False),
    ("关爱空巢老人探访", "陪伴聊天、打扫卫生", "", 2, False),
]
FINDINGS = [
    "3号楼楼道堆放杂物",
    "小区东门非机动车乱停放",
    "绿化带内有生活垃圾",
    "宣传栏破损",
    "广场健身器材松动",
    "垃圾分类投放点混投",
]


def seed(ctx) -> list[str]:
    from linli.registry.models import Resident

    actor, rng, today = ctx.admin, ctx.rng, ctx.today
    now = timezone.now()
    communities = ctx.communities[:2] if ctx.small else ctx.communities[:6]
    if not communities:
        return []
    target = 80 if ctx.small else 300
    year = today.year

    # --- teams (through the services) ---------------------------------------------------------------------
    teams = {}
    for community in communities:
        for name, kind, _skill in TEAMS:
            teams[(community.pk, kind)] = services.team_create(
                actor=actor, community=community, name=name, kind=kind, description=""
            )

    # --- volunteers from adult residents (bulk) -----------------------------------------------------------
    demo_user = ctx.users.get("resident")
    demo_resident = None
    if demo_user is not None:
        demo_resident = Resident.objects.filter(account=demo_user).first()
        if demo_resident is None:
            binding = demo_user.role_bindings.filter(role="resident").select_related("place").first()
            if binding is not None and binding.place_id:
                demo_resident = (
                    Resident.objects.active()
                    .filter(home=binding.place, account__isnull=True)
                    .aged_between(18, None, today)
                    .order_by("-birth_date", "pk")
                    .first()
                )
                if demo_resident is not None:
                    Resident.objects.filter(pk=demo_resident.pk).update(account=demo_user)
    per_community = max(10, target // len(communities))
    chosen: list = []
    for community in communities:
        ids = list(
            Resident.objects.active()
            .filter(subtree_q("scope_path", community.path))
            .aged_between(18, 72, today)
            .exclude(volunteer__isnull=False)
            .values_list("pk", flat=True)
            .order_by("pk")[:5000]
        )
        chosen += [(community, pk) for pk in rng.sample(ids, min(per_community, len(ids)))]
    if demo_resident is not None and all(pk != demo_resident.pk for _c, pk in chosen):
        chosen.insert(
            0,
            (
                next((c for c in communities if demo_resident.scope_path.startswith(c.path)), communities[0]),
                demo_resident.pk,
            ),
        )
    paths = dict(Resident.objects.filter(pk__in=[pk for _c, pk in chosen]).values_list("pk", "scope_path"))
    skills = list(Skill.values)
    vols = []
    for seq, (community, pk) in enumerate(chosen, start=1):
        vols.append(
            Volunteer(
                resident_id=pk,
                number=f"YS{year}{seq:05d}",
                community=community,
                scope_path=paths[pk],
                skills=rng.sample(skills[:10], k=rng.randint(1, 3)),
                availability=rng.choice(["weekdays", "evenings", "weekends", "weekends", "any"]),
                contact_preference=rng.choice(["app", "app", "phone", "sms", "staff"]),
                registered_on=today - dt.timedelta(days=rng.randint(30, 900)),
            )
        )
    Volunteer.objects.bulk_create(vols, batch_size=500)
    vols = list(Volunteer.objects.filter(number__startswith=f"YS{year}").order_by("number"))
    by_community = defaultdict(list)
    for v in vols:
        by_community[v.community_id].append(v)
    me = next((v for v in vols if demo_resident is not None and v.resident_id == demo_resident.pk), None)

    # --- team members, leaders, duty logs, training (bulk) ------------------------------------------------
    members, logs, achievements = [], [], []
    for community in communities:
        pool = by_community[community.pk]
        for _name, kind, skill in TEAMS:
            team = teams[(community.pk, kind)]
            fit = [v for v in pool if skill in v.skills] or pool
            picked = rng.sample(fit, min(len(fit), rng.randint(4, 9)))
            members += [
                TeamMember(team=team, volunteer=v, scope_path=team.scope_path, joined_on=v.registered_on)
                for v in picked
            ]
            if picked:
                Team.objects.filter(pk=team.pk).update(leader=picked[0])
        inspection = teams[(community.pk, "inspection")]
        for back in range(1, 45):
            day = today - dt.timedelta(days=back)
            logs.append(
                DutyLog(
                    team=inspection,
                    scope_path=inspection.scope_path,
                    kind="daily",
                    on=day,
                    findings=rng.choice(FINDINGS),
                    actions="已拍照并告知物业，督促整改",
                    recorded_by=actor,
                )
            )
            if day.weekday() == 4:
                logs.append(
                    DutyLog(
                        team=inspection,
                        scope_path=inspection.scope_path,
                        kind="weekly",
                        on=day,
                        findings="本周问题汇总：" + "、".join(rng.sample(FINDINGS, 2)),
                        actions="督促责任单位限期整改",
                        recorded_by=actor,
                    )
                )
            if day.day == 28:
                logs.append(
                    DutyLog(
                        team=inspection,
                        scope_path=inspection.scope_path,
                        kind="monthly",
                        on=day,
                        findings="本月问题整改情况复查",
                        actions="已整改问题销号，未整改问题移交网格",
                        recorded_by=actor,
                    )
                )
        for v in rng.sample(pool, min(len(pool), 8)):
            achievements.append(
                Achievement(
                    volunteer=v,
                    scope_path=v.scope_path,
                    kind="training",
                    on=today - dt.timedelta(days=rng.randint(20, 200)),
                    title="志愿服务通用培训",
                    issuer=community.name,
                    hours=Decimal("2"),
                )
            )
    if me is not None:
        achievements.append(
            Achievement(
                volunteer=me,
                scope_path=me.scope_path,
                kind="award",
                on=today - dt.timedelta(days=60),
                title="优秀志愿者",
                issuer=communities[0].name,
            )
        )
    TeamMember.objects.bulk_create(members, batch_size=500, ignore_conflicts=True)
    DutyLog.objects.bulk_create(logs, batch_size=500)
    Achievement.objects.bulk_create(achievements, batch_size=500)

    # --- a season of past activities with check-ins and confirmed hours (bulk) ---------------------------
    local_tz = timezone.get_current_timezone()

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=local_tz)

    past = []
    for community in communities:
        for i in range(14):
            title, content, skill, length, risky = ACTIVITIES[i % len(ACTIVITIES)]
            day = today - dt.timedelta(days=6 * i + rng.randint(1, 5))
            start = at(day, rng.choice([8, 9, 14, 15, 19 if skill == "patrol" else 9]))
            team = teams.get((community.pk, skill)) if skill else None
            past.append(
                Activity(
                    community=community,
                    place=community,
                    scope_path=community.path,
                    title=title,
                    content=content,
                    location="社区党群服务中心",
                    team=team,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=length),
                    slots=rng.randint(6, 12),
                    skills=[skill] if skill else [],
                    is_risky=risky,
                    insurance_confirmed=risky,
                    insurance_note="社区志愿者团体意外险" if risky else "",
                    organiser=actor,
                    organiser_name=community.name,
                    person_in_charge="社区书记",
                    contact="0555-2345678",
                    status=ActivityStatus.FINISHED,
                )
            )
    # veterans: a weekly activity all last year, attended by a few volunteers per community (hours near ★1)
    veterans, attendance = {}, {}
    for community in communities:
        pool = by_community[community.pk]
        veterans[community.pk] = ([me] if me is not None and me.community_id == community.pk else []) + rng.sample(
            [v for v in pool if v is not me], min(4, len(pool) - (me in pool))
        )
        for v in veterans[community.pk]:
            attendance[v.pk] = 0.95 if v is me else rng.uniform(0.6, 1.0)
        for week in range(1, 51):
            day = dt.date(year - 1, 1, 3) + dt.timedelta(weeks=week)
            start = at(day, 9)
            past.append(
                Activity(
                    community=community,
                    place=community,
                    scope_path=community.path,
                    title="周末邻里守望",
                    content="小区巡查、帮扶独居老人",
                    location="社区党群服务中心",
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=2.5),
                    slots=10,
                    skills=[],
                    organiser=actor,
                    organiser_name=community.name,
                    person_in_charge="社区书记",
                    contact="0555-2345678",
                    status=ActivityStatus.FINISHED,
                )
            )
    Activity.objects.bulk_create(past, batch_size=500)
    past = list(
        Activity.objects.filter(status=ActivityStatus.FINISHED, scope_path__in=[c.path for c in communities])
        .select_related("place")
        .order_by("pk")
    )
    signups = []
    for a in past:
        if a.title == "周末邻里守望":
            attending = [v for v in veterans[a.community_id] if rng.random() < attendance[v.pk]]
        else:
            pool = by_community[a.community_id]
            attending = rng.sample(pool, min(len(pool), rng.randint(4, a.slots)))
            attending += [v for v in veterans[a.community_id] if v not in attending and rng.random() < 0.35]
            if me is not None and me.community_id == a.community_id and me not in attending and rng.random() < 0.5:
                attending.append(me)
        for v in attending:
            late = dt.timedelta(minutes=rng.choice([0, 0, 5, 10, 20]))
            early = dt.timedelta(minutes=rng.choice([0, 0, 0, 10, 30]))
            signups.append(
                SignUp(
                    activity=a,
                    volunteer=v,
                    scope_path=a.scope_path,
                    status=SignUpStatus.CONFIRMED,
                    signed_up_at=a.starts_at - dt.timedelta(days=rng.randint(1, 6)),
                    checked_in_at=a.starts_at + late,
                    checked_in_by=rng.choice([CheckMethod.CODE, CheckMethod.CODE, CheckMethod.LIST]),
                    checked_out_at=a.ends_at - early,
                    checked_out_by=CheckMethod.CODE,
                )
            )
    activity_by_pk = {a.pk: a for a in past}
    records = []

    def confirm(batch):
        """Bulk-insert the sign-ups of ``batch`` with their confirmed records; refresh the volunteers' totals."""
        SignUp.objects.bulk_create(batch, batch_size=1000)
        rows = []
        for s in SignUp.objects.filter(activity__in={x.activity_id for x in batch}, record__isnull=True):
            a = s.activity = activity_by_pk[s.activity_id]
            rows.append(
                ServiceRecord(
                    signup=s,
                    volunteer_id=s.volunteer_id,
                    activity=a,
                    scope_path=a.scope_path,
                    served_on=timezone.localtime(a.starts_at).date(),
                    content=f"{a.title}：{a.content}"[:300],
                    location=a.where,
                    hours=s.claimed_hours,
                    organiser_name=a.organiser_name,
                    recorder=services.recorder_name(actor),
                    confirmed_by=actor,
                    confirmed_at=a.ends_at + dt.timedelta(hours=2),
                )
            )
        ServiceRecord.objects.bulk_create(rows, batch_size=1000)
        records.extend(rows)
        sums = dict(
            ServiceRecord.objects.filter(volunteer__in=vols)
            .values("volunteer")
            .annotate(h=Sum("hours"))
            .values_list("volunteer", "h")
        )
        for v in vols:
            v.total_hours = sums.get(v.pk, Decimal("0"))
        Volunteer.objects.bulk_update(vols, ["total_hours"], batch_size=500)
        return sums

    # last year's weekly service first: the veterans who passed ★1 then were noticed and awarded …
    confirm([x for x in signups if activity_by_pk[x.activity_id].starts_at.year < year])
    proposed = services.stars_propose(actor=actor, today=today - dt.timedelta(days=12))
    awarded = services.stars_finalise(actor=actor, today=today)
    # … then this season: whoever crosses a threshold now is on public notice
    totals = confirm([x for x in signups if activity_by_pk[x.activity_id].starts_at.year >= year])

    # --- upcoming activities (services) with sign-ups and a waiting list (bulk) ----------------------------
    upcoming = []
    for community in communities:
        for i in range(5):
            title, content, skill, length, risky = ACTIVITIES[(i * 3 + 1) % len(ACTIVITIES)]
            start = at(today + dt.timedelta(days=2 + 3 * i), 9)
            a = services.activity_create(
                actor=actor,
                community=community,
                place=community,
                title=title,
                content=content,
                location="社区党群服务中心",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=length),
                signup_closes_at=start - dt.timedelta(hours=12),
                slots=6 if i else 3,
                skills=[skill] if skill else [],
                is_risky=risky,
                insurance_confirmed=risky,
                insurance_note="社区志愿者团体意外险" if risky else "",
                person_in_charge="社区书记",
                contact="0555-2345678",
                min_age=18 if risky else None,
                max_age=65 if risky else None,
            )
            services.activity_publish(actor=actor, activity=a)
            upcoming.append(a)
    future_signups = []
    for a in upcoming:
        pool = [v for v in by_community[a.community_id] if v is not me]
        for n, v in enumerate(rng.sample(pool, min(len(pool), a.slots + (2 if a.slots == 3 else -2)))):
            future_signups.append(
                SignUp(
                    activity=a,
                    volunteer=v,
                    scope_path=a.scope_path,
                    status=SignUpStatus.CONFIRMED if n < a.slots else SignUpStatus.WAITING,
                    signed_up_at=now - dt.timedelta(hours=40 - n),
                )
            )
    SignUp.objects.bulk_create(future_signups, batch_size=1000)
    if me is not None:
        mine = next(
            (a for a in upcoming if a.community_id == me.community_id and a.slots > 3 and a.min_age is None), None
        )
        if mine is not None and demo_user is not None:
            services.signup_create(actor=demo_user, activity=mine)

    # --- star levels: put the first stars on public notice; one awarded earlier ---------------------------
    noticed = services.stars_propose(actor=actor, today=today)

    counts = {
        "volunteers": len(vols),
        "members": TeamMember.objects.filter(team__in=teams.values()).count(),
        "signups": len(signups) + len(future_signups),
        "records": len(records),
    }
    audit.record(
        actor=actor,
        action="seed",
        object_type="volunteering.volunteer",
        object_id="",
        object_repr="demo volunteering",
        scope_path=ctx.district.path,
        note=f"{counts}; teams {len(teams)}; activities {len(past) + len(upcoming)}",
    )
    near = Volunteer.objects.filter(pk__in=[v.pk for v in vols], total_hours__gte=80, total_hours__lt=100).count()
    hours_total = sum(totals.values(), Decimal("0")).quantize(Decimal("0.01"))
    waiting = SignUp.objects.filter(activity__in=upcoming, status=SignUpStatus.WAITING).aggregate(n=Count("pk"))["n"]
    lines = [
        f"volunteering: {len(teams)} teams, {len(vols)} volunteers, {len(past)} past activities with "
        f"{len(records)} confirmed service records ({hours_total} h), {len(upcoming)} upcoming with "
        f"{len(future_signups)} sign-ups ({waiting} waiting); {near} volunteers near ★1; stars: "
        f"{proposed + noticed} put on notice, {awarded} awarded"
    ]
    if me is not None:
        me.refresh_from_db()
        lines.append(f"volunteering: demo login 'resident' is volunteer {me.number} with {me.total_hours} h")
    return lines
