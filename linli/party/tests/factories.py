"""Small builders for party tests (on top of the shared ``tree`` fixture)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from linli.accounts.testing import system_user
from linli.party import services
from linli.registry import services as registry

_n = itertools.count(1)
JOINED = dt.date(2010, 7, 1)


def resident(home, name=None, political_status="cpc_member"):
    return registry.resident_create(
        actor=system_user(),
        name=name or f"党员{next(_n)}",
        home=home,
        phone=f"1390000{next(_n):04d}",
        political_status=political_status,
    )


def committee(tree, community):
    from linli.party.models import PartyOrg

    existing = PartyOrg.objects.filter(kind="community_committee", place=community).first()
    if existing:
        return existing
    return services.org_create(
        actor=system_user(), place=community, kind="community_committee", name=f"{community.name}党委"
    )


def branch(tree, *, place=None, name=None, parent=None, **attrs):
    place = place or tree.compound_a1
    community = place if place.level == 3 else place.parent
    if parent is None:
        parent = committee(tree, community)
    return services.org_create(
        actor=system_user(), place=place, kind="branch", name=name or f"支部{next(_n)}", parent=parent, **attrs
    )


def members(org, n, *, home, status="full", joined=JOINED, group=None):
    root = system_user()
    return [
        services.member_add(
            actor=root,
            org=org,
            resident=resident(home),
            joined_on=joined,
            status=status,
            full_on=joined + dt.timedelta(days=365) if status == "full" else None,
            group=group,
        )
        for _ in range(n)
    ]


def inservice(tree, *, community=None, employer=None, reported_on=None, home=None):
    return services.inservice_report(
        actor=system_user(),
        resident=resident(home or tree.house_a1),
        community=community or tree.comm_a1,
        employer=employer or tree.dept,
        reported_on=reported_on or timezone.localdate(),
        skills="法律",
    )
