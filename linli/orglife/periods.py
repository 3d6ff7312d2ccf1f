"""Calendar periods (month, quarter, year) and the compliance state of one required item in one period.

Pure functions, no database: ``selectors.compliance`` feeds them the meetings it read.

States of a required item in a period:

* ``done``     — held inside the period;
* ``due``      — the period is running and it has not been held yet;
* ``overdue``  — the period is over, and it was only held afterwards as a make-up (补开: a meeting recorded
                 "for" this period but held after its end);
* ``missing``  — the period is over and it was never held (shown red);
* ``upcoming`` — the period has not started.

A meeting held without its quorum (``Held.quorate`` false: a 支部党员大会 with half or fewer of the members present)
was not held in law: it never makes a period done or held late; the cell keeps it in ``records`` and says
``inquorate`` so the calendar can show 未达法定人数.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

MONTH, QUARTER, YEAR = "month", "quarter", "year"

DONE, DUE, OVERDUE, MISSING, UPCOMING = "done", "due", "overdue", "missing", "upcoming"
STATES = (DONE, DUE, OVERDUE, MISSING, UPCOMING)


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    kind: str
    index: int  # month 1-12, quarter 1-4, year 1

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.start.year}-{self.index:02d}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{self.index}"
        return str(self.start.year)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(dt.date(year, month, 1), dt.date(year, month, last), MONTH, month)


def _quarter(year: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    last = calendar.monthrange(year, first + 2)[1]
    return Period(dt.date(year, first, 1), dt.date(year, first + 2, last), QUARTER, q)


def periods_of(kind: str, year: int) -> list[Period]:
    if kind == MONTH:
        return [_month(year, m) for m in range(1, 13)]
    if kind == QUARTER:
        return [_quarter(year, q) for q in range(1, 5)]
    if kind == YEAR:
        return [Period(dt.date(year, 1, 1), dt.date(year, 12, 31), YEAR, 1)]
    raise ValueError(f"unknown period kind {kind!r}")


def period_containing(kind: str, day: dt.date) -> Period:
    if kind == MONTH:
        return _month(day.year, day.month)
    if kind == QUARTER:
        return _quarter(day.year, (day.month - 1) // 3 + 1)
    return periods_of(YEAR, day.year)[0]


def previous_period(kind: str, day: dt.date) -> Period:
    current = period_containing(kind, day)
    return period_containing(kind, current.start - dt.timedelta(days=1))


@dataclass
class Held:
    """One record counting towards a period: the day it was held and the day it counts for (补开)."""

    held_on: dt.date
    counts_for: dt.date
    pk: int | None = None
    quorate: bool = True


@dataclass
class Cell:
    period: Period
    state: str
    records: list[Held] = field(default_factory=list)

    @property
    def inquorate(self) -> bool:
        """A meeting was recorded for this period but lacked its quorum (and no valid one made it done)."""
        return self.state != DONE and any(not r.quorate for r in self.records)


def state_of(period: Period, records: list[Held], today: dt.date, required: int = 1) -> Cell:
    """The state of one item in ``period`` given the records that count for it."""
    mine = [r for r in records if period.contains(r.counts_for)]
    valid = [r for r in mine if r.quorate]
    on_time = [r for r in valid if r.held_on <= period.end]
    if len(on_time) >= required:
        return Cell(period, DONE, mine)
    if today < period.start:
        return Cell(period, UPCOMING, mine)
    if today <= period.end:
        return Cell(period, DUE, mine)
    if len(valid) >= required:
        return Cell(period, OVERDUE, mine)
    return Cell(period, MISSING, mine)


def cells(kind: str, year: int, records: list[Held], today: dt.date, required: int = 1) -> list[Cell]:
    return [state_of(p, records, today, required) for p in periods_of(kind, year)]
