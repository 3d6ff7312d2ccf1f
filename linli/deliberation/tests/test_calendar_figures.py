"""The compliance calendar (done / late / missing / due / upcoming; an incomplete 三方议事 never counts), the
figures per compound and community, and the workbench to-dos."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.core import dates

from .. import calendar as cal
from .. import selectors, services, todos
from ..models import Kind
from . import factories as f

pytestmark = pytest.mark.django_db


def test_periods_divide_the_year():
    assert [p.start.month for p in cal.periods(2026, 3)] == [1, 4, 7, 10]
    assert cal.periods(2026, 12)[0].end == dt.date(2026, 12, 31)
    with pytest.raises(ValueError):
        cal.periods(2026, 5)


def test_states_of_a_period():
    p = cal.periods(2026, 1)[2]  # March
    today = dt.date(2026, 5, 10)
    on_time = cal.Held(1, dt.date(2026, 3, 15), dt.date(2026, 3, 20))
    late = cal.Held(2, dt.date(2026, 3, 15), dt.date(2026, 4, 2))
    incomplete = cal.Held(3, dt.date(2026, 3, 15), dt.date(2026, 3, 20), complete=False)
    assert cal.state_of(p, [on_time], today).state == cal.DONE
    assert cal.state_of(p, [late], today).state == cal.LATE
    assert cal.state_of(p, [], today).state == cal.MISSING
    cell = cal.state_of(p, [incomplete], today)
    assert cell.state == cal.MISSING and cell.incomplete
    assert cal.state_of(p, [], dt.date(2026, 3, 5)).state == cal.DUE
    assert cal.state_of(p, [], dt.date(2026, 2, 5)).state == cal.UPCOMING


def test_calendar_of_a_compound_reads_held_meetings(tree, monkeypatch):
    today = dt.date(2026, 6, 10)
    monkeypatch.setattr(dates, "today", lambda: today)
    f.held(tree, day=dt.date(2026, 3, 15))  # done
    f.held(tree, day=dt.date(2026, 4, 20), held_on=dt.date(2026, 5, 3))  # late
    f.held(tree, day=dt.date(2026, 5, 15), seats=False)  # incomplete: missing
    rows = selectors.calendar(tree.users["secretary_a1"], year=2026, today=today)
    (row,) = [r for r in rows if r.compound == tree.compound_a1]
    states = [c.state for c in row.cells]
    assert states[2:6] == [cal.DONE, cal.LATE, cal.MISSING, cal.DUE]
    assert row.cells[4].incomplete and states[0] == cal.MISSING and states[11] == cal.UPCOMING
    # in scope: the street; out of scope: department staff (places in their area, no deliberation), nobody
    assert any(r.compound == tree.compound_a1 for r in selectors.calendar(tree.users["street_a"], year=2026))
    assert any(r.compound == tree.compound_a1 for r in selectors.calendar(tree.users["grid_a"], year=2026))
    for user in ("dept_staff", "nobody", "resident_a1"):
        assert selectors.calendar(tree.users[user], year=2026) == []
    assert {r.compound for r in selectors.calendar(tree.users["property_staff"], year=2026)} == {tree.compound_a1}


def test_a_quarterly_rhythm_and_a_kind_without_one(tree, monkeypatch):
    today = dt.date(2026, 6, 10)
    monkeypatch.setattr(dates, "today", lambda: today)
    sec = tree.users["secretary_a1"]
    services.rhythm_set(actor=sec, compound=tree.compound_a1, kind=Kind.TRIPARTITE, interval_months=3)
    services.rhythm_set(actor=sec, compound=tree.compound_a1, kind=Kind.RESIDENTS, interval_months=6)
    rows = [r for r in selectors.calendar(sec, year=2026, today=today) if r.compound == tree.compound_a1]
    assert {(r.kind, len(r.cells)) for r in rows} == {(Kind.TRIPARTITE, 4), (Kind.RESIDENTS, 2)}


def test_figures_per_compound_and_community(tree, django_capture_on_commit_callbacks, monkeypatch):
    sec = tree.users["secretary_a1"]
    today = dates.today()
    solved = f.matter(tree, title="a")
    m = f.meeting(tree)
    services.agenda_add(actor=sec, meeting=m, matter=solved)
    f.three_seats(tree, m)
    m = services.meeting_hold(actor=sec, meeting=m, held_on=today, minutes="纪要")
    services.matter_solve(actor=sec, matter=solved, meeting=m, resolution="ok")
    handed = f.matter(tree, title="b", place=tree.building_a1)
    case = services.matter_hand_over(actor=sec, matter=handed)
    from .test_matters import walk_to_archived

    with django_capture_on_commit_callbacks(execute=True):
        walk_to_archived(tree, case)
    f.matter(tree, title="c")  # open
    declined = f.matter(tree, title="d")
    services.matter_decline(actor=sec, matter=declined, reason="重复")
    total, communities, compounds = selectors.figures(sec, year=today.year)
    assert (total.raised, total.solved, total.open, total.declined) == (4, 2, 1, 1)
    assert (total.by_meeting, total.by_workorder, total.share_meeting, total.share_workorder) == (1, 1, 50, 50)
    assert total.median_days == 0
    assert [c.place for c in communities] == [tree.comm_a1] and [c.place for c in compounds] == [tree.compound_a1]
    nobody, _, _ = selectors.figures(tree.users["dept_other_staff"], year=today.year)
    assert nobody.raised == 0


def test_todos_and_figure_for_the_secretary(tree, django_assert_max_num_queries):
    sec = tree.users["secretary_a1"]
    f.matter(tree)
    assert "deliberation.due" not in {t.key for t in todos.collect(sec)}  # nothing set up yet
    f.held(tree, day=f.last_month())  # deliberation runs here: this month's 三方议事 is due
    with django_assert_max_num_queries(12):
        items = {t.key: t for t in todos.collect(sec)}
    assert items["deliberation.waiting"].count == 1
    assert items["deliberation.due"].count == 1
    (fig,) = todos.figures(sec)
    assert fig.value == 1
    assert todos.collect(tree.users["nobody"]) == [] and todos.figures(tree.users["nobody"]) == []
    assert todos.figures(tree.users["resident_a1"]) == []  # figures are for staff
    assert "deliberation.due" not in {t.key for t in todos.collect(tree.users["grid_a"])}


def test_default_rhythm_from_settings(tree, settings):
    settings.LINLI_DELIBERATION_TRIPARTITE_MONTHS = 3
    rows = selectors.calendar(tree.users["secretary_a1"], year=2026)
    assert {len(r.cells) for r in rows} == {4}
    settings.LINLI_DELIBERATION_TRIPARTITE_MONTHS = 5  # not a divisor of the year: monthly
    rows = selectors.calendar(tree.users["secretary_a1"], year=2026)
    assert {len(r.cells) for r in rows} == {12}
