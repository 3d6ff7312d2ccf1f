"""Small builders for owners' committee tests (on top of the shared ``tree`` fixture)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from linli.core.testing import system_user
from linli.owners import services
from linli.registry import services as registry

_n = itertools.count(1)
TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=400)
END = services.add_years(START, 5) - dt.timedelta(days=1)


def resident(home, name=None, registered_at=None):
    return registry.resident_create(actor=system_user(), name=name or f"业主{next(_n)}", home=home,
                                    registered_at=registered_at, phone=f"1380000{next(_n):04d}")


def committee(compound, *, actor=None, start=START, end=END, **attrs):
    attrs.setdefault("name", f"{compound.name}业主委员会")
    return services.committee_create(actor=actor or system_user(), compound=compound, term_start=start,
                                     term_end=end, **attrs)


def seats(c, n, *, home, position="member", since=None):
    return [services.seat_add(actor=system_user(), committee=c, resident=resident(home), position=position,
                              since=since or c.term_start) for _ in range(n)]
