"""Party structures for organisational-life tests, built through the party app's services."""

from __future__ import annotations

import datetime as dt

from linli.accounts.testing import system_user
from linli.registry.models import Resident

JOINED = dt.date(2010, 7, 1)


def residents(place, names: list[str]) -> list[Resident]:
    # Bulk rows (no ID/phone needed here): the registry's own services are tested there.
    return Resident.objects.bulk_create(
        [Resident(name=n, home=place, scope_path=place.path, address=place.name) for n in names]
    )


def org(kind: str, name: str, place, parent=None):
    from linli.party import services

    return services.org_create(
        actor=system_user(), place=place, kind=kind, name=name, parent=parent, term_start=dt.date(2023, 1, 1)
    )


def member(branch, resident, status: str = "full", group=None):
    from linli.party import services

    extra = {"group": group} if group is not None else {}
    return services.member_add(
        actor=system_user(),
        org=branch,
        resident=resident,
        joined_on=JOINED,
        status=status,
        full_on=JOINED + dt.timedelta(days=365) if status == "full" else None,
        registered_on=dt.date(2020, 1, 1),
        **extra,
    )


def seat(party_org, party_member, position: str = "member"):
    from linli.party import services

    return services.seat_add(
        actor=system_user(), org=party_org, member=party_member, position=position, term_start=dt.date(2023, 1, 1)
    )


class PartyTree:
    """Community A1's committee → branch A (compound A1): 21 full + 2 probationary members, a committee of 5
    (seat 0 = secretary), group 1栋 of 4 of the full members; community B1's branch B (out of the A1 secretary's
    scope): 3 full members and a fourth."""

    def __init__(self, tree):
        self.tree = tree
        self.committee_org = org("community_committee", "雨秀社区党委", tree.comm_a1)
        self.branch = org("branch", "怡心花园党支部", tree.compound_a1, parent=self.committee_org)
        self.group = org("group", "1栋党小组", tree.building_a1, parent=self.branch)
        people = residents(tree.house_a1, [f"党员{i:02d}" for i in range(23)])
        self.full = [member(self.branch, r) for r in people[:17]]
        self.group_members = [member(self.branch, r, group=self.group) for r in people[17:21]]
        self.full += self.group_members
        self.probationary = [member(self.branch, r, status="probationary") for r in people[21:23]]
        self.committee = self.full[:5]
        self.seats = [seat(self.branch, m, "secretary" if i == 0 else "member") for i, m in enumerate(self.committee)]
        committee_b = org("community_committee", "半山花园社区党委", tree.comm_b1)
        self.branch_b = org("branch", "半山花园党支部", tree.comm_b1, parent=committee_b)
        people_b = residents(tree.house_b1, ["乙一", "乙二", "乙三", "乙四"])
        self.full_b = [member(self.branch_b, r) for r in people_b[:3]]
        self.outsider = member(self.branch_b, people_b[3])
