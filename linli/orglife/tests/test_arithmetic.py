"""Pure rules: the 条例's counting and the compliance states of a period (no database)."""

import datetime as dt

import pytest

from linli.orglife import arithmetic as ar
from linli.orglife import periods as pr


@pytest.mark.parametrize(
    ("yes", "base", "passes"),
    [
        (10, 21, False),
        (11, 21, True),
        (10, 20, False),
        (11, 20, True),
        (0, 0, False),
        (1, 1, True),
        (1, 2, False),
    ],
)
def test_resolution_needs_more_than_half_of_entitled(yes, base, passes):
    assert ar.resolution_passes(yes, base) is passes


def test_votes_needed_is_exact():
    assert ar.votes_needed(21) == 11
    assert ar.votes_needed(20) == 11
    assert ar.votes_needed(3) == 2


@pytest.mark.parametrize(("present", "entitled", "ok"), [(11, 21, True), (10, 21, False), (3, 5, True), (2, 4, False)])
def test_quorum(present, entitled, ok):
    assert ar.has_quorum(present, entitled) is ok


def test_periods_cover_the_year():
    months = pr.periods_of(pr.MONTH, 2026)
    assert len(months) == 12 and months[1].end == dt.date(2026, 2, 28)
    quarters = pr.periods_of(pr.QUARTER, 2024)
    assert [q.start.month for q in quarters] == [1, 4, 7, 10] and quarters[0].end == dt.date(2024, 3, 31)
    assert pr.period_containing(pr.QUARTER, dt.date(2026, 11, 22)).key == "2026-Q4"
    assert pr.previous_period(pr.MONTH, dt.date(2026, 1, 5)).key == "2025-12"


def test_states_of_a_month():
    today = dt.date(2026, 11, 22)
    oct_, nov, dec = (pr.periods_of(pr.MONTH, 2026)[i] for i in (9, 10, 11))
    assert pr.state_of(oct_, [], today).state == pr.MISSING
    held = [pr.Held(dt.date(2026, 10, 9), dt.date(2026, 10, 9))]
    assert pr.state_of(oct_, held, today).state == pr.DONE
    makeup = [pr.Held(dt.date(2026, 11, 3), dt.date(2026, 10, 31))]
    assert pr.state_of(oct_, makeup, today).state == pr.OVERDUE
    assert pr.state_of(nov, [], today).state == pr.DUE
    assert pr.state_of(nov, [pr.Held(today, today)], today).state == pr.DONE
    assert pr.state_of(dec, [], today).state == pr.UPCOMING
    # A meeting in another month never counts for this one.
    assert pr.state_of(oct_, [pr.Held(dt.date(2026, 9, 30), dt.date(2026, 9, 30))], today).state == pr.MISSING
