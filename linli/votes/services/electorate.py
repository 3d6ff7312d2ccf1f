"""The electorate of a decision: every 专有部分 (house-level place) of the compound, with its area and its owners from
the registry, read and checked before it is frozen at the notice.

* Area (司法解释 第8条): the house's recorded area and which one it is (registered, else surveyed, else contract —
  ``Place.area_source`` says which the register holds). A unit without an area is a problem, never skipped.
* Owners: the registry's owner and co-owner records in force (``registry.selectors.owner_holdings``). A unit with
  none is the developer's if staff marked it so (``DeveloperUnit``), a problem otherwise.
* Heads (第9条): units with the same owner set are one head (one owner of several units = 1); the developer's units
  together are one head (holder 0).
* Who votes: the only owner; among co-owners the representative they designated (``Designation``), else the one
  record of kind "owner" (the others being "co-owner"); a unit of co-owners with neither is a problem.
* Places of use "public" are common parts, not 专有部分, and are left out (and say so on the page).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from linli.areas.models import Level, Place
from linli.core import dates
from linli.core.paths import subtree_q
from linli.registry.selectors import owner_holdings

from ..models import Decision, Designation, DeveloperUnit

NOT_EXCLUSIVE_USES = ("public",)


@dataclass
class UnitRow:
    house_id: int
    code: str
    label: str
    area_centi: int | None
    area_source: str
    owner_ids: list[int] = field(default_factory=list)
    representative_id: int | None = None
    is_developer: bool = False
    holder: int = 0
    problems: list[str] = field(default_factory=list)


def houses_of(compound: Place):
    return (
        Place.objects.filter(subtree_q("path", compound.path), level=Level.HOUSE, is_active=True)
        .exclude(use__in=NOT_EXCLUSIVE_USES)
        .order_by("path")
    )


def _labels(compound: Place, houses) -> dict[int, str]:
    names = dict(
        Place.objects.filter(subtree_q("path", compound.path), level__in=(Level.BUILDING, Level.UNIT)).values_list(
            "path", "name"
        )
    )
    labels = {}
    for house in houses:
        parts = [names.get(house.path[:n], "") for n in (18, 20)]
        labels[house.pk] = "".join(p for p in parts if p) + house.name
    return labels


def read(decision: Decision) -> list[UnitRow]:
    """The electorate as the registers hold it today, with each unit's problems (none = complete)."""
    compound = decision.compound
    houses = list(houses_of(compound).only("pk", "path", "code", "name", "area", "area_source"))
    labels = _labels(compound, houses)
    owners: dict[int, list] = defaultdict(list)
    for occ in owner_holdings(compound, on=dates.today()).only("house_id", "resident_id", "kind"):
        owners[occ.house_id].append(occ)
    developer = set(
        DeveloperUnit.objects.filter(subtree_q("scope_path", compound.path)).values_list("house_id", flat=True)
    )
    designated = dict(Designation.objects.filter(decision=decision).values_list("house_id", "resident_id"))
    rows, holders = [], {}
    for house in houses:
        row = UnitRow(
            house_id=house.pk,
            code=house.code,
            label=labels[house.pk],
            area_centi=int(house.area * 100) if house.area is not None else None,
            area_source=house.area_source or "",
        )
        if row.area_centi is None:
            row.problems.append(_("no area recorded"))
        held = owners.get(house.pk, [])
        row.owner_ids = sorted({o.resident_id for o in held})
        if not row.owner_ids:
            if house.pk in developer:
                row.is_developer = True
            else:
                row.problems.append(_("no owner recorded"))
        elif len(row.owner_ids) == 1:
            row.representative_id = row.owner_ids[0]
        elif designated.get(house.pk) in row.owner_ids:
            row.representative_id = designated[house.pk]
        else:
            primary = sorted({o.resident_id for o in held if o.kind == "owner"})
            if len(primary) == 1:
                row.representative_id = primary[0]
            else:
                row.problems.append(_("co-owners have not designated a representative"))
        if row.is_developer:
            row.holder = 0
        elif row.owner_ids:
            row.holder = holders.setdefault(tuple(row.owner_ids), len(holders) + 1)
        rows.append(row)
    return rows


def problems(rows: list[UnitRow]) -> list[str]:
    """One line per incomplete unit: "1栋1单元101: no area recorded; no owner recorded"."""
    return [f"{row.label}: {'; '.join(row.problems)}" for row in rows if row.problems]


def summary(rows: list[UnitRow]) -> dict:
    complete = [r for r in rows if not r.problems]
    return {
        "units": len(rows),
        "area_centi": sum(r.area_centi or 0 for r in complete),
        "heads": len({r.holder for r in complete}),
        "developer_units": sum(1 for r in rows if r.is_developer),
        "problems": problems(rows),
    }
