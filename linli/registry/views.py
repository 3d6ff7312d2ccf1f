"""Data-centre pages: thin — parse, read through selectors/``restrict``, write through ``services``.

Out-of-scope records answer 404 (looked up through ``restrict``); in scope but not permitted answers 403.
Personal numbers appear masked; the full value comes only from ``resident_reveal`` (a POST, audited) and only
to users with the "reveal" right.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.areas.models import Level, Place
from linli.areas.selectors import place_by_code
from linli.core import audit, dates
from linli.core.paths import UNIT, path_at, subtree_q
from linli.core.permissions import Action, can, can_at, may_any, restrict
from linli.core.views import ScopedListView, ServiceFormView, apply_validation_error

from . import selectors, services
from .forms import (
    EndForm,
    HouseholdFilterForm,
    HouseholdForm,
    MoveInForm,
    ResidentFilterForm,
    ResidentForm,
    RevealForm,
    TagAssignForm,
)
from .models import Household, Occupancy, Resident
from .models.occupancy import OWNER_KINDS
from .panels import panels_for

SECTION = "management"


# -- lookups (404 when out of scope) ----------------------------------------------------------------


def get_resident(user, pk: int) -> Resident:
    resident = selectors.resident_for(user, pk)
    if resident is None:
        raise Http404
    return resident


def get_household(user, pk: int) -> Household:
    household = selectors.household_for(user, pk)
    if household is None:
        raise Http404
    return household


def _place(user, form, field: str, code: str) -> Place | None:
    """The place with ``code`` or None with a field error (unknown and unseen look alike)."""
    try:
        return place_by_code(user, code, field=field)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


def _resident_ref(user, form, field: str, pk: int | None) -> Resident | None:
    resident = selectors.resident_for(user, pk) if pk else None
    if resident is None:
        form.add_error(field, _("No resident with this record number."))
    return resident


def export_url(user, querystring: str) -> str | None:
    """The export view (written by the import/export work) for the same filters, if it exists and the user
    may export somewhere."""
    if not may_any(user, Resident, Action.EXPORT):
        return None
    try:
        url = reverse("registry:resident_export")
    except NoReverseMatch:
        return None
    return f"{url}?{querystring}" if querystring else url


# -- residents --------------------------------------------------------------------------------------


class ResidentListView(ScopedListView):
    model = Resident
    template_name = "registry/resident_list.html"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        self.tags = list(selectors.visible_tags(user))
        form = self.filter_form = ResidentFilterForm(self.request.GET, tags=self.tags)
        self.under = None
        if not form.is_valid():
            return Resident.objects.none()
        data = form.cleaned_data
        if data["place"]:
            self.under = _place(user, form, "place", data["place"])
            if self.under is None:
                return Resident.objects.none()
        try:
            qs = selectors.residents(
                user,
                q=data["q"],
                place=self.under,
                tag=data["tag"] or None,
                age_min=data["age_min"],
                age_max=data["age_max"],
                status=data["status"],
                include_inactive=data["inactive"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return Resident.objects.none()
        return selectors.with_visible_tags(qs, user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            {
                "section": SECTION,
                "filter_form": self.filter_form,
                "under": self.under,
                "may_add": may_any(user, Resident, Action.ADD),
                "export_url": export_url(user, ctx["querystring"]),
                "today": dates.today(),
            }
        )
        return ctx


@login_required
def resident_detail(request, pk: int):
    user = request.user
    resident = get_resident(user, pk)
    home_visible = bool(resident.home_id and can(user, Action.VIEW, resident.home))
    return render(
        request,
        "registry/resident_detail.html",
        {
            "section": SECTION,
            "resident": resident,
            "home_visible": home_visible,
            "may_change": can(user, Action.CHANGE, resident),
            "may_reveal": can(user, Action.REVEAL, resident),
            "panels": panels_for(request, resident),
        },
    )


@never_cache
@login_required
@require_POST
def resident_reveal(request, pk: int):
    """Show one personal number in full: needs the "reveal" right and a purpose (typed into the htmx prompt, or
    into this page's form without JavaScript); every call writes an audit row."""
    user = request.user
    resident = get_resident(user, pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        raise Http404
    purpose = form.cleaned_data["purpose"] or audit.prompt_text(request)
    field = form.cleaned_data["field"]
    try:
        value = services.reveal(actor=user, resident=resident, field=field, purpose=purpose)
    except ValidationError as exc:  # no purpose: refused, nothing shown, nothing recorded
        message = " ".join(exc.messages)
        if getattr(request, "htmx", False):
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return render(
            request,
            "registry/reveal.html",
            {"section": SECTION, "resident": resident, "field": field, "error": message},
            status=400,
        )
    template = "registry/reveal.html"
    if getattr(request, "htmx", False):
        template += "#value"
    response = render(
        request,
        template,
        {"section": SECTION, "resident": resident, "value": value, "field": form.cleaned_data["field"]},
    )
    response["Cache-Control"] = "no-store"
    return response


class ResidentFormView(ServiceFormView):
    template_name = "registry/resident_form.html"
    form_class = ResidentForm
    resident: Resident | None = None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"section": SECTION, "resident": self.resident})
        return ctx

    def get_success_url(self):
        return reverse("registry:resident_detail", args=[self.object.pk])

    @staticmethod
    def _identity(data: dict, creating: bool) -> dict:
        kwargs = {}
        if data["id_number"].strip() or creating:
            kwargs["id_number"] = data["id_number"].strip()
            kwargs["id_type"] = data["id_type"] or ""
        elif data["id_type"] and creating:
            kwargs["id_type"] = data["id_type"]
        if data["phone"].strip() or creating:
            kwargs["phone"] = data["phone"].strip()
        return kwargs


class ResidentCreateView(ResidentFormView):
    success_message = _("The resident has been registered.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, Resident, Action.ADD):
            raise PermissionDenied(_("You cannot register residents."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"home": self.request.GET.get("home", ""), "registered_at": self.request.GET.get("registered_at", "")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Register a resident")
        ctx["cancel_url"] = reverse("registry:resident_list")
        return ctx

    def perform(self, form):
        user, data = self.request.user, form.cleaned_data
        home = registered_at = None
        if data["home"]:
            home = place_by_code(user, data["home"], field="home")
        elif data["registered_at"]:
            registered_at = place_by_code(user, data["registered_at"], field="registered_at")
        attrs = form.plain_data()
        return services.resident_create(
            actor=user, home=home, registered_at=registered_at, **self._identity(data, creating=True), **attrs
        )


class ResidentEditView(ResidentFormView):
    success_message = _("The resident has been saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.resident = get_resident(request.user, kwargs["pk"])
            if not can(request.user, Action.CHANGE, self.resident):
                raise PermissionDenied(_("You cannot change this record."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.resident}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Edit %(name)s") % {"name": self.resident.name}
        ctx["cancel_url"] = reverse("registry:resident_detail", args=[self.resident.pk])
        return ctx

    @transaction.atomic
    def perform(self, form):
        user, data = self.request.user, form.cleaned_data
        resident = self.resident
        new_home = None
        current = resident.home.code if resident.home_id else ""
        if data["home"] and data["home"] != current:
            new_home = place_by_code(user, data["home"], field="home")
        identity = self._identity(data, creating=False)
        if data["id_type"] != resident.id_type and "id_number" not in identity and data["id_type"]:
            raise ValidationError({"id_number": _("Enter the number again when changing the document type.")})
        resident = services.resident_update(actor=user, resident=resident, **identity, **form.plain_data())
        if new_home is not None:
            resident = services.resident_move_home(actor=user, resident=resident, home=new_home)
        return resident


class TagAssignView(ServiceFormView):
    template_name = "registry/tag_form.html"
    form_class = TagAssignForm
    success_message = _("Added to the care group.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.resident = get_resident(request.user, kwargs["pk"])
            if not can(request.user, Action.CHANGE, self.resident):
                raise PermissionDenied(_("You cannot change this record."))
            self.tags = list(selectors.visible_tags(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "tags": self.tags}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "resident": self.resident,
                "title": _("Add %(name)s to a care group") % {"name": self.resident.name},
                "cancel_url": reverse("registry:resident_detail", args=[self.resident.pk]),
            }
        )
        return ctx

    def get_success_url(self):
        return reverse("registry:resident_detail", args=[self.resident.pk]) + "#care_groups"

    def perform(self, form):
        data = form.cleaned_data
        return services.tag_assign(
            actor=self.request.user,
            resident=self.resident,
            tag=form.tags[data["tag"]],
            since=data["since"],
            until=data["until"],
            note=data["note"],
        )


class TagEndView(ServiceFormView):
    template_name = "registry/end_form.html"
    form_class = EndForm
    success_message = _("The care group membership has ended.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.resident = get_resident(request.user, kwargs["pk"])
            self.assignment = get_object_or_404(
                selectors.assignments(request.user).filter(resident=self.resident), pk=kwargs["tag_pk"]
            )
            if not can(request.user, Action.CHANGE, self.resident):
                raise PermissionDenied(_("You cannot change this record."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "title": _("End %(tag)s for %(name)s") % {"tag": self.assignment.tag.name, "name": self.resident.name},
                "cancel_url": reverse("registry:resident_detail", args=[self.resident.pk]),
            }
        )
        return ctx

    def get_success_url(self):
        return reverse("registry:resident_detail", args=[self.resident.pk]) + "#care_groups"

    def perform(self, form):
        return services.tag_end(actor=self.request.user, assignment=self.assignment, until=form.cleaned_data["until"])


# -- households ---------------------------------------------------------------------------------------


class HouseholdListView(ScopedListView):
    model = Household
    template_name = "registry/household_list.html"

    def get_queryset(self):
        user = self.request.user
        form = self.filter_form = HouseholdFilterForm(self.request.GET)
        self.under = None
        if not form.is_valid():
            return Household.objects.none()
        data = form.cleaned_data
        if data["place"]:
            self.under = _place(user, form, "place", data["place"])
            if self.under is None:
                return Household.objects.none()
        return selectors.households(user, q=data["q"], place=self.under, no_head=data["no_head"]).annotate(
            member_count=Count("memberships", filter=Q(memberships__until__isnull=True))
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "filter_form": self.filter_form,
                "under": self.under,
                "may_add": may_any(self.request.user, Household, Action.ADD),
            }
        )
        return ctx


def _household_context(request, household, move_in_form=None):
    user = request.user
    members = list(selectors.members(user, household))
    may_change = can(user, Action.CHANGE, household)
    candidates = []
    if may_change:
        current = {m.resident_id for m in members if m.until is None}
        candidates = [r for r in selectors.residents(user).filter(home=household.house)[:50] if r.pk not in current]
    return {
        "section": SECTION,
        "household": household,
        "current_members": [m for m in members if m.until is None],
        "past_members": [m for m in members if m.until is not None],
        "may_change": may_change,
        "house_visible": can(user, Action.VIEW, household.house),
        "house_address": household.house.address or household.house.full_address(),
        "move_in_form": move_in_form or (MoveInForm() if may_change else None),
        "end_form": EndForm(),
        "candidates": candidates,
    }


@login_required
def household_detail(request, pk: int):
    household = get_household(request.user, pk)
    return render(request, "registry/household_detail.html", _household_context(request, household))


@login_required
@require_POST
def household_move_in(request, pk: int):
    user = request.user
    household = get_household(user, pk)
    if not can(user, Action.CHANGE, household):
        raise PermissionDenied(_("You cannot change this household."))
    form = MoveInForm(request.POST)
    if form.is_valid():
        resident = _resident_ref(user, form, "resident", form.cleaned_data["resident"])
        if resident is not None:
            try:
                services.household_move_in(
                    actor=user,
                    household=household,
                    resident=resident,
                    relation=form.cleaned_data["relation"],
                    since=form.cleaned_data["since"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("%(name)s has moved in.") % {"name": resident.name})
                return HttpResponseRedirect(reverse("registry:household_detail", args=[household.pk]))
    return render(request, "registry/household_detail.html", _household_context(request, household, form), status=400)


class MoveOutView(ServiceFormView):
    template_name = "registry/end_form.html"
    form_class = EndForm
    success_message = _("The move-out has been recorded.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.household = get_household(request.user, kwargs["pk"])
            self.membership = get_object_or_404(
                selectors.members(request.user, self.household).select_related("household"), pk=kwargs["member_pk"]
            )
            if not can(request.user, Action.CHANGE, self.household):
                raise PermissionDenied(_("You cannot change this household."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "title": _("%(name)s moves out of %(number)s")
                % {"name": self.membership.resident.name, "number": self.household.number},
                "cancel_url": reverse("registry:household_detail", args=[self.household.pk]),
            }
        )
        return ctx

    def get_success_url(self):
        return reverse("registry:household_detail", args=[self.household.pk])

    def perform(self, form):
        return services.household_move_out(
            actor=self.request.user, membership=self.membership, until=form.cleaned_data["until"]
        )


class HouseholdCreateView(ServiceFormView):
    template_name = "registry/household_form.html"
    form_class = HouseholdForm
    success_message = _("The household has been registered.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, Household, Action.ADD):
            raise PermissionDenied(_("You cannot register households."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"house": self.request.GET.get("house", ""), "head": self.request.GET.get("head", "")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {"section": SECTION, "title": _("Register a household"), "cancel_url": reverse("registry:household_list")}
        )
        return ctx

    def get_success_url(self):
        return reverse("registry:household_detail", args=[self.object.pk])

    def perform(self, form):
        user, data = self.request.user, form.cleaned_data
        house = place_by_code(user, data["house"], field="house")
        head = selectors.resident_for(user, data["head"])
        if head is None:
            raise ValidationError({"head": _("No resident with this record number.")})
        return services.household_create(actor=user, house=house, head=head, since=data["since"], number=data["number"])


# -- the building view (楼盘表) ------------------------------------------------------------------------

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
