"""Household pages: the list, one household, moving in and out, a new household."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from linli.areas.selectors import place_by_code
from linli.core.permissions import Action, can, may_any
from linli.core.views import ScopedListView, ServiceFormView, apply_validation_error

from .. import selectors, services
from ..forms import (
    EndForm,
    HouseholdFilterForm,
    HouseholdForm,
    MoveInForm,
)
from ..models import Household
from .common import SECTION, get_household, place_field, resident_field


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
            self.under = place_field(user, form, "place", data["place"])
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
        resident = resident_field(user, form, "resident", form.cleaned_data["resident"])
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
