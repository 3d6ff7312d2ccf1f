"""Demo deliberation: in the first compounds of the first communities, a monthly 三方议事 for the last months —
held on time, one month held late (补开), one month missing, one held without the owners' committee — and this
month's planned; matters raised by staff and residents, solved on the spot, handed to a work order, declined,
and some still waiting. Written through the services. ``--small``: one compound, three months."""

from __future__ import annotations

import datetime as dt

from . import selectors, services
from .models import Kind, Matter, Seat
from .models.matter import UNDECIDED

MATTERS = (
    ("楼道堆放杂物", "3单元一楼楼道堆满纸箱和旧家具，影响消防通道。"),
    ("夜间停车难", "晚上外来车辆占用车位，业主回家找不到地方停。"),
    ("电动车飞线充电", "2栋有住户从窗口拉线给电动车充电，存在火灾隐患。"),
    ("健身器材损坏", "小区广场的两台健身器材松动，老人使用不安全。"),
    ("垃圾分类投放点异味", "东门垃圾投放点夏天异味大，希望增加清运次数。"),
    ("楼顶漏水", "6楼住户反映雨天楼顶渗水，需要公共维修。"),
    ("广场舞噪音", "晚上九点后广场舞音响声音过大。"),
)


def _month_day(today: dt.date, back: int, day: int = 15) -> dt.date:
    first = today.replace(day=1)
    for _ in range(back):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first.replace(day=day)


def _seats(actor, meeting, compound, *, skip_committee=False):
    have = set()
    for s in selectors.suggested_seats(compound):
        if skip_committee and s.seat == Seat.COMMITTEE:
            continue
        services.participant_add(
            actor=actor,
            meeting=meeting,
            seat=s.seat,
            name=s.name,
            party_org=s.party_org,
            organisation=s.organisation,
            committee=s.committee,
        )
        have.add(s.seat)
    fallback = {Seat.PARTY: "小区党支部书记", Seat.PROPERTY: "物业项目经理", Seat.COMMITTEE: "业委会主任"}
    for seat, name in fallback.items():
        if seat not in have and not (skip_committee and seat == Seat.COMMITTEE):
            services.participant_add(actor=actor, meeting=meeting, seat=seat, name=name)
    services.participant_add(actor=actor, meeting=meeting, seat=Seat.RESIDENT, name="居民代表")


def seed(ctx) -> list[str]:
    actor, today, rng = ctx.admin, ctx.today, ctx.rng
    months = 3 if ctx.small else 6
    compounds = [c for row in ctx.compounds[: 1 if ctx.small else 2] for c in row[:1]]
    n_meetings = n_matters = 0
    for k, compound in enumerate(compounds):
        start = _month_day(today, months, 1)
        for i, (title, text) in enumerate(MATTERS[: 5 if ctx.small else len(MATTERS)]):
            # the first two before the first meeting (one solved there, one handed over), the rest spread out
            early = start + dt.timedelta(days=i)
            raised = early if i < 2 else max(start, today - dt.timedelta(days=rng.randint(3, 28 * months)))
            services.matter_raise(actor=actor, place=compound, title=title, description=text, raised_on=raised)
            n_matters += 1
        for back in range(months, -1, -1):
            day = _month_day(today, back)
            if back == 0:
                day = max(day, today)  # this month's: planned, not yet held
            missing = back == 2 and not ctx.small
            if missing:
                continue  # nothing held that month: the calendar shows it red
            meeting = services.meeting_create(
                actor=actor,
                compound=compound,
                kind=Kind.TRIPARTITE,
                title=f"{compound.name}{day.month}月三方议事",
                scheduled_on=day,
                address="小区党群服务站",
            )
            n_meetings += 1
            _seats(actor, meeting, compound, skip_committee=back == 3)
            due = list(
                Matter.objects.filter(compound=compound, state__in=UNDECIDED, raised_on__lte=day).order_by(
                    "raised_on", "pk"
                )[:2]
            )
            for m in due:
                services.agenda_add(actor=actor, meeting=meeting, matter=m)
            if back == 0:
                continue
            held_on = day if back != 1 else _month_day(today, 0, 3)  # last month's held late, early this month
            held_on = min(held_on, today)
            meeting = services.meeting_hold(
                actor=actor, meeting=meeting, held_on=held_on, minutes="三方围绕议题逐项协商，形成处理意见。"
            )
            for j, m in enumerate(due):
                m = Matter.objects.get(pk=m.pk)
                if j == 0:
                    services.matter_solve(
                        actor=actor, matter=m, meeting=meeting, resolution="三方议定：物业一周内落实，业委会监督。"
                    )
                elif k == 0 and back == months:
                    services.matter_hand_over(actor=actor, matter=m)
                elif back == months - 1:
                    services.matter_decline(actor=actor, matter=m, reason="属于邻里个人纠纷，已引导到人民调解。")
        # the rest wait for the planned meeting
    return [f"deliberation: {n_meetings} meetings, {n_matters} matters"]
