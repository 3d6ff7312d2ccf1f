"""Use cases for the place tree and grids: every write to them goes through here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from linli.core import audit, events
from linli.core.paths import PATH_LENGTHS, SEGMENT_WIDTHS, is_under, subtree_q
from linli.core.permissions import Action, require, require_at
from linli.core.registry import registry
from linli.core.services import assign, save_audited

from .models import Grid, Level, Place
from .models.place import CODE_LENGTHS, check_code_shape, own_segment

BUILDING_FIELDS = {"floors", "unit_count", "longitude", "latitude"}
HOUSE_FIELDS = {"floor", "number", "area", "area_source", "use"}
COMMON_FIELDS = {"name", "address"}


def editable_fields(level: int) -> set[str]:
    if level == Level.BUILDING:
        return COMMON_FIELDS | BUILDING_FIELDS
    if level == Level.HOUSE:
        return COMMON_FIELDS | HOUSE_FIELDS
    return set(COMMON_FIELDS)


def _locked(place: Place) -> Place:
    return Place.objects.select_for_update().get(pk=place.pk)


def _free_path(parent: Place, level: int, preferred_segment: str | None) -> tuple[str, int]:
    """A path for a new child of ``parent``: the preferred segment if free, else the next unused one."""
    width = SEGMENT_WIDTHS[level]
    if preferred_segment and not Place.objects.filter(path=parent.path + preferred_segment).exists():
        return parent.path + preferred_segment, int(preferred_segment)
    seq = parent.next_child_seq
    while True:
        seq += 1
        if seq >= 10**width:
            raise ValidationError({"code": _("This place has no free sub-codes left.")})
        candidate = parent.path + str(seq).zfill(width)
        if not Place.objects.filter(path=candidate).exists():
            return candidate, seq


def _next_code(parent: Place, level: int) -> str:
    width = SEGMENT_WIDTHS[level]
    seq = parent.next_child_seq
    while True:
        seq += 1
        if seq >= 10**width:
            raise ValidationError({"code": _("This place has no free sub-codes left.")})
        code = parent.code + str(seq).zfill(width)
        if not Place.objects.filter(code=code).exists():
            return code


@transaction.atomic
def place_create(*, actor, parent: Place | None, name: str, code: str | None = None, **attrs) -> Place:
    """Create a place one level below ``parent`` (a district when ``parent`` is None)."""
    level = Level.DISTRICT if parent is None else parent.level + 1
    if parent is not None and parent.level >= Level.HOUSE:
        raise ValidationError({"parent": _("A house has no places below it.")})
    code = (code or "").strip()
    if parent is None:
        require_at(actor, Action.ADD, Place, code[:6] if code else "")
    else:
        parent = _locked(parent)
        if not parent.is_active:
            raise ValidationError({"parent": _("This place is archived; nothing can be added under it.")})
        require_at(actor, Action.ADD, Place, parent.path)

    assign_to = editable_fields(level) - {"name"}
    place = Place(level=level, parent=parent, name=(name or "").strip())
    assign(place, attrs, assign_to)

    if not code and level > Level.COMMUNITY:
        code = _next_code(parent, level)
    shape_error = check_code_shape(level, code) if code else code_required(level)
    if shape_error:
        raise ValidationError({"code": shape_error})
    if parent is not None:
        parent_part = {Level.STREET: 6, Level.COMMUNITY: 9}.get(level, CODE_LENGTHS[parent.level])
        if code[:parent_part] != parent.code[:parent_part]:
            raise ValidationError(
                {
                    "code": _("This code does not start with the code of %(parent)s (%(prefix)s).")
                    % {"parent": parent.name, "prefix": parent.code[:parent_part]}
                }
            )
    if Place.objects.filter(code=code).exists():
        raise ValidationError({"code": _("This code is already in use; codes are never reused.")})
    place.code = code

    if parent is None:
        place.path = code[: PATH_LENGTHS[Level.DISTRICT]]
        if Place.objects.filter(path=place.path).exists():
            raise ValidationError({"code": _("This code is already in use; codes are never reused.")})
    else:
        place.path, seq = _free_path(parent, level, own_segment(level, code))
        parent.next_child_seq = max(parent.next_child_seq, seq, int(own_segment(level, code)))
        parent.save(update_fields=["next_child_seq"])

    save_audited(actor=actor, obj=place, action="create")
    events.publish("areas.place.created", {"id": place.pk, "path": place.path})
    return place


def code_required(level: int) -> str:
    return _("Enter the 12-digit statistical division code.") if level <= Level.COMMUNITY else ""


@transaction.atomic
def place_update(*, actor, place: Place, **changes) -> Place:
    place = _locked(place)
    require(actor, Action.CHANGE, place)
    before = audit.snapshot(place)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    assign(place, changes, editable_fields(place.level))
    save_audited(actor=actor, obj=place, action="update", before=before)
    return place


@transaction.atomic
def place_move(*, actor, place: Place, new_parent: Place) -> Place:
    """Move ``place`` (and its subtree) under ``new_parent``; codes stay, paths follow."""
    place = _locked(place)
    require(actor, Action.CHANGE, place)
    if place.level == Level.DISTRICT:
        raise ValidationError({"parent": _("A district cannot be moved.")})
    new_parent = _locked(new_parent)
    if new_parent.level != place.level - 1:
        raise ValidationError(
            {
                "parent": _("A %(child)s must belong to a %(parent)s.")
                % {"child": Level(place.level).label, "parent": Level(place.level - 1).label}
            }
        )
    if new_parent.pk == place.parent_id:
        raise ValidationError({"parent": _("The place is already there.")})
    if not new_parent.is_active:
        raise ValidationError({"parent": _("This place is archived; nothing can be added under it.")})
    require_at(actor, Action.ADD, Place, new_parent.path)

    before = audit.snapshot(place)
    old_path = place.path
    new_path, seq = _free_path(new_parent, place.level, own_segment(place.level, place.code))
    new_parent.next_child_seq = max(new_parent.next_child_seq, seq)
    new_parent.save(update_fields=["next_child_seq"])

    rewrite_paths(old_path, new_path)
    place.refresh_from_db()
    place.parent = new_parent
    place.save(update_fields=["parent"])

    # A grid lies inside one community: buildings that left their grid's community leave the grid.
    for building in (
        Place.objects.under(new_path).filter(level=Level.BUILDING, grid__isnull=False).select_related("grid")
    ):
        if not is_under(building.path, building.grid.scope_path):
            building.grid = None
            building.save(update_fields=["grid"])
    audit.record(
        actor=actor,
        action="move",
        obj=place,
        before=before,
        after=audit.snapshot(place),
        note=f"{old_path} → {new_path}",
    )
    events.publish("areas.place.moved", {"id": place.pk, "old_path": old_path, "new_path": new_path})
    return place


def rewrite_paths(old_path: str, new_path: str) -> None:
    """Move a subtree's paths and every registered copy of them (scoped rows follow their place)."""
    from django.apps import apps

    fields = [("areas.place", "path"), *registry.place_path_fields]
    for label, field in fields:
        model = apps.get_model(label)
        # The base manager: a path is the row's position, not its content, so append-only ledgers
        # (whose default querysets refuse update()) follow their place too.
        model._base_manager.filter(subtree_q(field, old_path)).update(
            **{field: Concat(Value(new_path), Substr(field, len(old_path) + 1))}
        )


@transaction.atomic
def place_archive(*, actor, place: Place) -> Place:
    """Archive (never delete: codes are not reused). Only a place with no active children."""
    place = _locked(place)
    require(actor, Action.DELETE, place)
    if place.children.filter(is_active=True).exists():
        raise ValidationError(_("Archive the places under it first."))
    before = audit.snapshot(place)
    place.is_active = False
    place.grid = None
    save_audited(actor=actor, obj=place, action="archive", before=before, validate=False)
    return place


# -- grids -------------------------------------------------------------------------------------------


def _next_grid_code(community: Place) -> str:
    seq = Grid.objects.filter(community=community).count()
    while True:
        seq += 1
        code = f"{community.code}W{seq:03d}"
        if not Grid.objects.filter(code=code).exists():
            return code


@transaction.atomic
def grid_create(*, actor, community: Place, name: str, boundary=None, notes: str = "") -> Grid:
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("A grid belongs to a community.")})
    require_at(actor, Action.ADD, Grid, community.path)
    name = (name or "").strip()
    if Grid.objects.filter(community=community, name=name).exists():
        raise ValidationError({"name": _("This community already has a grid with this name.")})
    grid = Grid(
        community=community,
        name=name,
        boundary=boundary or None,
        notes=notes or "",
        code=_next_grid_code(community),
        scope_path=community.path,
    )
    save_audited(actor=actor, obj=grid, action="create")
    return grid


@transaction.atomic
def grid_update(*, actor, grid: Grid, **changes) -> Grid:
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    require(actor, Action.CHANGE, grid)
    before = audit.snapshot(grid)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if Grid.objects.filter(community_id=grid.community_id, name=changes["name"]).exclude(pk=grid.pk).exists():
            raise ValidationError({"name": _("This community already has a grid with this name.")})
    assign(grid, changes, {"name", "boundary", "notes"})
    save_audited(actor=actor, obj=grid, action="update", before=before)
    return grid


@transaction.atomic
def grid_assign_buildings(*, actor, grid: Grid, buildings) -> list[Place]:
    """Put ``buildings`` into ``grid``; each leaves the grid it was in (one grid per building)."""
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    require(actor, Action.CHANGE, grid)
    buildings = list(buildings)
    errors = []
    for b in buildings:
        if b.level != Level.BUILDING:
            errors.append(_("%(name)s is not a building.") % {"name": b.name})
        elif not is_under(b.path, grid.scope_path):
            errors.append(
                _("Building %(building)s is not in community %(community)s; a grid covers one community.")
                % {"building": b.name, "community": grid.community.name}
            )
        elif not b.is_active:
            errors.append(_("Building %(building)s is archived.") % {"building": b.name})
    if errors:
        raise ValidationError({"buildings": errors})
    changed = []
    for b in buildings:
        if b.grid_id == grid.pk:
            continue
        require(actor, Action.VIEW, b)
        before = audit.snapshot(b)
        b.grid = grid
        save_audited(actor=actor, obj=b, action="assign_grid", before=before, validate=False)
        changed.append(b)
    return changed


@transaction.atomic
def grid_remove_building(*, actor, grid: Grid, building: Place) -> None:
    require(actor, Action.CHANGE, grid)
    if building.grid_id != grid.pk:
        raise ValidationError({"buildings": _("This building is not in this grid.")})
    before = audit.snapshot(building)
    building.grid = None
    save_audited(actor=actor, obj=building, action="unassign_grid", before=before, validate=False)


@transaction.atomic
def grid_archive(*, actor, grid: Grid) -> Grid:
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    require(actor, Action.DELETE, grid)
    before = audit.snapshot(grid)
    Place.objects.filter(grid=grid).update(grid=None)
    grid.is_active = False
    save_audited(actor=actor, obj=grid, action="archive", before=before, validate=False)
    return grid
