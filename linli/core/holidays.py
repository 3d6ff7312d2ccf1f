"""Statutory holidays of any year, computed from the law (全国年节及纪念日放假办法).

The State Council publishes each year's arrangement (国务院办公厅关于…年部分节假日安排的通知: which days are off
and which weekend days are worked, 调休) only in November of the year before. Until it is entered, a year's calendar is
**provisional**: the statutory days below are holidays and the weekday rule does the rest, with no 调休.

* from 2025 (办法 as amended by 国务院令第798号, 2024): 元旦 1 (1 January), 春节 4 (除夕 and 正月初一 to 初三),
  清明节 1 (the 清明 solar term), 劳动节 2 (1–2 May), 端午节 1 (五月初五), 中秋节 1 (八月十五), 国庆节 3 (1–3 October);
* 2014–2024 (the 2013 amendment): the same except 春节 3 (初一 to 初三, no 除夕) and 劳动节 1 (1 May).

Lunar dates and the solar term come from ``lunar-python`` (6tail's lunar, astronomical algorithm, no tables to run
out). Years before ``FIRST_YEAR`` (the calendar has no data for them and work orders never go back that far) and
after ``LAST_YEAR`` raise ``CalendarRangeError``: never a silently wrong answer.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

FIRST_YEAR = 2020
LAST_YEAR = 2099
AMENDED_2024 = 2025  # the year the 2024 amendment took effect (春节 4 days, 劳动节 2 days)


class CalendarRangeError(ValueError):
    """A date outside the years the working-day calendar can answer for."""


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarRangeError(f"The working-day calendar covers {FIRST_YEAR}–{LAST_YEAR}; {year} is outside it.")


def _solar(lunar_solar) -> dt.date:
    return dt.date(lunar_solar.getYear(), lunar_solar.getMonth(), lunar_solar.getDay())


def lunar_to_date(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a lunar date (month 1–12, not leap) of lunar year ``year``."""
    from lunar_python import Lunar

    return _solar(Lunar.fromYmd(year, month, day).getSolar())


def qingming(year: int) -> dt.date:
    """The day of the 清明 solar term (4 or 5 April, Beijing time)."""
    from lunar_python import Solar

    term = Solar.fromYmd(year, 4, 20).getLunar().getJieQiTable()["清明"]
    day = dt.date(term.getYear(), term.getMonth(), term.getDay())
    if day.year != year or day.month != 4:  # the table is keyed on the lunar year: never expected to happen
        raise CalendarRangeError(f"清明 of {year} not found")
    return day


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Every statutory holiday of ``year`` with its name (days of two festivals carry both names)."""
    check_year(year)
    new_year = lunar_to_date(year, 1, 1)
    days: dict[dt.date, list[str]] = {}

    def add(day: dt.date, name: str) -> None:
        days.setdefault(day, []).append(name)

    add(dt.date(year, 1, 1), "元旦")
    first = -1 if year >= AMENDED_2024 else 0  # 除夕 from 2025
    for offset in range(first, 3):
        add(new_year + dt.timedelta(days=offset), "春节")
    add(qingming(year), "清明节")
    for day in range(1, 3 if year >= AMENDED_2024 else 2):
        add(dt.date(year, 5, day), "劳动节")
    add(lunar_to_date(year, 5, 5), "端午节")
    add(lunar_to_date(year, 8, 15), "中秋节")
    for day in range(1, 4):
        add(dt.date(year, 10, day), "国庆节")
    return {day: "、".join(names) for day, names in sorted(days.items())}
