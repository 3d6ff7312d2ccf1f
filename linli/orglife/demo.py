"""Demo organisational life for ``make demo``: twelve months of records for every branch and group the party
seeder built (order 200), with deliberate gaps for the compliance calendar to find:

* about a third of the branches did not hold last month's 支委会 (red on their calendar);
* one branch in four skipped a 主题党日 a few months ago; one held a 支委会 late as a make-up (补开);
* one 党员大会 resolution failed on the 应到 rule (yes from fewer than half of the members entitled).

Volume is bulk-inserted (meetings, attendance, resolutions, talks) with one summary audit row; one evaluation is
walked through the real services per branch for last year.
"""

from __future__ import annotations

import calendar
import datetime as dt

from linli.core import audit
from linli.core.registry import DemoContext

from . import arithmetic, entitlement, selectors
from .models import (
    Attendance,
    AttendanceStatus,
    EvalState,
    Evaluation,
    EvaluationEntry,
    Grade,
    Kind,
    Meeting,
    Resolution,
    Status,
    Talk,
)

THEME_TOPICS = [
    "学习贯彻党的二十届三中全会精神",
    "清洁家园志愿服务",
    "重温入党誓词",
    "走访慰问困难党员",
    "垃圾分类宣传",
    "红色教育基地参观",
    "文明城市创建入户宣传",
    "关爱独居老人",
    "消防安全隐患排查",
    "学习《中国共产党章程》",
    "为民办实事:楼道杂物清理",
    "党史学习教育",
]
LECTURE_TOPICS = [
    "坚定理想信念 践行初心使命",
    "基层治理中的党员先锋作用",
    "学习新修订的《中国共产党纪律处分条例》",
    "以党建引领网格化治理",
]
COMMITTEE_TOPICS = [
    "研究本月党建工作安排",
    "研究发展党员工作",
    "研究党费收缴情况",
    "研究为民办实事项目",
    "研究主题党日活动方案",
    "研究困难党员帮扶",
]
LEAVE_REASONS = ["外出务工", "身体原因", "出差", "照顾家人"]
ADDRESSES = ["社区党群服务中心会议室", "小区红色驿站", "社区新时代文明实践站"]


def _months(today: dt.date, n: int = 12) -> list[tuple[int, int]]:
    y, m = today.year, today.month
    out = []
    for _i in range(n):
        out.append((y, m))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(out))


def _day(y: int, m: int, day: int, today: dt.date) -> dt.date | None:
    d = dt.date(y, m, min(day, calendar.monthrange(y, m)[1]))
    return d if d <= today else None


def seed(ctx: DemoContext) -> list[str]:
    from linli.party.models import PartyOrg

    rng, today = ctx.rng, ctx.today
    if isinstance(today, dt.datetime):
        today = today.date()
    orgs = list(PartyOrg.objects.filter(kind__in=("branch", "general_branch", "group")).order_by("pk"))
    if not orgs:
        return ["orglife: no party branches (the party demo did not run); nothing seeded"]
    last_month = _months(today, 2)[0]
    pending: list[tuple[Meeting, list, int, list]] = []  # meeting, members, present wanted, resolutions
    talks: list[Talk] = []
    gaps = {"committee_last_month": 0, "theme_day": 0, "makeup": 0}
    branches = [o for o in orgs if o.kind != "group"]
    failed_done = False
    with_committee = 0
    # The demo secretary's community (the first one) sees a red cell too: its first branch missed last month's
    # 主题党日 (in the small demo its branches are too small to have a committee).
    home = ctx.communities[0].path if ctx.communities else "-"
    first_home_branch = next((o.pk for o in branches if o.scope_path.startswith(home)), None)

    def add(org, kind, day, topic, members, counts_for=None, resolutions=()):
        if day is None or not members:
            return
        present = min(len(members), max(1, round(len(members) * rng.uniform(0.72, 0.97))))
        meeting = Meeting(
            org=org,
            scope_path=org.scope_path,
            kind=kind,
            status=Status.HELD,
            held_on=day,
            counts_for=counts_for or day,
            topic=topic,
            address=rng.choice(ADDRESSES),
            minutes=f"会议围绕“{topic}”进行了学习讨论，与会党员结合实际发言。",
            recorded_by=ctx.users.get("secretary"),
            entitled_count=len(members),
            present_count=present,
        )
        meeting.quorum_met = arithmetic.has_quorum(present, len(members)) if meeting.is_voting else True
        pending.append((meeting, members, present, list(resolutions)))

    for i, org in enumerate(orgs):
        everyone = list(entitlement.members_of(org))
        if org.kind == "group":
            for y, m in _months(today):
                add(
                    org,
                    Kind.GROUP_MEETING,
                    _day(y, m, 8 + rng.randint(0, 6), today),
                    "党小组学习:" + rng.choice(THEME_TOPICS),
                    everyone,
                )
            continue
        full = list(entitlement.members_of(org).filter(status="full"))
        committee = list(entitlement.committee_members(org))
        if len(committee) < selectors.MIN_COMMITTEE_SEATS:
            committee = []  # a small branch has a secretary, not a committee: no 支委会 is due
        else:
            with_committee += 1
        skip_committee = bool(committee) and with_committee % 3 == 1
        skip_theme = (i % 4 == 1) and 3
        for n, (y, m) in enumerate(_months(today)):
            if (y, m) == last_month and skip_committee:
                gaps["committee_last_month"] += 1
            elif committee and ((y, m) != (today.year, today.month) or today.day > 12):
                day = _day(y, m, 10, today)
                # held late, in the next month, as a make-up: one branch in five, and always the second one
                # with a committee (so a small demo has one too)
                if n == 4 and (i % 5 == 2 or with_committee == 2) and day:
                    add(
                        org,
                        Kind.COMMITTEE,
                        day + dt.timedelta(days=25),
                        "补开:" + rng.choice(COMMITTEE_TOPICS),
                        committee,
                        counts_for=day,
                    )
                    gaps["makeup"] += 1
                else:
                    add(org, Kind.COMMITTEE, day, rng.choice(COMMITTEE_TOPICS), committee)
            if (skip_theme and n == len(_months(today)) - 1 - skip_theme) or (
                org.pk == first_home_branch and (y, m) == last_month
            ):
                gaps["theme_day"] += 1
            elif (y, m) != (today.year, today.month) or today.day > 15:
                add(org, Kind.THEME_DAY, _day(y, m, 15, today), THEME_TOPICS[(m + i) % len(THEME_TOPICS)], everyone)
            if m in (3, 6, 9, 12) or ((y, m) == (today.year, today.month) and today.day > 20):
                resolutions = []
                if full and m in (6, 12):
                    n_full = len(full)
                    if not failed_done and n_full >= 5:
                        yes = n_full // 2  # not more than half of 应到: fails whatever the turnout
                        resolutions.append(("关于推选优秀党员的决议", yes, 0))
                        failed_done = True
                    else:
                        resolutions.append(("关于接收预备党员的决议", None, 0))
                add(
                    org,
                    Kind.GENERAL_ASSEMBLY,
                    _day(y, m, 20, today),
                    "支部党员大会:" + rng.choice(COMMITTEE_TOPICS),
                    full,
                    resolutions=resolutions,
                )
                add(org, Kind.PARTY_LECTURE, _day(y, m, 25, today), rng.choice(LECTURE_TOPICS), everyone)
            if m == 12:
                add(org, Kind.LIFE_MEETING, _day(y, m, 28, today), f"{y}年度组织生活会", everyone)
        if len(everyone) >= 2:
            for _k in range(rng.randint(1, 3)):
                a, b = rng.sample(everyone, 2)
                day = today - dt.timedelta(days=rng.randint(5, 300))
                talks.append(
                    Talk(
                        org=org,
                        scope_path=org.scope_path,
                        held_on=day,
                        member_a=a,
                        member_b=b,
                        topic="谈心谈话:思想和工作情况",
                        note="交流了近期思想、工作和生活情况。",
                    )
                )

    meetings = Meeting.objects.bulk_create([p[0] for p in pending], batch_size=500)
    attendance, resolutions = [], []
    for meeting, (_m, members, present, res) in zip(meetings, pending, strict=True):
        order = list(members)
        rng.shuffle(order)
        for k, member in enumerate(order):
            if k < present:
                attendance.append(Attendance(meeting=meeting, member=member, status=AttendanceStatus.PRESENT))
            elif rng.random() < 0.6:
                attendance.append(
                    Attendance(
                        meeting=meeting, member=member, status=AttendanceStatus.LEAVE, reason=rng.choice(LEAVE_REASONS)
                    )
                )
            else:
                attendance.append(Attendance(meeting=meeting, member=member, status=AttendanceStatus.ABSENT))
        for title, yes, no in res:
            if not meeting.quorum_met:
                continue
            if yes is None:  # carried unanimously
                yes, no = meeting.present_count, 0
            yes = min(yes, meeting.present_count)
            abstain = meeting.present_count - yes - no
            resolutions.append(
                Resolution(
                    meeting=meeting,
                    title=title,
                    yes=yes,
                    no=no,
                    abstain=abstain,
                    base=meeting.entitled_count,
                    passed=arithmetic.resolution_passes(yes, meeting.entitled_count),
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=1000)
    Resolution.objects.bulk_create(resolutions, batch_size=500)
    Talk.objects.bulk_create(talks, batch_size=500)

    # Last year's 民主评议 of each branch, rated; this year's started in most branches.
    evaluations = 0
    for org in branches:
        members = list(entitlement.members_of(org))
        if not members:
            continue
        for year, state in ((today.year - 1, EvalState.RATED), (today.year, EvalState.PEER_REVIEW)):
            if year == today.year and org.pk % 3 == 0:
                continue
            ev = Evaluation.objects.create(
                org=org,
                scope_path=org.scope_path,
                year=year,
                state=state,
                rated_on=dt.date(year, 12, 20) if state == EvalState.RATED else None,
            )
            entries = []
            for member in members:
                e = EvaluationEntry(evaluation=ev, member=member, self_assessment="本年度认真学习，积极参加组织生活。")
                if state == EvalState.RATED:
                    e.peer_comments = "能发挥党员先锋模范作用。"
                    e.votes_qualified = max(1, len(members) - 2)
                    e.votes_excellent = 1
                    e.grade = Grade.EXCELLENT if rng.random() < 0.2 else Grade.QUALIFIED
                entries.append(e)
            EvaluationEntry.objects.bulk_create(entries)
            evaluations += 1

    audit.record(
        actor=ctx.admin,
        action="seed",
        object_type="orglife.meeting",
        object_id="demo",
        object_repr="demo organisational life",
        scope_path=ctx.district.path,
        after={
            "meetings": len(meetings),
            "attendance": len(attendance),
            "talks": len(talks),
            "evaluations": evaluations,
            **gaps,
        },
    )
    return [
        f"orglife: {len(meetings)} meetings ({len(attendance)} attendance rows, {len(resolutions)} resolutions), "
        f"{len(talks)} talks, {evaluations} evaluations; gaps: {gaps['committee_last_month']} branches without "
        f"last month's 支委会, {gaps['theme_day']} missed 主题党日, {gaps['makeup']} make-up meetings"
    ]
