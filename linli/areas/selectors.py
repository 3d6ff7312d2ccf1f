"""Reads of places and grids for pages, API, exports: always through the permission chokepoint."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from linli.core.paths import COMMUNITY, minimal_prefixes, path_at, subtree_q
from linli.core.permissions import Action, bindings_for, restrict

from .models import Grid, Level, Place

CODE_RE = re.compile(r"^\d{1,24}$")


def parse_place_code(code: str, field: str = "under") -> str:
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise ValidationError({field: _("A place code is 6 to 24 digits.")})
    return code


def place_by_code(user, code: str, action: str = Action.VIEW, field: str = "under") -> Place:
    """The place with ``code`` that ``user`` may see; 'unknown' for malformed, missing or out of scope."""
    code = parse_place_code(code, field)
    place = restrict(Place.objects.all(), user, action).filter(code=code).first()
    if place is None:
        raise ValidationError({field: _("Unknown place code: %(code)s") % {"code": code}})
    return place


def places(
    user,
    *,
    action: str = Action.VIEW,
    under: Place | None = None,
    level: int | None = None,
    q: str = "",
    grid: Grid | None = None,
    include_archived: bool = False,
):
    qs = restrict(Place.objects.all(), user, action).select_related("parent", "grid")
    if under is not None:
        qs = qs.filter(subtree_q("path", under.path))
    if level:
        qs = qs.filter(level=level)
    if grid is not None:
        qs = qs.filter(grid=grid)
    if not include_archived:
        qs = qs.filter(is_active=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q) | Q(address__icontains=q))
    return qs.order_by("path")


def roots_for(user):
    """The topmost places a user can see (for the tree browser): visible places whose parent is not."""
    visible = restrict(Place.objects.filter(is_active=True), user, Action.VIEW)
    if user.is_superuser:
        return visible.filter(level=Level.DISTRICT)
    prefixes = sorted({p for b in bindings_for(user) for p in Place.coverage_prefixes(b)})
    return visible.filter(path__in=minimal_prefixes(prefixes)).order_by("path")


def children(user, place: Place):
    return restrict(place.children.filter(is_active=True), user, Action.VIEW).select_related("grid").order_by("path")


def breadcrumbs(place: Place) -> list[Place]:
    return list(Place.objects.filter(path__in=place.ancestor_paths()).order_by("path"))


def grids(user, *, action: str = Action.VIEW, under: Place | None = None, q: str = "", include_archived: bool = False):
    qs = restrict(Grid.objects.all(), user, action).select_related("community")
    if under is not None:
        if under.level <= Level.COMMUNITY:
            qs = qs.filter(subtree_q("scope_path", under.path))
        else:
            qs = qs.filter(scope_path=path_at(under.path, COMMUNITY))
    if not include_archived:
        qs = qs.filter(is_active=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return qs.annotate(building_count=Count("buildings", filter=Q(buildings__is_active=True))).order_by("code")


def household_counts(grid_ids) -> dict[int, int]:
    """Residential houses per grid (one query for a whole page of grids)."""
    rows = (
        Place.objects.filter(
            level=Level.HOUSE, is_active=True, use="residential", parent__parent__grid_id__in=list(grid_ids)
        )
        .values("parent__parent__grid_id")
        .annotate(n=Count("id"))
    )
    return {r["parent__parent__grid_id"]: r["n"] for r in rows}
