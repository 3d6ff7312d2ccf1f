"""/api/v1/places and /api/v1/grids — thin wrappers over the services and selectors."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.permissions import Action, restrict
from linli.core.replica import reads_from_replica

from . import selectors, services
from .models import AreaSource, Grid, HouseUse, Place

places_router = Router(tags=["places"])
grids_router = Router(tags=["grids"])


class PlaceOut(Schema):
    code: str
    path: str
    level: int
    level_label: str
    name: str
    parent_code: str | None = Field(None, alias="parent.code")
    is_active: bool
    address: str
    floors: int | None = None
    unit_count: int | None = None
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    grid_code: str | None = Field(None, alias="grid.code")
    floor: int | None = None
    number: str = ""
    area: Decimal | None = None
    area_source: str = ""
    use: str = ""
    updated_at: datetime


class PlaceFilters(Schema):
    under: str | None = Field(None, description="Only places in the subtree of this place code (inclusive).")
    level: int | None = Field(None, ge=1, le=7, description="1 district … 7 house")
    q: str | None = Field(None, max_length=60, description="Name, address or code prefix")
    grid: str | None = Field(None, max_length=20, description="Grid code")
    include_archived: bool = False


class PlaceIn(Schema):
    parent: str | None = Field(None, max_length=24, description="Code of the parent place; omit for a district")
    code: str | None = Field(None, max_length=24, description="Required for district/street/community")
    name: str = Field(..., min_length=1, max_length=60)
    address: str = Field("", max_length=200)
    floors: int | None = Field(None, ge=1, le=200)
    unit_count: int | None = Field(None, ge=1, le=99)
    longitude: Decimal | None = Field(None, ge=73, le=136, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, ge=3, le=54, max_digits=9, decimal_places=6)
    floor: int | None = Field(None, ge=-9, le=200)
    number: str = Field("", max_length=10)
    area: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=2)
    area_source: AreaSource | None = None
    use: HouseUse | None = None


class PlacePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=60)
    address: str | None = Field(None, max_length=200)
    floors: int | None = Field(None, ge=1, le=200)
    unit_count: int | None = Field(None, ge=1, le=99)
    longitude: Decimal | None = Field(None, ge=73, le=136, max_digits=9, decimal_places=6)
    latitude: Decimal | None = Field(None, ge=3, le=54, max_digits=9, decimal_places=6)
    floor: int | None = Field(None, ge=-9, le=200)
    number: str | None = Field(None, max_length=10)
    area: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=2)
    area_source: AreaSource | None = None
    use: HouseUse | None = None


class MoveIn(Schema):
    parent: str = Field(..., max_length=24, description="Code of the new parent place")


def _clean(data: dict) -> dict:
    return {k: ("" if v is None and k in ("area_source", "use", "number", "address") else v) for k, v in data.items()}


@places_router.get("", response={200: list[PlaceOut], **ERROR_RESPONSES}, summary="List places in scope")
@reads_from_replica  # a list: may read a streaming replica when one is configured (linli.core.replica)
@paginate(PageNumber)
def list_places(request, filters: Query[PlaceFilters]):
    under = selectors.place_by_code(request.auth, filters.under) if filters.under else None
    grid = None
    if filters.grid:
        grid = restrict(Grid.objects.all(), request.auth, Action.VIEW).filter(code=filters.grid).first()
        if grid is None:
            raise ValidationError({"grid": _("Unknown grid code.")})
    return selectors.places(
        request.auth,
        under=under,
        level=filters.level,
        q=filters.q or "",
        grid=grid,
        include_archived=filters.include_archived,
    )


@places_router.post("", response={201: PlaceOut, **ERROR_RESPONSES}, summary="Create a place")
def create_place(request, payload: PlaceIn):
    data = payload.dict(exclude_unset=True)
    parent_code = data.pop("parent", None)
    parent = selectors.place_by_code(request.auth, parent_code, field="parent") if parent_code else None
    place = services.place_create(actor=request.auth, parent=parent, **_clean(data))
    return Status(201, place)


def _get(request, code: str, action=Action.VIEW) -> Place:
    return get_object_or_404(restrict(Place.objects.select_related("parent", "grid"), request.auth, action), code=code)


@places_router.get("/{code}", response={200: PlaceOut, **ERROR_RESPONSES}, summary="One place")
def get_place(request, code: str):
    return _get(request, code)


@places_router.patch("/{code}", response={200: PlaceOut, **ERROR_RESPONSES}, summary="Edit a place")
def update_place(request, code: str, payload: PlacePatch):
    place = _get(request, code)
    return services.place_update(actor=request.auth, place=place, **_clean(payload.dict(exclude_unset=True)))


@places_router.post("/{code}/move", response={200: PlaceOut, **ERROR_RESPONSES}, summary="Move a place")
def move_place(request, code: str, payload: MoveIn):
    place = _get(request, code)
    new_parent = selectors.place_by_code(request.auth, payload.parent, field="parent")
    return services.place_move(actor=request.auth, place=place, new_parent=new_parent)


@places_router.post("/{code}/archive", response={200: PlaceOut, **ERROR_RESPONSES}, summary="Archive a place")
def archive_place(request, code: str):
    return services.place_archive(actor=request.auth, place=_get(request, code))


# -- grids -------------------------------------------------------------------------------------------


class GridOut(Schema):
    code: str
    name: str
    community_code: str = Field(..., alias="community.code")
    community_name: str = Field(..., alias="community.name")
    building_count: int = 0
    boundary: dict | None = None
    notes: str
    is_active: bool


class GridFilters(Schema):
    under: str | None = Field(None, description="Only grids of communities in this place's subtree")
    q: str | None = Field(None, max_length=60)
    include_archived: bool = False


class GridIn(Schema):
    community: str = Field(..., max_length=24, description="Community code")
    name: str = Field(..., min_length=1, max_length=60)
    boundary: dict | None = None
    notes: str = Field("", max_length=2000)


class GridPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=60)
    boundary: dict | None = None
    notes: str | None = Field(None, max_length=2000)


class BuildingsIn(Schema):
    buildings: list[str] = Field(..., min_length=1, max_length=500, description="Building codes")


def _grid(request, code: str) -> Grid:
    qs = selectors.grids(request.auth, include_archived=True)
    return get_object_or_404(qs, code=code)


@grids_router.get("", response={200: list[GridOut], **ERROR_RESPONSES}, summary="List grids in scope")
@paginate(PageNumber)
def list_grids(request, filters: Query[GridFilters]):
    under = selectors.place_by_code(request.auth, filters.under) if filters.under else None
    return selectors.grids(request.auth, under=under, q=filters.q or "", include_archived=filters.include_archived)


@grids_router.post("", response={201: GridOut, **ERROR_RESPONSES}, summary="Create a grid")
def create_grid(request, payload: GridIn):
    community = selectors.place_by_code(request.auth, payload.community, field="community")
    grid = services.grid_create(
        actor=request.auth, community=community, name=payload.name, boundary=payload.boundary, notes=payload.notes
    )
    return Status(201, _grid(request, grid.code))


@grids_router.get("/{code}", response={200: GridOut, **ERROR_RESPONSES}, summary="One grid")
def get_grid(request, code: str):
    return _grid(request, code)


@grids_router.patch("/{code}", response={200: GridOut, **ERROR_RESPONSES}, summary="Edit a grid")
def update_grid(request, code: str, payload: GridPatch):
    data = payload.dict(exclude_unset=True)
    if "notes" in data and data["notes"] is None:
        data["notes"] = ""
    services.grid_update(actor=request.auth, grid=_grid(request, code), **data)
    return _grid(request, code)


@grids_router.get("/{code}/buildings", response={200: list[PlaceOut], **ERROR_RESPONSES}, summary="Buildings of a grid")
@paginate(PageNumber)
def grid_buildings(request, code: str):
    grid = _grid(request, code)
    return selectors.places(request.auth, grid=grid, level=5)


@grids_router.post("/{code}/buildings", response={200: GridOut, **ERROR_RESPONSES}, summary="Put buildings into a grid")
def assign_buildings(request, code: str, payload: BuildingsIn):
    grid = _grid(request, code)
    found = {p.code: p for p in restrict(Place.objects.filter(code__in=payload.buildings), request.auth, Action.VIEW)}
    missing = [c for c in payload.buildings if c not in found]
    if missing:
        raise ValidationError({"buildings": [_("Unknown building code: %(code)s") % {"code": c} for c in missing]})
    services.grid_assign_buildings(actor=request.auth, grid=grid, buildings=found.values())
    return _grid(request, code)
