"""Choosing a place by searching for it (name of the place or of any place above it, or the start of its code)
instead of typing a 12–24 digit code: the ``PlacePicker`` widget and its endpoint ``areas:pick_places``; a grid
likewise by its name or its community's (``GridPicker``, ``areas:pick_grids``).

The picked value is the place's code, so a form's existing ``place_by_code`` check (in the user's scope) stays
the one validation; the endpoint only ever lists places ``restrict`` lets the user see.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from linli.core.permissions import Action, restrict
from linli.core.widgets import Option, Picker

from .models import Grid, Level, Place

LIMIT = 15
MAX_TERMS = 5
# how far up a term may match (a house: its unit, building, compound and community)
UP = (
    "name",
    "parent__name",
    "parent__parent__name",
    "parent__parent__parent__name",
    "parent__parent__parent__parent__name",
)
RELATED = "parent__parent__parent__parent"


def parse_levels(raw: str) -> list[int]:
    return [int(p) for p in (raw or "").split(",") if p.strip().isdigit() and int(p) in Level.values]


def _term_q(term: str) -> Q:
    if term.isdigit() and len(term) >= 6:
        return Q(code__startswith=term)
    q = Q()
    for name in UP:
        q |= Q(**{f"{name}__contains": term})
    return q


def search_places(
    user, q: str, *, levels=(), limit: int = LIMIT, action: str = Action.VIEW, extra: Q | None = None
) -> list[Place]:
    """Active places ``user`` may see whose name, or an ancestor's name, contains every term of ``q``
    (a 6+ digit term: the start of the code); shallow levels first, then by position in the tree."""
    terms = (q or "").split()[:MAX_TERMS]
    if not terms:
        return []
    qs = restrict(Place.objects.filter(is_active=True), user, action)
    if levels:
        qs = qs.filter(level__in=list(levels))
    if extra is not None:
        qs = qs.filter(extra)
    for term in terms:
        qs = qs.filter(_term_q(term[:30]))
    return list(qs.select_related(RELATED).order_by("level", "path")[:limit])


def place_label(place: Place) -> str:
    """The place under its community: 怡心花园 3栋 1单元 101 (a community or higher: its own name)."""
    names, p = [], place
    while p is not None and p.level > Level.COMMUNITY:
        names.append(p.name)
        p = p.parent if p.parent_id else None
    return " ".join(reversed(names)) if names else place.name


def place_detail(place: Place) -> str:
    community = place
    while community is not None and community.level > Level.COMMUNITY:
        community = community.parent if community.parent_id else None
    where = community.name if community is not None and community.pk != place.pk else ""
    return " · ".join(part for part in (str(place.level_label), where) if part)


def place_option(place: Place, detail: str = "") -> Option:
    return Option(place.code, place_label(place), detail or place_detail(place))


def label_for_code(code) -> str:
    """The text a picker shows for a code the server put in the form (an edit form's initial value)."""
    place = Place.objects.select_related(RELATED).filter(code=str(code)).first()
    return place_label(place) if place is not None else str(code)


class PlacePicker(Picker):
    """A place-code field's widget: ``levels`` limits the list (e.g. (3,) communities, (7,) houses)."""

    def __init__(self, *, levels=(), url_name: str = "areas:pick_places", placeholder: str = "", **kwargs):
        params = {"levels": ",".join(str(int(lv)) for lv in levels)} if levels else {}
        super().__init__(
            url_name,
            params=params,
            label_for=label_for_code,
            placeholder=placeholder or _("Type a place name, e.g. 怡心花园 3栋"),
            **kwargs,
        )


def render_options(request, options: list[Option], q: str):
    return render(request, "components/picker_options.html", {"options": options, "q": q})


@never_cache
@login_required
def pick_places(request):
    q = (request.GET.get("q") or "")[:60]
    found = search_places(request.user, q, levels=parse_levels(request.GET.get("levels", "")))
    return render_options(request, [place_option(p) for p in found], q)


# -- grids ------------------------------------------------------------------------------------------------------


def search_grids(user, q: str, *, limit: int = LIMIT) -> list[Grid]:
    """Active grids ``user`` may see whose name, code, or community's or street's name contains every term."""
    terms = (q or "").split()[:MAX_TERMS]
    if not terms:
        return []
    qs = restrict(Grid.objects.filter(is_active=True), user, Action.VIEW)
    for term in terms:
        term = term[:30]
        qs = qs.filter(
            Q(name__contains=term)
            | Q(code__istartswith=term)
            | Q(community__name__contains=term)
            | Q(community__parent__name__contains=term)
        )
    return list(qs.select_related("community__parent").order_by("community__path", "name")[:limit])


def grid_option(grid: Grid) -> Option:
    """Two grids of the same name are told apart by their community (and street)."""
    street = grid.community.parent.name if grid.community.parent_id else ""
    label = f"{grid.name} · {grid.community.name}"
    return Option(grid.code, label, " · ".join(part for part in (street, grid.code) if part))


def label_for_grid(code) -> str:
    grid = Grid.objects.select_related("community").filter(code=str(code)).first()
    return f"{grid.name} · {grid.community.name}" if grid is not None else str(code)


class GridPicker(Picker):
    """A grid-code field's widget: the value is the grid's code, still checked in the user's scope by the form."""

    def __init__(self, *, placeholder: str = "", **kwargs):
        super().__init__(
            "areas:pick_grids",
            label_for=label_for_grid,
            placeholder=placeholder or _("Type a grid or community name"),
            **kwargs,
        )


@never_cache
@login_required
def pick_grids(request):
    q = (request.GET.get("q") or "")[:60]
    return render_options(request, [grid_option(g) for g in search_grids(request.user, q)], q)
