"""The compliance calendar, attendance rates and reminders — computed from the records."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.core import dates
from linli.notifications.models import Notification
from linli.orglife import periods, reminders, selectors, services
from linli.orglife.models import Kind, RhythmRule

pytestmark = pytest.mark.django_db


def record(party, actor, kind, day, org=None, members=None, counts_for=None):
    org = org or party.branch
    members = members if members is not None else (party.committee if kind == Kind.COMMITTEE else party.full)
    return services.meeting_record(
        actor=actor,
        org=org,
        kind=kind,
        held_on=day,
        topic=str(kind),
        counts_for=counts_for,
        attendance={m.pk: "present" for m in members},
    )


def test_rhythm_rules_seeded_with_the_statutory_defaults():
    rules = {(r.org_kind, r.kind): r.period for r in RhythmRule.objects.all()}
    assert rules[("branch", "general_assembly")] == "quarter"
    assert rules[("branch", "committee")] == "month"
    assert rules[("group", "group_meeting")] == "month"
    assert rules[("branch", "party_lecture")] == "quarter"
    assert rules[("branch", "theme_day")] == "month"
    for kind in ("life_meeting", "evaluation", "heart_talk"):
        assert rules[("branch", kind)] == "year"


def test_branch_missing_last_months_committee_shows_missing(party, secretary):
    today = dates.today()
    last = periods.previous_period(periods.MONTH, today)
    before_last = periods.previous_period(periods.MONTH, last.start)
    record(party, secretary, Kind.COMMITTEE, before_last.start + dt.timedelta(days=9))
    comp = selectors.compliance(party.branch, last.start.year, today=today)
    assert comp.cell(Kind.COMMITTEE, last.key).state == periods.MISSING
    assert comp.cell(Kind.COMMITTEE, before_last.key).state == periods.DONE
    if last.start.year == today.year:
        assert comp.cell(Kind.COMMITTEE, periods.period_containing(periods.MONTH, today).key).state == periods.DUE
    # A make-up meeting this month for last month turns red into "held late".
    record(party, secretary, Kind.COMMITTEE, today, counts_for=last.end)
    comp = selectors.compliance(party.branch, last.start.year, today=today)
    assert comp.cell(Kind.COMMITTEE, last.key).state == periods.OVERDUE


def test_calendar_rows_follow_the_rhythm_rules(party, secretary):
    year = dates.today().year
    kinds = [row.kind for row in selectors.compliance(party.branch, year).rows]
    assert Kind.COMMITTEE in kinds and Kind.GROUP_MEETING not in kinds
    assert [row.kind for row in selectors.compliance(party.group, year).rows] == [Kind.GROUP_MEETING]
    # Branch B has no committee (no seats): no 支委会 is asked of it.
    kinds_b = [row.kind for row in selectors.compliance(party.branch_b, year).rows]
    assert Kind.COMMITTEE not in kinds_b and Kind.THEME_DAY in kinds_b
    RhythmRule.objects.filter(org_kind="branch", kind=Kind.COMMITTEE).update(period="quarter")
    row = next(r for r in selectors.compliance(party.branch, year).rows if r.kind == Kind.COMMITTEE)
    assert len(row.cells) == 4
    RhythmRule.objects.filter(org_kind="branch", kind=Kind.COMMITTEE).update(is_active=False)
    assert Kind.COMMITTEE not in [r.kind for r in selectors.compliance(party.branch, year).rows]


def test_talks_and_rated_evaluations_count(party, secretary):
    today = dates.today()
    services.talk_record(
        actor=secretary, org=party.branch, held_on=today, member_a=party.full[0], member_b=party.full[1], topic="谈心"
    )
    comp = selectors.compliance(party.branch, today.year, today=today)
    assert comp.cell(Kind.HEART_TALK, str(today.year)).state == periods.DONE
    assert comp.cell(Kind.EVALUATION, str(today.year)).state == periods.DUE


def test_compliance_many_constant_queries(party, secretary, django_assert_max_num_queries):
    from linli.party.models import PartyOrg

    year = dates.today().year
    orgs = list(PartyOrg.objects.all())
    with django_assert_max_num_queries(5):
        result = selectors.compliance_many(orgs, year)
    assert len(result) == len(orgs)


def test_attendance_rate(party, secretary):
    day = dates.today() - dt.timedelta(days=1)
    member = party.full[0]
    services.meeting_record(
        actor=secretary,
        org=party.branch,
        kind=Kind.THEME_DAY,
        held_on=day,
        topic="a",
        attendance={member.pk: "present"},
    )
    services.meeting_record(
        actor=secretary, org=party.branch, kind=Kind.THEME_DAY, held_on=day, topic="b", attendance={member.pk: "absent"}
    )
    services.meeting_record(
        actor=secretary,
        org=party.branch,
        kind=Kind.THEME_DAY,
        held_on=day,
        topic="c",
        attendance={member.pk: ("leave", "病假")},
    )
    rate = selectors.attendance_rate(member, day.year)
    assert (rate.present, rate.absent, rate.leave, rate.expected) == (1, 1, 1, 2)
    assert rate.percent == 50
    assert selectors.attendance_rate(member, day.year - 5).rate is None
    assert selectors.attendance_rates([member.pk], day.year)[member.pk] == rate


def test_reminders_notify_the_secretary_once_per_month(party, secretary, tree):
    from linli.orglife.tasks import compliance_reminders

    # The branch secretary has a login: the seat holder's resident account.
    sec_resident = party.committee[0].resident
    sec_resident.account = tree.users["resident_a1"]
    sec_resident.save(update_fields=["account"])
    today = dates.today()
    record(party, secretary, Kind.THEME_DAY, today, members=party.full)
    counts = reminders.run(today)
    assert counts["organisations"] == 2  # branch A and its group; branch B has nobody to tell (no secretary login)
    notes = Notification.objects.filter(kind=reminders.KIND, user=tree.users["resident_a1"])
    assert notes.count() == 1
    body = notes.get().body
    assert str(Kind.COMMITTEE.label) in body and str(Kind.THEME_DAY.label) not in body  # held: not reminded
    # Branch B has no secretary with a login: the community secretaries over it hear instead (none in B1 here:
    # the street and district staff are not secretaries), and branch A's group falls back to secretary_a1.
    assert Notification.objects.filter(kind=reminders.KIND, user=secretary).exists()
    reminders.run(today)
    compliance_reminders.enqueue(today.isoformat())
    assert Notification.objects.filter(kind=reminders.KIND, user=tree.users["resident_a1"]).count() == 1


def test_last_years_evaluation_rated_this_year_counts_for_last_year(party, secretary):
    from linli.orglife.models import EvaluationEntry

    last = dates.today().year - 1
    ev = services.evaluation_start(actor=secretary, org=party.group.parent, year=last)
    ev = services.evaluation_advance(actor=secretary, evaluation=ev, step="start_peer_review")
    ev = services.evaluation_advance(actor=secretary, evaluation=ev, step="start_poll")
    EvaluationEntry.objects.filter(evaluation=ev).update(votes_qualified=15, grade="qualified")
    ev = services.evaluation_advance(actor=secretary, evaluation=ev, step="rate")
    assert ev.rated_on == dates.today()
    comp = selectors.compliance(party.branch, last)
    assert comp.cell(Kind.EVALUATION, str(last)).state == periods.DONE


def test_last_months_missing_committee_is_reminded_once(party, secretary, tree, monkeypatch):
    from linli.core.registry import registry

    sec_resident = party.committee[0].resident
    sec_resident.account = tree.users["resident_a1"]
    sec_resident.save(update_fields=["account"])
    today = dates.today()
    last = periods.previous_period(periods.MONTH, today)
    # Every monthly item of last month held except the 支委会 (and the groups' 党小组会).
    record(party, secretary, Kind.THEME_DAY, last.start + dt.timedelta(days=2), members=party.full)
    # Early in the month, before the due reminders start (day 15): the daily job still sends the missed one.
    early = dt.date(today.year, today.month, 3)
    if early > today:
        early = today
    monkeypatch.setattr(dates, "today", lambda: early)  # the one today() of every domain
    job = next(j for j in registry.daily_jobs if j.key == "orglife.reminders")
    job.run()
    kind = reminders.missing_kind(last.end)
    notes = Notification.objects.filter(kind=kind, user=tree.users["resident_a1"])
    assert notes.count() == 1
    note = notes.get()
    assert str(Kind.COMMITTEE.label) in note.body and str(Kind.THEME_DAY.label) not in note.body
    assert last.start.isoformat() in note.body and note.url.endswith(f"?year={last.end.year}")
    assert not Notification.objects.filter(kind=reminders.KIND).exists()  # no due reminder before day 15
    # Once: the job runs again the next days.
    job.run()
    assert reminders.run_missing(early)["messages"] == 0
    assert Notification.objects.filter(kind=kind, user=tree.users["resident_a1"]).count() == 1


def test_no_missed_reminder_after_a_make_up(party, secretary, tree):
    today = dates.today()
    last = periods.previous_period(periods.MONTH, today)
    record(party, secretary, Kind.COMMITTEE, today, counts_for=last.end)  # 补开 before the reminder went out
    reminders.run_missing(today)
    missed = Notification.objects.filter(
        kind=reminders.missing_kind(last.end), subject=f"party.partyorg:{party.branch.pk}"
    )
    assert not missed.filter(body__contains=str(Kind.COMMITTEE.label)).exists()


def test_an_inquorate_general_assembly_does_not_count_as_held(party, secretary, client):
    """8 of 21 full members present: no quorum (more than half needed), so the quarter is not done — it stays
    missing, and the calendar says why (未达法定人数)."""
    today = dates.today()
    last = periods.previous_period(periods.QUARTER, today)
    services.meeting_record(
        actor=secretary,
        org=party.branch,
        kind=Kind.GENERAL_ASSEMBLY,
        held_on=last.start + dt.timedelta(days=9),
        topic="党员大会",
        attendance={m.pk: "present" if i < 8 else "absent" for i, m in enumerate(party.full)},
    )
    comp = selectors.compliance(party.branch, last.start.year, today=today)
    cell = comp.cell(Kind.GENERAL_ASSEMBLY, last.key)
    assert cell.state == periods.MISSING and cell.inquorate
    client.force_login(secretary)
    body = client.get(reverse("orglife:calendar", args=[party.branch.pk]), {"year": last.start.year}).content.decode()
    assert f'data-testid="inquorate-{Kind.GENERAL_ASSEMBLY}-{last.key}"' in body and "未达法定人数" in body
    # A quorate make-up meeting for that quarter turns it into "held late".
    record(party, secretary, Kind.GENERAL_ASSEMBLY, today, counts_for=last.end)
    comp = selectors.compliance(party.branch, last.start.year, today=today)
    assert comp.cell(Kind.GENERAL_ASSEMBLY, last.key).state == periods.OVERDUE
