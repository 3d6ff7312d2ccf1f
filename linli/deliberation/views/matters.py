"""Matter pages: the list, raising one (staff: any place in scope; a resident: the phone form, their home), a
matter's page with its meetings and its end (solve at a meeting, hand to a work order, put to an owners' vote,
decline), and the figures per community and compound."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.areas.selectors import place_by_code
from linli.core import dates
from linli.core.context_processors import is_staff_user
from linli.core.permissions import Action, can, may_any
from linli.core.registry import registry
from linli.core.views import ScopedListView, apply_validation_error

from .. import selectors, services
from ..forms import MatterForm, ReasonForm, ReportForm, SolveForm, ToVoteForm
from ..models import Matter, MatterState, MeetingState
from ..models.matter import UNDECIDED
from .common import form_error_text, run_step

SECTION = "services"


class MatterListView(ScopedListView):
    model = Matter
    template_name = "deliberation/matter_list.html"

    def get_queryset(self):
        user = self.request.user
        if not may_any(user, Matter):
            raise PermissionDenied
        state = self.request.GET.get("state", "")
        self.state = state if state in MatterState.values or state == "open" else ""
        return selectors.matters(user, state=self.state, q=self.request.GET.get("q", "").strip()[:60])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            section=SECTION,
            states=[("open", _("Open")), *MatterState.choices],
            state=self.state,
            may_add=may_any(self.request.user, Matter, Action.ADD),
        )
        return ctx


def home_of(user):
    """A resident's house: the place of their resident binding."""
    return next((b.place for b in user.active_bindings() if b.role == "resident" and b.place_id), None)


@login_required
def matter_create(request):
    user = request.user
    if not may_any(user, Matter, Action.ADD):
        raise PermissionDenied(_("You cannot raise matters."))
    staff = is_staff_user(user)
    from_case = origin = None
    raw_case = request.GET.get("case", "")
    if staff and raw_case.isdigit():  # "raise as a matter" from a work order the user sees
        from linli.workorders.selectors import case_for

        from_case = case_for(user, int(raw_case))
    raw_record = request.GET.get("record", "")
    if staff and raw_record:  # from an alliance problem the user sees (lent through the registry, never imported)
        origin = registry.resolve_record(user, raw_record[:80])
        if origin is None:
            raise Http404
    source = from_case or origin
    initial = {"title": source.title[:100], "description": source.description} if source else None
    form = (MatterForm if staff else ReportForm)(request.POST or None, initial=initial)
    if from_case is not None:
        form.fields["place"].required = False
        form.fields["place"].help_text = _("Empty: where the work order is.")
    elif origin is not None and origin.place is not None:
        form.fields["place"].required = False
        form.fields["place"].help_text = _("Empty: where the problem is.")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if staff:
                code = data.pop("place")
                data["place"] = place_by_code(user, code, field="place") if code else None
                data["from_case"] = from_case
                data["origin"] = origin
            else:
                data["place"] = home_of(user)
            matter = services.matter_raise(actor=user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Thank you: the matter has been raised for deliberation."))
            return redirect("deliberation:matter", pk=matter.pk)
    return render(
        request,
        "deliberation/matter_form.html",
        {
            "section": SECTION,
            "form": form,
            "staff": staff,
            "from_case": from_case,
            "origin": origin,
            "title": _("Raise a matter"),
        },
    )


@login_required
def matter_detail(request, pk: int):
    user = request.user
    matter = selectors.matter_for(user, pk)
    items = list(selectors.matter_items(user, matter))
    may_change = can(user, Action.CHANGE, matter)
    undecided = matter.state in UNDECIDED
    held = [i.meeting for i in items if i.meeting.state == MeetingState.HELD]
    ctx = {
        "section": SECTION,
        "matter": matter,
        "case_visible": matter.case_id is not None and can(user, Action.VIEW, matter.case),
        "from_case_visible": matter.from_case_id is not None and can(user, Action.VIEW, matter.from_case),
        "origin": registry.resolve_record(user, matter.origin) if matter.origin else None,
        "items": items,
        "may_change": may_change and undecided,
        "solve_form": SolveForm(meetings=selectors.meetings(user).filter(pk__in=[m.pk for m in held]))
        if may_change and undecided and held
        else None,
        "decline_form": ReasonForm() if may_change and undecided else None,
        "vote_form": ToVoteForm() if may_change and undecided else None,
        "decision_visible": matter.decision_id is not None and can(user, Action.VIEW, matter.decision),
    }
    return render(request, "deliberation/matter_detail.html", ctx)


def _changeable(user, pk) -> Matter:
    matter = selectors.matter_for(user, pk)
    if not can(user, Action.CHANGE, matter):
        raise PermissionDenied(_("You cannot decide this matter."))
    return matter


def _run(request, matter, call, ok: str):
    return run_step(request, call, ok, back="deliberation:matter", pk=matter.pk)


@login_required
@require_POST
def matter_solve(request, pk: int):
    user = request.user
    matter = _changeable(user, pk)
    form = SolveForm(request.POST, meetings=selectors.meetings(user).filter(state=MeetingState.HELD))
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("deliberation:matter", pk=matter.pk)
    return _run(
        request,
        matter,
        lambda: services.matter_solve(actor=user, matter=matter, **form.cleaned_data),
        _("The matter is solved."),
    )


@login_required
@require_POST
def matter_hand_over(request, pk: int):
    matter = _changeable(request.user, pk)
    return _run(
        request,
        matter,
        lambda: services.matter_hand_over(actor=request.user, matter=matter),
        _("A work order has been created for the matter."),
    )


@login_required
@require_POST
def matter_to_vote(request, pk: int):
    matter = _changeable(request.user, pk)
    form = ToVoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("deliberation:matter", pk=matter.pk)
    try:
        decision = services.matter_to_vote(
            actor=request.user, matter=matter, matter_type=form.cleaned_data["matter_type"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("deliberation:matter", pk=matter.pk)
    messages.success(request, _("A draft owners' decision has been created for the matter."))
    return redirect("votes:decision", pk=decision.pk)


@login_required
@require_POST
def matter_decline(request, pk: int):
    matter = _changeable(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the matter is declined."))
        return redirect("deliberation:matter", pk=matter.pk)
    return _run(
        request,
        matter,
        lambda: services.matter_decline(actor=request.user, matter=matter, reason=form.cleaned_data["reason"]),
        _("The matter is declined."),
    )


@login_required
def figures(request):
    user = request.user
    if not may_any(user, Matter) or not is_staff_user(user):
        raise PermissionDenied
    today = dates.today()
    raw = request.GET.get("year", str(today.year))
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year
    total, communities, compounds = selectors.figures(user, year=year)
    return render(
        request,
        "deliberation/figures.html",
        {"section": "management", "year": year, "total": total, "communities": communities, "compounds": compounds},
    )
