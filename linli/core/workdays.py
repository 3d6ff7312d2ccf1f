"""Working-day arithmetic on the Chinese statutory calendar (holidays and adjusted workdays, 调休).

The calendar is ``core.CalendarDay``: one row per day that breaks the Monday–Friday rule. Deadlines in
working days (work-order time limits, 公示 periods) are all computed here:

* ``is_workday(day)``;
* ``add_workdays(start, n)``: the date ``n`` working days after ``start`` (``start`` itself never counts:
  "within 3 working days" of a report made on a Friday before National Day ends on the 3rd working day after);
* ``workdays_between(a, b)``: working days in the half-open range ``(a, b]``;
* ``deadline(start_dt, n)``: the end (23:59:59.999999 local time) of the n-th working day after ``start_dt``;
  ``n == 0`` means the end of the same day (emergencies).

A year whose State Council arrangement is not entered (no ``core.CalendarYear``) is **provisional**: its statutory
holidays are computed from the law (``linli.core.holidays``), without 调休. ``is_provisional(first, last)`` tells
whether a span touches such a year and ``deadline_info`` returns a deadline with that flag; dates outside
2020–2099 raise ``CalendarRangeError`` rather than fall back to Monday–Friday.

Calendar years and months too: ``add_years(day, n)`` for terms of office (party organisations, owners' committees),
``add_months(day, n)`` for the audit retention floor.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils import timezone

from .holidays import FIRST_YEAR, LAST_YEAR, CalendarRangeError, check_year, statutory_holidays  # noqa: F401 (callers catch it here)

_SPAN_SLACK = 60  # days of calendar rows fetched beyond the naive estimate


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (earlier when negative); 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day, months: int):
    """The same day ``months`` later (earlier when negative), a date or a datetime; a day the target month lacks
    becomes its last day (31 August − 6 months = 28/29 February), as PostgreSQL's interval arithmetic does."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def arranged_years() -> set[int]:
    """Years whose State Council arrangement is entered (one small query)."""
    from .models import CalendarYear

    return set(CalendarYear.objects.values_list("year", flat=True))


def provisional_years(first: dt.date, last: dt.date | None = None) -> list[int]:
    """The years of ``first``–``last`` whose arrangement is not entered yet (their calendar is computed)."""
    last = last or first
    first, last = min(first, last), max(first, last)
    check_year(first.year)
    check_year(last.year)
    arranged = arranged_years()
    return [y for y in range(first.year, last.year + 1) if y not in arranged]


def is_provisional(first: dt.date, last: dt.date | None = None) -> bool:
    return bool(provisional_years(first, last))


def due_is_provisional(due: dt.datetime | dt.date | None, arranged: set[int] | None = None) -> bool:
    """Whether a stored deadline falls in a provisional year (pass ``arranged_years()`` when checking many).
    A deadline before the calendar's first year is long past and not provisional."""
    if due is None:
        return False
    day = local_date(due) if isinstance(due, dt.datetime) else due
    if day.year < FIRST_YEAR:
        return False
    check_year(day.year)
    return day.year not in (arranged_years() if arranged is None else arranged)


def default_is_workday(day: dt.date, arranged: bool) -> bool:
    """What a day is without a ``CalendarDay`` row: the weekday rule, and in a provisional year not a statutory
    holiday either."""
    if not arranged and day in statutory_holidays(day.year):
        return False
    return _weekday_rule(day)


def _overrides(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    """Every day of ``first``–``last`` that breaks the weekday rule: the rows, then in provisional years the
    statutory holidays computed from the law."""
    from .models import CalendarDay

    check_year(first.year)
    check_year(last.year)
    found = dict(CalendarDay.objects.filter(date__gte=first, date__lte=last).values_list("date", "is_workday"))
    for year in provisional_years(first, last):
        for day in statutory_holidays(year):
            if first <= day <= last:
                found.setdefault(day, False)
    return found


def calendar_exceptions(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    """Every day of ``first``–``last`` (clamped to the calendar's years) that breaks the weekday rule, for callers
    that count many spans at once (statistics): ``exceptions.get(day, day.weekday() < 5)``."""
    first, last = max(first, dt.date(FIRST_YEAR, 1, 1)), min(last, dt.date(LAST_YEAR, 12, 31))
    return _overrides(first, last) if first <= last else {}


def _weekday_rule(day: dt.date) -> bool:
    return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    found = _overrides(day, day)
    return found.get(day, _weekday_rule(day))


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The date of the ``n``-th working day after ``start`` (n ≥ 0; 0 → ``start``)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    check_year(start.year)
    if n == 0:
        return start
    last = start + dt.timedelta(days=n * 2 + _SPAN_SLACK)
    overrides = _overrides(start, last)
    day, left = start, n
    while left:
        day += dt.timedelta(days=1)
        if day > last:  # a very long holiday table: fetch further
            last = day + dt.timedelta(days=n * 2 + _SPAN_SLACK)
            overrides.update(_overrides(day, last))
        if overrides.get(day, _weekday_rule(day)):
            left -= 1
    return day


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days in ``(a, b]``; negative when ``b`` is before ``a``."""
    check_year(a.year)
    check_year(b.year)
    if b == a:
        return 0
    if b < a:
        return -workdays_between(b, a)
    overrides = _overrides(a, b)
    count, day = 0, a
    while day < b:
        day += dt.timedelta(days=1)
        if overrides.get(day, _weekday_rule(day)):
            count += 1
    return count


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def deadline(start: dt.datetime, n: int) -> dt.datetime:
    """End of the ``n``-th working day after ``start`` (an aware datetime), local time."""
    return end_of_day(add_workdays(local_date(start), n))


@dataclass(frozen=True)
class Deadline:
    """A deadline and whether it was computed through a provisional year (the State Council's 调休 for it not
    entered yet: it may move when the notice is)."""

    at: dt.datetime
    provisional: bool


def deadline_info(start: dt.datetime, n: int) -> Deadline:
    at = deadline(start, n)
    return Deadline(at=at, provisional=is_provisional(local_date(start), local_date(at)))


def workdays_overdue(due: dt.datetime, now: dt.datetime | None = None) -> int:
    """How many working days past ``due`` it is now (0 when not overdue)."""
    now = now or timezone.now()
    if now <= due:
        return 0
    return max(0, workdays_between(local_date(due), local_date(now)))


@lru_cache(maxsize=1)
def package_years() -> tuple[int, int]:
    """The years the installed ``chinesecalendar`` package knows."""
    import chinese_calendar

    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


def package_rows(first_year: int, last_year: int) -> list[tuple[dt.date, bool, str]]:
    """Every day of ``first_year``–``last_year`` that breaks the weekday rule, from ``chinesecalendar``."""
    import chinese_calendar

    names = {
        "New Year's Day": "元旦",
        "Spring Festival": "春节",
        "Tomb-sweeping Day": "清明节",
        "Labour Day": "劳动节",
        "Dragon Boat Festival": "端午节",
        "National Day": "国庆节",
        "Mid-autumn Festival": "中秋节",
        "Anti-Fascist 70th Day": "抗战胜利纪念日",
    }
    rows = []
    day, last = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    while day <= last:
        workday = chinese_calendar.is_workday(day)
        if workday != _weekday_rule(day):
            _on, name = chinese_calendar.get_holiday_detail(day)
            label = names.get(str(name), str(name or "")) if name else ""
            rows.append((day, workday, ("调休上班 " + label).strip() if workday else label))
        day += dt.timedelta(days=1)
    return rows
