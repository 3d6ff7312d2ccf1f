"""Small builders for owners' committee tests (on top of the shared ``tree`` fixture)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from linli.accounts.testing import system_user
from linli.owners import services
from linli.registry import services as registry

_n = itertools.count(1)
TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=400)
END = services.add_years(START, 5) - dt.timedelta(days=1)


def resident(home, name=None, registered_at=None):
    return registry.resident_create(
        actor=system_user(),
        name=name or f"业主{next(_n)}",
        home=home,
        registered_at=registered_at,
        phone=f"1380000{next(_n):04d}",
    )


def own(person, home, *, since=None, kind="owner"):
    """``person`` owns a house of their own beside ``home`` (same unit, so the same compound): the registry's
    ownership record that a committee seat needs."""
    from linli.areas import services as areas

    n = next(_n)
    house = areas.place_create(
        actor=system_user(),
        parent=home.parent,
        name=f"{900 + n}",
        floor=9,
        number=f"{900 + n}",
        area=Decimal("88.00"),
        area_source="registered",
        use="residential",
    )
    return registry.occupancy_add(
        actor=system_user(), house=house, resident=person, kind=kind, since=since or dt.date(2005, 1, 1)
    )


def owner(home, name=None, **kw):
    """A resident living in ``home`` who owns a house in its compound."""
    person = resident(home, name=name)
    own(person, home, **kw)
    return person


def committee(compound, *, actor=None, start=START, end=END, **attrs):
    attrs.setdefault("name", f"{compound.name}业主委员会")
    return services.committee_create(
        actor=actor or system_user(), compound=compound, term_start=start, term_end=end, **attrs
    )


def seats(c, n, *, home, position="member", since=None):
    return [
        services.seat_add(
            actor=system_user(), committee=c, resident=owner(home), position=position, since=since or c.term_start
        )
        for _ in range(n)
    ]
