"""The statistics against hand-computed fixtures: five cases with known timelines and verdicts (stats.py defines
each figure; the arithmetic below is done by hand from the timeline, not by the code under test)."""

import datetime as dt
import zoneinfo
from contextlib import contextmanager
from fractions import Fraction
from unittest import mock

import pytest

from linli.core.testing import count_queries
from linli.workorders import services as wo
from linli.workorders import stats
from linli.workorders.models import Case

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in November 2026, Beijing time (no holiday that month: Monday–Friday are the working days)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=BEIJING)


@contextmanager
def clock(when: dt.datetime):
    """The services' clock (``timezone.now``) set to ``when``."""
    with mock.patch("django.utils.timezone.now", return_value=when.astimezone(dt.UTC)):
        yield


def step(when, fn, **kw):
    with clock(when):
        return fn(**kw)


def timeline(tree):
    """A help request (求助: sign within 1 working day, handle within 5), all led by the property company.

    A  Mon 16 09:00 dispatched, 10:00 signed, Tue 17 09:00 completed, Wed 18 satisfied.           handling 1.0
    B  Mon 16 09:00 dispatched, Wed 18 09:00 signed (late: due Tue 17), Wed 18 21:00 completed,
       Thu 19 09:00 unsatisfied → 发回重办, 10:00 signed, Fri 20 09:00 completed, Fri 20 basic.     2.5 + 1.0
    C  Fri 20 09:00 dispatched, 10:00 signed, Mon 23 09:00 completed (the weekend does not count),
       Mon 23 10:00 unsatisfied → 发回重办 (new limits from then: sign by Tue 24, handle by Mon 30); not re-signed.
    D  Mon 16 09:00 dispatched, 09:30 signed, never completed (handle by Mon 23).
    E  Mon 16 09:00 dispatched, 11:00 withdrawn.
    """
    u = tree.users
    sec, staff = u["secretary_a1"], u["property_staff"]
    cases = {}
    for name, day in (("A", 16), ("B", 16), ("C", 20), ("D", 16), ("E", 16)):
        case = step(
            at(day, 9),
            wo.case_create,
            actor=sec,
            category="municipal-light",
            title=f"路灯{name}",
            description="d",
            place=tree.building_a1,
            source="patrol",
            case_type="help",
        )
        step(at(day, 9), wo.case_dispatch, actor=sec, case=case, lead_org=tree.property_co)
        cases[name] = case
    a, b, c, d, e = (cases[k] for k in "ABCDE")
    step(at(16, 10), wo.case_sign, actor=staff, case=a)
    step(at(17, 9), wo.case_complete, actor=staff, case=a, reply="已修复")
    step(at(18, 9), wo.case_evaluate, actor=sec, case=a, verdict="satisfied")
    step(at(18, 9), wo.case_sign, actor=staff, case=b)
    step(at(18, 21), wo.case_complete, actor=staff, case=b, reply="已修复")
    step(at(19, 9), wo.case_evaluate, actor=sec, case=b, verdict="unsatisfied")
    step(at(19, 10), wo.case_sign, actor=staff, case=b)
    step(at(20, 9), wo.case_complete, actor=staff, case=b, reply="已重新修复")
    step(at(20, 12), wo.case_evaluate, actor=sec, case=b, verdict="basic")
    step(at(20, 10), wo.case_sign, actor=staff, case=c)
    step(at(23, 9), wo.case_complete, actor=staff, case=c, reply="已修复")
    step(at(23, 10), wo.case_evaluate, actor=sec, case=c, verdict="unsatisfied")
    step(at(16, 9, 30), wo.case_sign, actor=staff, case=d)
    step(at(16, 11), wo.case_cancel, actor=sec, case=e, reason="重复上报")
    return cases


NOW = at(30, 12)  # Monday 30 November, noon


def test_figures_match_the_hand_computed_timeline(tree):
    cases = timeline(tree)
    c = Case.objects.get(pk=cases["C"].pk)
    assert c.reopen_count == 1 and c.handle_due.astimezone(BEIJING).date() == dt.date(2026, 11, 30)
    rows = stats.table(tree.users["district_admin"], "department", now=NOW)
    assert [r.key for r in rows] == [tree.property_co.pk]
    row = rows[0]
    assert row.volume == 5
    # 响应率: signed on time A, D; signed late B; waiting past the limit C (re-dispatched Mon 23, sign by Tue 24).
    assert row.sign_rate == Fraction(2, 4)
    # 按时办结率: completed on time A, B; D still handled past Mon 23; C's new deadline (Mon 30) has not passed.
    assert row.completion_rate == Fraction(2, 3)
    # 办结率: A, B completed of A, B, C, D (E withdrawn).
    assert row.closure_rate == Fraction(2, 4)
    # 解决率: final verdicts A 满意, B 基本满意 — both count as satisfied.
    assert row.resolution_rate == Fraction(2, 2)
    # 满意率: all four verdicts — A 满意, B 不满意 then 基本满意, C 不满意 — two count as satisfied.
    assert row.judged == 4 and row.satisfied == 2
    assert row.satisfaction_rate == Fraction(1, 2)
    # 重办率: B and C were sent back, of A, B, C completed at least once.
    assert row.reopen_rate == Fraction(2, 3)
    # 平均办理时长: A 1.0; B Mon 09:00 → Wed 21:00 = 2.5 plus Thu 09:00 → Fri 09:00 = 1.0; C is not completed.
    assert sorted(row.handling_days) == [Fraction(1), Fraction(7, 2)]
    assert row.mean_handling_days == Fraction(9, 4)
    total = stats.totals(rows)
    assert [fn(total) for _k, fn in stats.COLUMNS][1:] == [
        5,
        "50.0%",
        "66.7%",
        "50.0%",
        "100.0%",
        "50.0%",
        "66.7%",
        "2.2",
    ]


def test_working_time_skips_weekends_and_holidays(tree):
    counter = stats.WorkdayCounter(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    # Friday 09:00 → Monday 09:00: 15 hours on Friday, 9 on Monday.
    assert counter.between(at(20, 9), at(23, 9)) == 1
    # Wednesday 30 September 18:00 → Thursday 8 October 06:00: 6 hours, then the National Day holiday, then 6 hours.
    start = dt.datetime(2026, 9, 30, 18, tzinfo=BEIJING)
    assert counter.between(start, dt.datetime(2026, 10, 8, 6, tzinfo=BEIJING)) == Fraction(1, 2)
    assert counter.between(at(23, 9), at(20, 9)) == 0


def test_stats_page_shows_the_figures_and_their_definitions(tree, client):
    timeline(tree)
    client.force_login(tree.users["district_admin"])
    with clock(NOW):
        body = client.get("/workorders/stats/", {"start": "2026-11-01", "end": "2026-12-31"}).content.decode()
    assert 'data-testid="stats-definitions"' in body
    assert "满意率" in body and "重办率" in body and "平均办理时长" in body
    assert "50.0%" in body and "66.7%" in body and "2.2" in body
    assert 'name="under_label"' in body and "data-picker" in body  # the area is searched for, not typed as a code


def test_stats_query_count_is_constant(tree, client):
    timeline(tree)
    client.force_login(tree.users["district_admin"])
    url, period = "/workorders/stats/", {"start": "2026-11-01", "end": "2026-12-31"}
    client.get(url, period)
    with count_queries() as few:
        client.get(url, period)
    timeline(tree)
    with count_queries() as many:
        client.get(url, period)
    assert many.count == few.count


def test_a_reopened_case_gets_a_new_handling_period(tree):
    """发回重办 starts a new round: the sign and handling limits of the case's type (求助: 1 and 5 working days) run
    again from the reopening — across the weekend — not from the first dispatch."""
    u = tree.users
    case = step(
        at(2, 9),
        wo.case_create,
        actor=u["secretary_a1"],
        category="municipal-light",
        title="路灯",
        description="d",
        place=tree.building_a1,
        source="patrol",
        case_type="help",
    )
    step(at(2, 9), wo.case_dispatch, actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
    case.refresh_from_db()
    assert case.handle_due.astimezone(BEIJING).date() == dt.date(2026, 11, 9)
    step(at(2, 10), wo.case_sign, actor=u["property_staff"], case=case)
    step(at(19, 9), wo.case_complete, actor=u["property_staff"], case=case, reply="已修复")  # late
    step(at(20, 10), wo.case_evaluate, actor=u["secretary_a1"], case=case, verdict="unsatisfied")  # a Friday
    case.refresh_from_db()
    assert case.reopen_count == 1 and case.dispatched_at == at(20, 10)
    assert case.sign_due.astimezone(BEIJING) == dt.datetime.combine(dt.date(2026, 11, 23), dt.time.max, BEIJING)
    assert case.handle_due.astimezone(BEIJING) == dt.datetime.combine(dt.date(2026, 11, 27), dt.time.max, BEIJING)
    assert case.assignments.get(organisation=tree.property_co).due_at == case.sign_due


def test_demo_timelines_take_time(tree):
    """The demo walks each case in an instant; its steps are then spread over hours, so the demo's mean handling
    time is not 0.0 and the stamps follow their events."""
    from random import Random

    from linli.workorders import demo

    u = tree.users
    with clock(at(16, 9)):  # a Monday morning: the spread steps stay within the working week
        case = wo.case_create(
            actor=u["secretary_a1"],
            category="municipal-light",
            title="路灯",
            description="d",
            place=tree.building_a1,
            source="patrol",
            case_type="help",
        )
        wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
        wo.case_sign(actor=u["property_staff"], case=case)
        wo.case_complete(actor=u["property_staff"], case=case, reply="已修复")
        wo.case_evaluate(actor=u["secretary_a1"], case=case, verdict="satisfied")
    assert demo._spread(case, Random(7)) >= dt.timedelta(hours=5)
    case.refresh_from_db()
    assert case.dispatched_at < case.signed_at < case.completed_at < case.evaluated_at
    times = {e.action: e.at for e in case.events.all()}
    assert times["sign"] == case.signed_at and times["complete"] == case.completed_at
    row = stats.table(u["district_admin"], "department")[0]
    assert row.mean_handling_days >= Fraction(5, 24)
