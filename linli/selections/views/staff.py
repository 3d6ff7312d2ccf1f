"""Staff pages: the list, holding a selection, its page (nominations to review, the steps, the result, the
objections), nominating from the registry, and the xlsx export of nominations and results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.areas.selectors import place_by_code
from linli.core.permissions import Action, can, may_any
from linli.core.views import ScopedListView, apply_validation_error

from .. import selectors, services
from ..forms import AcceptForm, ReasonForm, SelectionForm, StaffNominationForm
from ..models import Nomination, NominationState, NomineeKind, Selection, SelectionState
from .common import household_by_number, place_in, residents_for, run_step

SECTION = "services"


class SelectionListView(ScopedListView):
    model = Selection
    template_name = "selections/list.html"

    def get_queryset(self):
        user = self.request.user
        if not may_any(user, Selection, Action.ADD):
            raise PermissionDenied
        state = self.request.GET.get("state", "")
        self.state = state if state in SelectionState.values else ""
        return selectors.selections(user, state=self.state, q=self.request.GET.get("q", "").strip()[:60])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(section=SECTION, states=SelectionState.choices, state=self.state)
        return ctx


@login_required
def selection_create(request):
    user = request.user
    if not may_any(user, Selection, Action.ADD):
        raise PermissionDenied(_("You cannot hold selections."))
    form = SelectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["place"] = place_by_code(user, data.pop("place"), field="place")
            selection = services.selection_create(actor=user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The selection is open for nominations."))
            return redirect("selections:detail", pk=selection.pk)
    return render(request, "selections/form.html", {"section": SECTION, "form": form, "title": _("Hold a selection")})


def staff_selection(user, pk: int) -> Selection:
    selection = selectors.selection_for(user, pk)
    if not selectors.is_staff_for(user, selection):
        raise PermissionDenied(_("You cannot manage this selection."))
    return selection


@login_required
def selection_detail(request, pk: int):
    user = request.user
    selection = staff_selection(user, pk)
    nominations = list(selectors.nominations(user, selection))
    nominating = selection.state == SelectionState.NOMINATING
    needs_link = selection.nominee_kind != NomineeKind.BUILDING
    for n in nominations:
        n.accept_form = (
            AcceptForm(residents=residents_for(user), prefix=f"n{n.pk}")
            if nominating and n.state == NominationState.PENDING
            else None
        )
        n.needs_link = needs_link and n.resident_id is None and n.household_id is None
    ctx = {
        "section": SECTION,
        "selection": selection,
        "nominations": nominations,
        "nominating": nominating,
        "announced": selection.state in selectors.ANNOUNCED,
        "votes_cast": selectors.votes_cast(selection),
        "objections": list(selectors.objections(user, selection)),
        "reject_form": ReasonForm(),
        "may_export": can(user, Action.EXPORT, selection),
    }
    return render(request, "selections/detail.html", ctx)


@login_required
def nominate(request, pk: int):
    user = request.user
    selection = staff_selection(user, pk)
    form = StaffNominationForm(request.POST or None, nominee_kind=selection.nominee_kind, residents=residents_for(user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "household" in data:
            data["household"] = household_by_number(user, data["household"])
        if "building" in data:
            data["building"] = place_in(user, data["building"])
        try:
            services.nominate(actor=user, selection=selection, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The nomination is recorded."))
            return redirect("selections:detail", pk=selection.pk)
    return render(
        request,
        "selections/form.html",
        {"section": SECTION, "form": form, "selection": selection, "title": _("Nominate")},
    )


def staff_nomination(user, pk: int) -> Nomination:
    nomination = get_object_or_404(Nomination.objects.select_related("selection"), pk=pk)
    staff_selection(user, nomination.selection_id)
    return nomination


@login_required
@require_POST
def accept(request, pk: int):
    user = request.user
    nomination = staff_nomination(user, pk)
    form = AcceptForm(request.POST, residents=residents_for(user), prefix=f"n{nomination.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("selections:detail", pk=nomination.selection_id)
    household = household_by_number(user, form.cleaned_data.get("household", ""))
    return run_step(
        request,
        lambda: services.nomination_accept(
            actor=user, nomination=nomination, resident=form.cleaned_data.get("resident"), household=household
        ),
        _("The nomination is on the ballot."),
        back="selections:detail",
        pk=nomination.selection_id,
    )


@login_required
@require_POST
def reject(request, pk: int):
    user = request.user
    nomination = staff_nomination(user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the nomination is rejected."))
        return redirect("selections:detail", pk=nomination.selection_id)
    return run_step(
        request,
        lambda: services.nomination_reject(actor=user, nomination=nomination, reason=form.cleaned_data["reason"]),
        _("The nomination is rejected."),
        back="selections:detail",
        pk=nomination.selection_id,
    )


STEPS = {
    "open": (services.selection_open_vote, gettext_lazy("The vote is open.")),
    "announce": (services.selection_announce, gettext_lazy("The result is announced and in public notice.")),
    "finalise": (services.selection_finalise, gettext_lazy("The result is final.")),
}


@login_required
@require_POST
def step(request, pk: int, name: str):
    user = request.user
    selection = staff_selection(user, pk)
    if name not in STEPS:
        raise PermissionDenied
    call, ok = STEPS[name]
    return run_step(
        request, lambda: call(actor=user, selection=selection), str(ok), back="selections:detail", pk=selection.pk
    )


@login_required
def export(request, pk: int):
    from ..exporting import export_selection

    selection = selectors.selection_for(request.user, pk)
    out, _rows = export_selection(actor=request.user, selection=selection)
    return FileResponse(out, as_attachment=True, filename=f"selection-{selection.pk}.xlsx")
