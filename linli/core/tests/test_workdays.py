"""Working-day arithmetic on the statutory calendar seeded from chinesecalendar (National Day 2026)."""

import datetime as dt

import pytest

from linli.core.models import CalendarDay
from linli.core.workdays import add_workdays, deadline, is_workday, workdays_between, workdays_overdue

pytestmark = pytest.mark.django_db

D = dt.date


def test_calendar_is_seeded_from_the_package():
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).is_workday is False
    assert CalendarDay.objects.get(date=D(2026, 10, 10)).is_workday is True  # Saturday made a workday
    assert not CalendarDay.objects.filter(date=D(2026, 11, 23)).exists()  # an ordinary Monday needs no row


def test_is_workday_follows_holidays_adjusted_days_and_weekends():
    assert is_workday(D(2026, 9, 30))  # Wednesday before National Day
    assert not is_workday(D(2026, 10, 5))  # Monday inside the holiday
    assert is_workday(D(2026, 9, 20))  # Sunday 调休 workday
    assert is_workday(D(2026, 10, 10))  # Saturday 调休 workday
    assert not is_workday(D(2026, 11, 21))  # ordinary Saturday


def test_adding_working_days_across_national_day():
    # Reported Wednesday 30 September: Oct 1–7 are holidays, Thu 8 = 1, Fri 9 = 2, Sat 10 (调休) = 3.
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_workdays(D(2026, 9, 30), 5) == D(2026, 10, 13)  # Sun 11 is rest, Mon 12 = 4, Tue 13 = 5
    assert add_workdays(D(2026, 9, 30), 0) == D(2026, 9, 30)


def test_reported_on_a_holiday_counts_from_the_next_working_day():
    assert add_workdays(D(2026, 10, 3), 1) == D(2026, 10, 8)


def test_workdays_between_is_the_inverse_of_adding():
    for n in range(0, 25):
        end = add_workdays(D(2026, 9, 25), n)
        assert workdays_between(D(2026, 9, 25), end) == n
    assert workdays_between(D(2026, 10, 13), D(2026, 9, 30)) == -5


def test_admins_can_override_a_future_year():
    # A made-up 2027 notice: Monday 4 January 2027 a holiday.
    assert is_workday(D(2027, 1, 4))
    CalendarDay.objects.create(date=D(2027, 1, 4), is_workday=False, name="元旦")
    assert not is_workday(D(2027, 1, 4))
    assert add_workdays(D(2027, 1, 1), 1) == D(2027, 1, 5)


def test_deadline_is_end_of_local_day_and_overdue_counts_working_days():
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime(2026, 9, 30, 16, 0))
    due = deadline(start, 3)
    assert timezone.localtime(due).date() == D(2026, 10, 10)
    assert timezone.localtime(due).hour == 23
    assert workdays_overdue(due, timezone.make_aware(dt.datetime(2026, 10, 10, 12, 0))) == 0
    assert workdays_overdue(due, timezone.make_aware(dt.datetime(2026, 10, 12, 9, 0))) == 1  # Mon 12
    assert workdays_overdue(due, timezone.make_aware(dt.datetime(2026, 10, 16, 9, 0))) == 5
