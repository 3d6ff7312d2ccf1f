"""Organisation pages: thin — parse, read through the chokepoint, write through ``services``."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from linli.accounts.models import RoleBinding
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import ScopedListView, ServiceFormView

from . import services
from .forms import OrganisationFilterForm, OrganisationForm
from .models import Organisation
from .selectors import search_q


def visible_organisations(user, action: str = Action.VIEW):
    return (
        restrict(Organisation.objects.all(), user, action)
        .select_related("area", "location")
        .prefetch_related("managed_compounds")
    )


def get_organisation(request, pk: int) -> Organisation:
    """The organisation if the user may see it; 404 otherwise (nothing leaked)."""
    return get_object_or_404(visible_organisations(request.user), pk=pk)


class OrganisationListView(ScopedListView):
    model = Organisation
    template_name = "orgs/organisation_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = visible_organisations(self.request.user)
        self.filter_form = OrganisationFilterForm(self.request.GET or None)
        if self.filter_form.is_valid():
            kind = self.filter_form.cleaned_data.get("kind")
            q = (self.filter_form.cleaned_data.get("q") or "").strip()
            if kind:
                qs = qs.filter(kind=kind)
            where = search_q(q)
            if where is not None:
                qs = qs.filter(where)
        return qs.order_by("kind", "name", "pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        ctx["can_add"] = may_any(self.request.user, Organisation, Action.ADD)
        ctx["section"] = "government"
        return ctx


class OrganisationDetailView(LoginRequiredMixin, TemplateView):
    template_name = "orgs/organisation_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        org = get_organisation(self.request, kwargs["pk"])
        ctx.update(
            {
                "org": org,
                "section": "government",
                "can_change": can(user, Action.CHANGE, org),
                "location_address": org.location.full_address() if org.location_id else "",
            }
        )
        if may_any(user, RoleBinding, Action.VIEW):
            ctx["staff"] = list(
                restrict(RoleBinding.objects.filter(organisation=org), user, Action.VIEW)
                .select_related("user")
                .order_by("user__username", "role")
            )
        else:
            ctx["staff"] = None
        return ctx


class OrganisationFormMixin:
    template_name = "orgs/organisation_form.html"
    form_class = OrganisationForm
    instance: Organisation | None = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["instance"] = self.instance
        return kwargs

    def get_success_url(self):
        return reverse("orgs:detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["org"] = self.instance
        ctx["section"] = "government"
        return ctx


class OrganisationCreateView(OrganisationFormMixin, ServiceFormView):
    success_message = _("The organisation has been added.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, Organisation, Action.ADD):
            raise PermissionDenied(_("You cannot add organisations."))
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.organisation_create(actor=self.request.user, **data)


class OrganisationEditView(OrganisationFormMixin, ServiceFormView):
    success_message = _("The organisation has been saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.instance = get_organisation(request, kwargs["pk"])
            if not can(request.user, Action.CHANGE, self.instance):
                raise PermissionDenied(_("You cannot change this organisation."))
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.organisation_update(actor=self.request.user, organisation=self.instance, **data)
