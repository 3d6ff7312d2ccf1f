"""Owners' committee pages: the list in scope (with flags), a committee's seats, and the forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.permissions import Action, can, may_any
from linli.core.views import ScopedListView, ServiceFormView, apply_validation_error
from linli.registry import selectors as reg

from . import selectors, services
from .forms import CommitteeCreateForm, CommitteeForm, SeatEndForm, SeatForm
from .models import OwnersCommittee

SECTION = "management"


class CommitteeListView(ScopedListView):
    model = OwnersCommittee
    template_name = "owners/committee_list.html"

    def get_queryset(self):
        user = self.request.user
        if not may_any(user, OwnersCommittee):
            raise PermissionDenied
        self.include_inactive = self.request.GET.get("inactive") == "1"
        return selectors.committees(
            user, q=self.request.GET.get("q", "").strip()[:60], include_inactive=self.include_inactive
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object_list"] = selectors.with_flags(ctx["object_list"])
        ctx.update(
            section=SECTION,
            include_inactive=self.include_inactive,
            may_add=may_any(self.request.user, OwnersCommittee, Action.ADD),
        )
        return ctx


def _committee(user, pk, action=Action.VIEW) -> OwnersCommittee:
    return get_object_or_404(selectors.committees(user, action=action, include_inactive=True), pk=pk)


@login_required
def committee_detail(request, pk: int):
    user = request.user
    committee = _committee(user, pk)
    current, past = selectors.seats(user, committee)
    may_change = can(user, Action.CHANGE, committee)
    return render(
        request,
        "owners/committee_detail.html",
        {
            "section": SECTION,
            "committee": committee,
            "current": current,
            "past": past,
            "flags": selectors.flags(committee, len(current)),
            "may_change": may_change,
            "end_form": SeatEndForm() if may_change else None,
        },
    )


class CommitteeCreateView(ServiceFormView):
    template_name = "owners/form.html"
    form_class = CommitteeCreateForm
    success_message = gettext_lazy("The owners' committee has been recorded.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, OwnersCommittee, Action.ADD):
            raise PermissionDenied(_("You cannot record owners' committees."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "section": SECTION, "title": _("Record an owners' committee")}

    def perform(self, form):
        return services.committee_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("owners:detail", args=[self.object.pk])


class CommitteeEditView(ServiceFormView):
    template_name = "owners/form.html"
    form_class = CommitteeForm
    success_message = gettext_lazy("Saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.committee = _committee(request.user, kwargs["pk"])
            if not can(request.user, Action.CHANGE, self.committee):
                raise PermissionDenied(_("You cannot change this owners' committee."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        c = self.committee
        return {
            "name": c.name,
            "term_start": c.term_start,
            "term_end": c.term_end,
            "filed_on": c.filed_on,
            "is_active": c.is_active,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "section": SECTION,
            "committee": self.committee,
            "title": _("Edit the owners' committee"),
        }

    def perform(self, form):
        return services.committee_update(actor=self.request.user, committee=self.committee, **form.cleaned_data)

    def get_success_url(self):
        return reverse("owners:detail", args=[self.committee.pk])


@login_required
def seat_add(request, pk: int):
    user = request.user
    committee = _committee(user, pk)
    if not can(user, Action.CHANGE, committee):
        raise PermissionDenied(_("You cannot change this owners' committee."))
    form = SeatForm(request.POST or None, residents=reg.residents(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.seat_add(
                actor=user,
                committee=committee,
                resident=data["resident"],
                position=data["position"],
                since=data["since"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Seat added."))
            return redirect("owners:detail", pk=committee.pk)
    return render(
        request,
        "owners/form.html",
        {"section": SECTION, "form": form, "committee": committee, "title": _("Add a seat")},
    )


@login_required
@require_POST
def seat_end(request, pk: int, seat_pk: int):
    user = request.user
    committee = _committee(user, pk)
    current, _past = selectors.seats(user, committee)
    seat = next((s for s in current if s.pk == seat_pk), None)
    if seat is None:
        messages.error(request, _("This seat has already ended."))
        return redirect("owners:detail", pk=committee.pk)
    form = SeatEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("owners:detail", pk=committee.pk)
    try:
        services.seat_end(actor=user, seat=seat, until=form.cleaned_data["until"])
        messages.success(request, _("Seat ended."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("owners:detail", pk=committee.pk)
