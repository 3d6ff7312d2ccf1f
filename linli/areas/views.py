"""Place tree and grid pages: thin — parse, read through selectors/``restrict``, write through ``services``.

Out-of-scope objects answer 404 (looked up through ``restrict``); in scope but not permitted answers 403.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from linli.accounts.models import RoleBinding
from linli.accounts.roles import Role
from linli.core.permissions import Action, can, can_at, may_any, restrict
from linli.core.views import ScopedListView, ServiceFormView, apply_validation_error

from . import selectors, services
from .forms import BuildingsForm, ConfirmForm, GridFilterForm, GridForm, MoveForm, PlaceFilterForm, PlaceForm
from .models import Grid, Level, Place

SECTION = "management"
CHILDREN_PER_PAGE = 100
MAX_CANDIDATES = 500


# -- lookups (404 when out of scope) ----------------------------------------------------------------


def get_place(user, code: str) -> Place:
    return get_object_or_404(restrict(Place.objects.select_related("parent", "grid"), user, Action.VIEW), code=code)


def get_grid(user, code: str) -> Grid:
    return get_object_or_404(selectors.grids(user, include_archived=True), code=code)


def _under(user, form, code: str) -> Place | None:
    """The ``under`` filter's place, or None with a field error on ``form`` (unknown and unseen look alike)."""
    try:
        return selectors.place_by_code(user, code)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


# -- places -----------------------------------------------------------------------------------------


class PlaceListView(ScopedListView):
    """The user's root places, or a search (name / code / address, level, subtree) through the selector."""

    model = Place
    template_name = "areas/place_list.html"

    def get_queryset(self):
        user = self.request.user
        form = self.filter_form = PlaceFilterForm(self.request.GET)
        self.under = None
        self.searching = False
        if not form.is_valid():
            self.searching = True
            return Place.objects.none()
        data = form.cleaned_data
        q, level, under_code = data["q"].strip(), data["level"], data["under"].strip()
        if under_code:
            self.under = _under(user, form, under_code)
            if self.under is None:
                self.searching = True
                return Place.objects.none()
        if q or level or self.under is not None:
            self.searching = True
            return selectors.places(user, under=self.under, level=level, q=q)
        return selectors.roots_for(user).select_related("parent", "grid")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "filter_form": self.filter_form,
                "searching": self.searching,
                "under": self.under,
                "can_add_district": self.request.user.is_superuser,
            }
        )
        return ctx


@login_required
def place_detail(request, code: str):
    user = request.user
    place = get_place(user, code)
    crumbs = selectors.breadcrumbs(place)
    visible = set()
    if crumbs:
        visible = set(
            restrict(Place.objects.filter(pk__in=[c.pk for c in crumbs]), user, Action.VIEW).values_list(
                "pk", flat=True
            )
        )
    children_page = Paginator(selectors.children(user, place), CHILDREN_PER_PAGE).get_page(request.GET.get("page"))

    active = place.is_active
    may_change = can(user, Action.CHANGE, place)
    actions = {
        "add_child": bool(active and place.child_level and can_at(user, Action.ADD, Place, place.path)),
        "edit": active and may_change,
        "move": active and may_change and place.level > Level.DISTRICT and may_any(user, Place, Action.ADD),
        "archive": active and can(user, Action.DELETE, place),
        "add_grid": active and place.level == Level.COMMUNITY and can_at(user, Action.ADD, Grid, place.path),
        "grids": place.level <= Level.COMMUNITY and may_any(user, Grid, Action.VIEW),
    }
    return render(
        request,
        "areas/place_detail.html",
        {
            "section": SECTION,
            "place": place,
            "crumbs": [(c, c.pk in visible) for c in crumbs],
            "children_page": children_page,
            "child_level": Level(place.child_level).label if place.child_level else "",
            "children_kind": {Level.BUILDING: "buildings", Level.HOUSE: "houses"}.get(place.child_level, ""),
            "grid_visible": bool(place.grid_id and can(user, Action.VIEW, place.grid)),
            "actions": actions,
            "any_action": any(v for k, v in actions.items() if k != "grids"),
        },
    )


class PlaceFormView(ServiceFormView):
    template_name = "areas/place_form.html"
    form_class = PlaceForm
    place: Place | None = None  # the place edited, moved or archived
    parent: Place | None = None  # the parent of a new place

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"section": SECTION, "place": self.place, "parent": self.parent})
        return ctx

    def get_success_url(self):
        return reverse("areas:place_detail", args=[self.object.code])

    def _place_for(self, request, code: str, action: str, message: str) -> Place:
        place = get_place(request.user, code)
        if not can(request.user, action, place):
            raise PermissionDenied(message)
        return place


class PlaceCreateView(PlaceFormView):
    success_message = _("The place has been added.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            code = kwargs.get("code")
            if code is None:
                if not request.user.is_superuser:
                    raise PermissionDenied(_("Only a superuser can add a district."))
                self.level = Level.DISTRICT
            else:
                self.parent = get_place(request.user, code)
                if self.parent.child_level is None:
                    raise Http404
                if not can_at(request.user, Action.ADD, Place, self.parent.path):
                    raise PermissionDenied(_("You cannot add places here."))
                if not self.parent.is_active:
                    messages.error(request, _("This place is archived; nothing can be added under it."))
                    return HttpResponseRedirect(reverse("areas:place_detail", args=[self.parent.code]))
                self.level = self.parent.child_level
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "level": self.level, "creating": True}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        level = Level(self.level).label
        if self.parent is None:
            ctx["title"] = _("Add a district")
        else:
            ctx["title"] = _("Add %(level)s under %(parent)s") % {"level": level, "parent": self.parent.name}
        ctx["cancel_url"] = (
            reverse("areas:place_detail", args=[self.parent.code]) if self.parent else reverse("areas:place_list")
        )
        return ctx

    def perform(self, form):
        data = form.service_kwargs()
        return services.place_create(
            actor=self.request.user, parent=self.parent, name=data.pop("name"), code=data.pop("code", ""), **data
        )


class PlaceEditView(PlaceFormView):
    success_message = _("The place has been saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.place = self._place_for(request, kwargs["code"], Action.CHANGE, _("You cannot change this place."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "level": self.place.level, "creating": False, "instance": self.place}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Edit %(name)s") % {"name": self.place.name}
        ctx["cancel_url"] = reverse("areas:place_detail", args=[self.place.code])
        return ctx

    def perform(self, form):
        return services.place_update(actor=self.request.user, place=self.place, **form.service_kwargs())


class PlaceMoveView(PlaceFormView):
    template_name = "areas/place_move.html"
    form_class = MoveForm
    success_message = _("The place has been moved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.place = self._place_for(request, kwargs["code"], Action.CHANGE, _("You cannot move this place."))
            if self.place.level == Level.DISTRICT:
                raise PermissionDenied(_("A district cannot be moved."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Move %(name)s") % {"name": self.place.name}
        ctx["parent_level"] = Level(self.place.level - 1).label
        ctx["cancel_url"] = reverse("areas:place_detail", args=[self.place.code])
        return ctx

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "level": self.place.level - 1}

    def perform(self, form):
        new_parent = selectors.place_by_code(self.request.user, form.cleaned_data["parent"], field="parent")
        return services.place_move(actor=self.request.user, place=self.place, new_parent=new_parent)


class PlaceArchiveView(LoginRequiredMixin, FormView):
    """GET: the confirmation page; POST: archive through the service."""

    template_name = "areas/place_archive.html"
    form_class = ConfirmForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.place = get_place(request.user, kwargs["code"])
            if not can(request.user, Action.DELETE, self.place):
                raise PermissionDenied(_("You cannot archive this place."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "place": self.place,
                "cancel_url": reverse("areas:place_detail", args=[self.place.code]),
            }
        )
        return ctx

    def form_valid(self, form):
        try:
            services.place_archive(actor=self.request.user, place=self.place)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s has been archived.") % {"name": self.place.name})
        target = (
            reverse("areas:place_detail", args=[self.place.parent.code])
            if self.place.parent_id
            else reverse("areas:place_list")
        )
        return HttpResponseRedirect(target)


# -- grids ------------------------------------------------------------------------------------------


class GridListView(ScopedListView):
    model = Grid
    template_name = "areas/grid_list.html"

    def get_queryset(self):
        user = self.request.user
        form = self.filter_form = GridFilterForm(self.request.GET)
        self.under = None
        if not form.is_valid():
            return Grid.objects.none()
        under_code = form.cleaned_data["under"].strip()
        if under_code:
            self.under = _under(user, form, under_code)
            if self.under is None:
                return Grid.objects.none()
        return selectors.grids(user, under=self.under, q=form.cleaned_data["q"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(ctx["object_list"])
        counts = selectors.household_counts([g.pk for g in rows])  # one query for the page
        for grid in rows:
            grid.household_count = counts.get(grid.pk, 0)
        if ctx.get("page_obj") is not None:
            ctx["page_obj"].object_list = rows
        ctx.update(
            {
                "object_list": rows,
                "section": SECTION,
                "filter_form": self.filter_form,
                "under": self.under,
                "can_add": may_any(self.request.user, Grid, Action.ADD),
            }
        )
        return ctx


def _grid_detail_context(request, grid: Grid, buildings_form=None) -> dict:
    user = request.user
    can_change = grid.is_active and can(user, Action.CHANGE, grid)
    buildings = list(selectors.places(user, grid=grid, level=Level.BUILDING, include_archived=True))
    candidates = []
    if can_change:
        candidates = list(
            selectors.places(user, under=grid.community, level=Level.BUILDING).exclude(grid=grid)[:MAX_CANDIDATES]
        )
    workers = heads = None
    if may_any(user, RoleBinding, Action.VIEW):
        current = restrict(RoleBinding.objects.current(), user, Action.VIEW)
        workers = list(
            current.filter(role=Role.GRID_WORKER, grid=grid).select_related("user").order_by("user__username")
        )
        heads = list(
            current.filter(role=Role.BUILDING_HEAD, place__grid=grid)
            .select_related("user", "place")
            .order_by("place__path", "user__username")
        )
    return {
        "section": SECTION,
        "grid": grid,
        "buildings": buildings,
        "candidates": candidates,
        "workers": workers,
        "heads": heads,
        "boundary_json": json.dumps(grid.boundary, ensure_ascii=False, indent=2) if grid.boundary else "",
        "can_change": can_change,
        "community_visible": can(user, Action.VIEW, grid.community),
        "buildings_form": buildings_form,
    }


@login_required
def grid_detail(request, code: str):
    grid = get_grid(request.user, code)
    return render(request, "areas/grid_detail.html", _grid_detail_context(request, grid))


@login_required
@require_POST
def grid_buildings(request, code: str):
    user = request.user
    grid = get_grid(user, code)
    if not can(user, Action.CHANGE, grid):
        raise PermissionDenied(_("You cannot change this grid."))
    form = BuildingsForm(request.POST)
    if form.is_valid():
        codes = form.cleaned_data["buildings"]
        found = {p.code: p for p in restrict(Place.objects.filter(code__in=codes), user, Action.VIEW)}
        missing = [c for c in codes if c not in found]
        if missing:
            form.add_error("buildings", _("Unknown building code: %(codes)s") % {"codes": ", ".join(missing)})
        else:
            try:
                changed = services.grid_assign_buildings(actor=user, grid=grid, buildings=[found[c] for c in codes])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("%(n)d building(s) added to the grid.") % {"n": len(changed)})
                return HttpResponseRedirect(reverse("areas:grid_detail", args=[grid.code]))
    return render(request, "areas/grid_detail.html", _grid_detail_context(request, grid, form))


@login_required
@require_POST
def grid_building_remove(request, code: str, building_code: str):
    user = request.user
    grid = get_grid(user, code)
    building = get_object_or_404(
        restrict(Place.objects.filter(level=Level.BUILDING), user, Action.VIEW), code=building_code
    )
    try:
        services.grid_remove_building(actor=user, grid=grid, building=building)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s has left the grid.") % {"name": building.name})
    return HttpResponseRedirect(reverse("areas:grid_detail", args=[grid.code]))


class GridFormView(ServiceFormView):
    template_name = "areas/grid_form.html"
    form_class = GridForm
    grid: Grid | None = None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"section": SECTION, "grid": self.grid})
        return ctx

    def get_success_url(self):
        return reverse("areas:grid_detail", args=[self.object.code])


class GridCreateView(GridFormView):
    success_message = _("The grid has been added.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, Grid, Action.ADD):
            raise PermissionDenied(_("You cannot add grids."))
        return super().dispatch(request, *args, **kwargs)

    def communities(self) -> list[Place]:
        user = self.request.user
        return [c for c in selectors.places(user, level=Level.COMMUNITY) if can_at(user, Action.ADD, Grid, c.path)]

    def get_initial(self):
        return {"community": self.request.GET.get("community", "")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "communities": self.communities()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Add a grid")
        ctx["cancel_url"] = reverse("areas:grid_list")
        return ctx

    def perform(self, form):
        return services.grid_create(actor=self.request.user, **form.service_kwargs())


class GridEditView(GridFormView):
    success_message = _("The grid has been saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.grid = get_grid(request.user, kwargs["code"])
            if not can(request.user, Action.CHANGE, self.grid):
                raise PermissionDenied(_("You cannot change this grid."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.grid}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Edit grid %(name)s") % {"name": self.grid.name}
        ctx["cancel_url"] = reverse("areas:grid_detail", args=[self.grid.code])
        return ctx

    def perform(self, form):
        return services.grid_update(actor=self.request.user, grid=self.grid, **form.service_kwargs())
