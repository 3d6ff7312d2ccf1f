"""Statistics from known cases, the xlsx export, and the daily deadline job (催办, escalation, 回访)."""

import datetime as dt
import io
import zoneinfo
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from linli.core.models import AuditLog
from linli.notifications.models import Notification
from linli.workorders import deadlines, stats
from linli.workorders import services as wo
from linli.workorders.models import Case, State

pytestmark = pytest.mark.django_db


def _case(tree, title="路灯不亮", category="municipal-light", actor="secretary_a1", place=None):
    return wo.case_create(
        actor=tree.users[actor],
        category=category,
        title=title,
        description="d",
        place=place or tree.building_a1,
        source="patrol",
        case_type="help",
    )


def _done(tree, case, verdict):
    u = tree.users
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=case)
    wo.case_complete(actor=u["property_staff"], case=case, reply="已修复")
    wo.case_evaluate(actor=u["secretary_a1"], case=case, verdict=verdict)


def test_rates_from_known_cases(tree):
    a, b, c = _case(tree, "a"), _case(tree, "b"), _case(tree, "c")
    _done(tree, a, "satisfied")
    _done(tree, b, "unsatisfied")  # reopened once: back to dispatched
    wo.case_cancel(actor=tree.users["secretary_a1"], case=c, reason="重复上报")
    rows = stats.table(tree.users["district_admin"], "department")
    row = next(r for r in rows if r.key == tree.property_co.pk)
    assert row.volume == 2
    assert row.completed == 1 and row.closure_rate == Fraction(1, 2)
    # b's 不满意 stays in the base of the satisfaction rate (it used to drop out, showing 100 %).
    assert row.judged == 2 and row.satisfaction_rate == Fraction(1, 2)
    assert row.resolution_rate == Fraction(1, 1)  # a's final verdict; b has none yet
    assert row.sign_rate == Fraction(1, 1) and row.completion_rate == Fraction(1, 1)
    assert row.mean_handling_days < Fraction(1, 100)  # dispatched and completed a moment later
    assert row.reopened == 1 and row.reopen_rate == Fraction(1, 2)  # b was sent back, before its re-doing
    community = stats.table(tree.users["district_admin"], "community")
    assert [r.label for r in community] == ["雨秀社区"] and community[0].volume == 3
    assert community[0].not_withdrawn == 2

    # b is re-done and completed again: one of the two completed cases was sent back once.
    wo.case_sign(actor=tree.users["property_staff"], case=b)
    wo.case_complete(actor=tree.users["property_staff"], case=b, reply="已重新修复")
    row = next(r for r in stats.table(tree.users["district_admin"], "department") if r.key == tree.property_co.pk)
    assert row.completed == 2 and row.reopened == 1 and row.reopen_rate == Fraction(1, 2)
    assert stats.percent(row.reopen_rate) == "50.0%"


def test_open_cases_past_their_deadline_count_as_late(tree):
    """An open case past its deadline is late already: the on-time rates must not look better than reality."""
    u = tree.users
    done, waiting, handling = _case(tree, "done"), _case(tree, "waiting"), _case(tree, "handling")
    _done(tree, done, "satisfied")  # signed and completed on time
    wo.case_dispatch(actor=u["secretary_a1"], case=waiting, lead_org=tree.property_co)
    wo.case_dispatch(actor=u["secretary_a1"], case=handling, lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=handling)  # on time
    past = timezone.now() - dt.timedelta(hours=2)
    Case.objects.filter(pk=waiting.pk).update(sign_due=past)  # not signed for, deadline gone
    Case.objects.filter(pk=handling.pk).update(handle_due=past)  # still being handled, deadline gone
    row = next(r for r in stats.table(u["district_admin"], "department") if r.key == tree.property_co.pk)
    assert row.signed == 2 and row.signed_on_time == 2 and row.sign_late_open == 1
    assert row.sign_rate == Fraction(2, 3)
    assert row.completed == 1 and row.completed_on_time == 1 and row.handle_late_open == 1
    assert row.completion_rate == Fraction(1, 2)
    total = stats.totals([row])
    assert total.sign_rate == Fraction(2, 3) and total.completion_rate == Fraction(1, 2)
    # Not yet due: not counted either way.
    Case.objects.filter(pk=handling.pk).update(handle_due=timezone.now() + dt.timedelta(days=3))
    row = next(r for r in stats.table(u["district_admin"], "department") if r.key == tree.property_co.pk)
    assert row.completion_rate == Fraction(1, 1)


def test_stats_are_scoped(tree):
    _case(tree)
    _case(tree, actor="district_admin", place=tree.building_b1)
    assert sum(r.volume for r in stats.table(tree.users["secretary_a1"], "community")) == 1
    assert sum(r.volume for r in stats.table(tree.users["district_admin"], "community")) == 2
    assert stats.table(tree.users["nobody"], "community") == []


def test_export_is_signed_and_audited(tree, client):
    _done(tree, _case(tree), "satisfied")
    client.force_login(tree.users["secretary_a1"])
    response = client.get("/workorders/stats/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    first = wb.worksheets[0]
    assert "secretary_a1" in first["A1"].value
    assert AuditLog.objects.filter(action="export", object_type="workorders.stats").exists()
    page = client.get("/workorders/stats/?by=category")
    assert page.status_code == 200 and "路灯" in page.content.decode()
    bad = client.get("/workorders/stats/?start=2026-05-01&end=2026-01-01")
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()
    assert AuditLog.objects.filter(action="export").count() == 1


def test_resident_cannot_export(tree, client):
    client.force_login(tree.users["resident_a1"])
    assert client.get("/workorders/stats/export.xlsx").status_code == 403


def test_deadline_job_urges_once_a_day_and_escalates(tree):
    u = tree.users
    case = _case(tree)
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=case)
    # Handling deadline Friday 2 October 2026 … no: put it before National Day and run on working days after.
    due = timezone.make_aware(dt.datetime(2026, 9, 29, 23, 59))
    Case.objects.filter(pk=case.pk).update(handle_due=due)
    day1 = timezone.make_aware(dt.datetime(2026, 9, 30, 9, 0))  # 1 working day overdue
    assert deadlines.run(day1)["urged"] == 1
    assert deadlines.run(day1)["urged"] == 0  # once a day
    assert Notification.objects.filter(user=u["property_staff"], kind="workorders.urged").count() == 1
    assert deadlines.run(timezone.make_aware(dt.datetime(2026, 10, 3, 9, 0))) == {
        "urged": 0,
        "escalated": 0,
        "revisit": 0,
    }  # a holiday: the job rests
    # Sep 30, Oct 8, 9, 10 (调休), 12 → 5 working days overdue on Monday 12 October.
    Case.objects.filter(pk=case.pk).update(last_urged_at=day1)  # the reminder above, as of its simulated day
    counts = deadlines.run(timezone.make_aware(dt.datetime(2026, 10, 12, 9, 0)))
    assert counts["escalated"] == 1
    case.refresh_from_db()
    assert case.escalation_level == 1 and case.supervised and case.urge_count == 2
    assert Notification.objects.filter(user=u["street_a"], kind="workorders.escalated").exists()


def test_revisit_reminder_the_working_day_after_completion(tree):
    u = tree.users
    case = _case(tree)
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=case)
    wo.case_complete(actor=u["property_staff"], case=case, reply="ok")
    Case.objects.filter(pk=case.pk).update(completed_at=timezone.make_aware(dt.datetime(2026, 9, 30, 15, 0)))
    assert deadlines.run(timezone.make_aware(dt.datetime(2026, 10, 8, 9, 0)))["revisit"] == 1
    assert Notification.objects.filter(user=u["secretary_a1"], kind="workorders.revisit").exists()
    assert Case.objects.get(pk=case.pk).state == State.COMPLETED


def test_run_daily_runs_registered_jobs(tree, capsys):
    call_command("run_daily", "--list")
    listed = capsys.readouterr().out.split()
    assert "workorders.deadlines" in listed and "core.purge_audit" in listed
    call_command("run_daily", "--only", "workorders.deadlines")
    assert "workorders.deadlines" in capsys.readouterr().out


BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=BEIJING)


def beijing_minute(value: str) -> str:
    return dt.datetime.fromisoformat(value).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("dispatched", "case_type", "priority", "sign_by", "handle_by"),
    [
        # Dispatched Tuesday 29 September 2026. Working days after it on the seeded calendar: Wed 30 Sep; the
        # National Day holiday runs 1–7 October; then Thu 8, Fri 9, Sat 10 (调休 working day), Mon 12 … Fri 16, Mon 19.
        (
            dt.datetime(2026, 9, 29, 10, 0, tzinfo=BEIJING),
            "complaint",
            "normal",
            dt.date(2026, 9, 30),
            dt.date(2026, 10, 19),
        ),  # 10 working days
        (
            dt.datetime(2026, 9, 29, 10, 0, tzinfo=BEIJING),
            "help",
            "normal",
            dt.date(2026, 9, 30),
            dt.date(2026, 10, 12),
        ),  # 5
        (
            dt.datetime(2026, 9, 29, 10, 0, tzinfo=BEIJING),
            "consult",
            "normal",
            dt.date(2026, 9, 30),
            dt.date(2026, 10, 9),
        ),  # 3
        # Dispatched on the last working day before the holiday: signing is due the first working day after it.
        (
            dt.datetime(2026, 9, 30, 16, 30, tzinfo=BEIJING),
            "help",
            "normal",
            dt.date(2026, 10, 8),
            dt.date(2026, 10, 13),
        ),
        (
            dt.datetime(2026, 9, 30, 16, 30, tzinfo=BEIJING),
            "help",
            "emergency",
            dt.date(2026, 9, 30),
            dt.date(2026, 9, 30),
        ),  # emergencies: the same day
    ],
)
def test_deadline_across_the_national_day_holiday_end_to_end(
    tree, client, token_for, dispatched, case_type, priority, sign_by, handle_by
):
    from unittest import mock

    from linli.core.models import CalendarDay

    # The seeded statutory calendar (core migration 0004) is what the arithmetic reads.
    assert not CalendarDay.objects.get(date=dt.date(2026, 10, 5)).is_workday  # a Monday off
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).is_workday  # a Saturday on (调休)
    resident, secretary = token_for("resident_a1"), token_for("secretary_a1")
    resp = client.post(
        "/api/v1/workorders/cases",
        {
            "category": "property-repair",
            "title": "楼道灯坏了",
            "description": "2栋楼道灯不亮",
            "place": tree.building_a1.code,
            "case_type": case_type,
            "priority": priority,
        },
        content_type="application/json",
        **resident,
    )
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    with mock.patch("django.utils.timezone.now", return_value=dispatched.astimezone(dt.UTC)):
        resp = client.post(
            f"/api/v1/workorders/cases/{pk}/dispatch",
            {"lead_org": tree.property_co.pk},
            content_type="application/json",
            **secretary,
        )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    # The API answers in UTC to the millisecond: the end of the working day in Beijing.
    assert beijing_minute(body["sign_due"]) == f"{sign_by:%Y-%m-%d} 23:59"
    assert beijing_minute(body["handle_due"]) == f"{handle_by:%Y-%m-%d} 23:59"
    case = Case.objects.get(pk=pk)
    assert case.dispatched_at == dispatched
    assert case.sign_due == end_of(sign_by) and case.handle_due == end_of(handle_by)
    client.force_login(tree.users["secretary_a1"])
    html = client.get(f"/workorders/cases/{pk}/").content.decode()
    assert f"{handle_by:%Y-%m-%d} 23:59" in html
