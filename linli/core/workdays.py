"""Working-day arithmetic on the Chinese statutory calendar (holidays and adjusted workdays, 调休).

The calendar is ``core.CalendarDay``: one row per day that breaks the Monday–Friday rule. Deadlines in
working days (work-order time limits, 公示 periods) are all computed here:

* ``is_workday(day)``;
* ``add_workdays(start, n)``: the date ``n`` working days after ``start`` (``start`` itself never counts:
  "within 3 working days" of a report made on a Friday before National Day ends on the 3rd working day after);
* ``workdays_between(a, b)``: working days in the half-open range ``(a, b]``;
* ``deadline(start_dt, n)``: the end (23:59:59.999999 local time) of the n-th working day after ``start_dt``;
  ``n == 0`` means the end of the same day (emergencies).

Calendar years and months too: ``add_years(day, n)`` for terms of office (party organisations, owners' committees),
``add_months(day, n)`` for the audit retention floor.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

from django.utils import timezone

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


def _overrides(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    from .models import CalendarDay

    return dict(CalendarDay.objects.filter(date__gte=first, date__lte=last).values_list("date", "is_workday"))


def _weekday_rule(day: dt.date) -> bool:
    return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    found = _overrides(day, day)
    return found.get(day, _weekday_rule(day))


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The date of the ``n``-th working day after ``start`` (n ≥ 0; 0 → ``start``)."""
    if n < 0:
        raise ValueError("n must be >= 0")
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
