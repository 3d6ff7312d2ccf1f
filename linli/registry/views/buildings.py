"""The building view (楼盘表): every house of a building with its occupancy."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from linli.areas.models import Level, Place
from linli.core.paths import UNIT, path_at, subtree_q
from linli.core.permissions import Action, can_at, may_any, restrict

from ..models import Occupancy, Resident
from ..models.occupancy import OWNER_KINDS
from .common import SECTION

OCCUPANCY_STATES = {
    "owner": _("Owner-occupied"),
    "tenant": _("Rented"),
    "occupied": _("Lived in, no owner on record"),
    "owned_empty": _("Owned, nobody registered"),
    "vacant": _("Vacant"),
}


def _house_state(kinds: set[str], residents: int) -> str:
    if kinds - {str(k) for k in OWNER_KINDS}:
        return "tenant"
    if kinds:
        return "owner" if residents else "owned_empty"
    return "occupied" if residents else "vacant"


def building_layout(user, building: Place) -> dict:
    """Units as columns, floors as rows (top floor first), each cell the houses on that floor of that unit.
    Five queries whatever the building's size."""
    units = list(
        restrict(Place.objects.filter(parent=building, level=Level.UNIT, is_active=True), user, Action.VIEW).order_by(
            "path"
        )
    )
    houses = list(
        restrict(
            Place.objects.filter(subtree_q("path", building.path), level=Level.HOUSE, is_active=True), user, Action.VIEW
        ).order_by("path")
    )
    kinds: dict[int, set[str]] = defaultdict(set)
    owners: dict[int, int] = defaultdict(int)
    for row in restrict(
        Occupancy.objects.filter(subtree_q("scope_path", building.path), until__isnull=True), user, Action.VIEW
    ).values("house_id", "kind"):
        kinds[row["house_id"]].add(row["kind"])
        owners[row["house_id"]] += row["kind"] in OWNER_KINDS
    counts = {
        row["home_id"]: row["n"]
        for row in (
            restrict(
                Resident.objects.active().filter(subtree_q("scope_path", building.path), home__isnull=False),
                user,
                Action.VIEW,
            )
            .values("home_id")
            .annotate(n=Count("id"))
        )
    }

    unit_paths = {u.path: u for u in units}
    by_cell: dict[tuple[int, str], list] = defaultdict(list)
    floors = set(range(1, (building.floors or 0) + 1))
    orphans = []
    for house in houses:
        unit_path = path_at(house.path, UNIT)
        if unit_path not in unit_paths:
            orphans.append(house)
            continue
        n = counts.get(house.pk, 0)
        house.resident_count = n
        house.state = _house_state(kinds.get(house.pk, set()), n)
        house.state_label = OCCUPANCY_STATES[house.state]
        house.owner_count = owners.get(house.pk, 0)
        floor = house.floor if house.floor is not None else 0
        floors.add(floor)
        by_cell[(floor, unit_path)].append(house)
    rows = [(floor, [by_cell.get((floor, u.path), []) for u in units]) for floor in sorted(floors, reverse=True)]
    totals = defaultdict(int)
    for house in houses:
        if hasattr(house, "state"):
            totals[house.state] += 1
    return {
        "units": units,
        "rows": rows,
        "legend": [(key, label, totals.get(key, 0)) for key, label in OCCUPANCY_STATES.items()],
        "house_count": len(houses) - len(orphans),
        "resident_total": sum(counts.values()),
    }


@login_required
def building_view(request, code: str):
    user = request.user
    building = get_object_or_404(
        restrict(Place.objects.filter(level=Level.BUILDING).select_related("parent", "grid"), user, Action.VIEW),
        code=code,
    )
    if not may_any(user, Resident, Action.VIEW):
        raise PermissionDenied(_("You cannot see who lives here."))
    return render(
        request,
        "registry/building_view.html",
        {
            "section": SECTION,
            "building": building,
            "may_add_resident": can_at(user, Action.ADD, Resident, building.path),
            **building_layout(user, building),
        },
    )
