"""The compliance calendar of one compound and one kind of meeting: pure functions, no database.

A year is cut into periods of the rhythm's length (1, 2, 3, 6 or 12 months, starting in January). A meeting counts
for the period holding its ``scheduled_on`` day. The state of a period:

* ``done``     — a meeting for it was held by the period's end;
* ``late``     — the period is over and its meeting was held only afterwards (补开);
* ``missing``  — the period is over and no meeting for it was held;
* ``due``      — the period is running and nothing held yet;
* ``upcoming`` — the period has not started.

A 三方议事 without all three seats present (party organisation, property company, owners' committee) was not a
three-party meeting: it never makes a period done or late; the cell says ``incomplete``.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass, field

DONE, LATE, MISSING, DUE, UPCOMING = "done", "late", "missing", "due", "upcoming"
STATES = (DONE, LATE, MISSING, DUE, UPCOMING)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    index: int  # 1-based within the year

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass
class Held:
    pk: int
    counts_for: dt.date
    held_on: dt.date
    complete: bool = True


@dataclass
class Cell:
    period: Period
    state: str
    records: list[Held] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        return self.state not in (DONE, LATE) and any(not r.complete for r in self.records)


def periods(year: int, interval: int) -> list[Period]:
    if interval < 1 or 12 % interval:
        raise ValueError(f"a rhythm divides the year: {interval!r}")
    out = []
    for i, first in enumerate(range(1, 13, interval), start=1):
        last = first + interval - 1
        out.append(Period(dt.date(year, first, 1), dt.date(year, last, _cal.monthrange(year, last)[1]), i))
    return out


def period_containing(day: dt.date, interval: int) -> Period:
    return next(p for p in periods(day.year, interval) if p.contains(day))


def state_of(period: Period, records: list[Held], today: dt.date) -> Cell:
    mine = [r for r in records if period.contains(r.counts_for)]
    valid = [r for r in mine if r.complete]
    if any(r.held_on <= period.end for r in valid):
        return Cell(period, DONE, mine)
    if today < period.start:
        return Cell(period, UPCOMING, mine)
    if today <= period.end:
        return Cell(period, DUE, mine)
    if valid:
        return Cell(period, LATE, mine)
    return Cell(period, MISSING, mine)


def cells(year: int, interval: int, records: list[Held], today: dt.date) -> list[Cell]:
    return [state_of(p, records, today) for p in periods(year, interval)]
