"""Resident pages: the list, the 360° page, revealing a number (audited), add and edit, care groups."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.areas.selectors import place_by_code
from linli.core import audit, dates
from linli.core.permissions import Action, can, may_any
from linli.core.views import ScopedListView, ServiceFormView, apply_validation_error

from .. import selectors, services
from ..forms import (
    EndForm,
    ResidentFilterForm,
    ResidentForm,
    RevealForm,
    TagAssignForm,
)
from ..models import Resident
from ..panels import panels_for
from .common import SECTION, export_url, get_resident, place_field


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
            self.under = place_field(user, form, "place", data["place"])
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
