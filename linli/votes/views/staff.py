"""Staff pages: the list, a new decision, a decision's page (electorate review with the units that need attention,
the notice, open/close/publish/finalise, paper ballots, the tally), the xlsx and the verification file."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.areas.selectors import place_by_code
from linli.core.context_processors import is_staff_user
from linli.core.permissions import Action, can, can_at, may_any
from linli.core.views import ScopedListView, apply_validation_error

from .. import exporting, selectors, services, verify
from ..forms import DecisionForm, NoticeForm, PaperBallotForm
from ..models import Ballot, Channel, Decision, DecisionState
from ..services import electorate

SECTION = "management"
UNITS_SHOWN = 300
STEPS = {
    "open": (services.decision_open, gettext_lazy("Voting is open.")),
    "close": (services.decision_close, gettext_lazy("Voting is closed.")),
    "publish": (services.decision_publish, gettext_lazy("The result is published (公示).")),
    "finalise": (services.decision_finalise, gettext_lazy("The decision is final.")),
}


class DecisionListView(ScopedListView):
    model = Decision
    template_name = "votes/decision_list.html"

    def get_queryset(self):
        user = self.request.user
        if not may_any(user, Decision) or not is_staff_user(user):
            raise PermissionDenied
        state = self.request.GET.get("state", "")
        self.state = state if state in DecisionState.values else ""
        return selectors.decisions(user, state=self.state, q=self.request.GET.get("q", "").strip()[:60])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            section=SECTION,
            states=DecisionState.choices,
            state=self.state,
            may_add=may_any(self.request.user, Decision, Action.ADD),
        )
        return ctx


@login_required
def decision_list(request):
    """Staff: the list; an owner (the menu shows them the entry too) goes to their votes."""
    if not is_staff_user(request.user):
        return redirect("votes:mine")
    return DecisionListView.as_view()(request)


@login_required
def decision_create(request):
    user = request.user
    if not may_any(user, Decision, Action.ADD):
        raise PermissionDenied(_("You cannot prepare owners' decisions."))
    form = DecisionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decision_create(
                actor=user,
                compound=place_by_code(user, data["compound"], field="compound"),
                matter_type=data["matter_type"],
                title=data["title"],
                text=data["text"],
                attachments=request.FILES.getlist("attachments"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The draft decision is saved. Review the electorate, then post the notice."))
            return redirect("votes:decision", pk=decision.pk)
    return render(request, "votes/form.html", {"section": SECTION, "form": form, "title": _("New owners' decision")})


def decision_for(user, pk: int) -> Decision:
    return get_object_or_404(selectors.decisions(user), pk=pk)


def tally_of(user, decision: Decision) -> dict | None:
    if decision.is_settled:
        return decision.result
    if decision.state == DecisionState.CLOSED and can(user, Action.CHANGE, decision):
        return services.compute_tally(decision)
    return None


@login_required
def decision_detail(request, pk: int):
    user = request.user
    decision = decision_for(user, pk)
    if not is_staff_user(user):  # owners read the 公告's page of the decision
        return redirect("votes:result", pk=decision.pk)
    may_change = can(user, Action.CHANGE, decision)
    ctx = {"section": SECTION, "decision": decision, "may_change": may_change, "tally": tally_of(user, decision)}
    if decision.state == DecisionState.DRAFT:
        rows = electorate.read(decision)
        ctx["preview"] = electorate.summary(rows)
        if may_change:
            ctx["fixable"] = fixable_rows(rows)
        ctx["notice_form"] = NoticeForm() if may_change else None
        ctx["notice_days"] = services.notice_days()
    else:
        ctx["units"] = list(selectors.units(decision)[:UNITS_SHOWN])
        ctx["more_units"] = max(decision.total_units - UNITS_SHOWN, 0)
        ctx["ballot_count"] = Ballot.objects.filter(decision=decision).count()
    if decision.state == DecisionState.VOTING and can_at(user, Action.ADD, Ballot, decision.scope_path):
        locked = Ballot.objects.filter(decision=decision, channel=Channel.PAPER).values("unit_id")
        ctx["paper_form"] = PaperBallotForm(units=selectors.units(decision).exclude(pk__in=locked))
    ctx["attachments"] = list(decision.attachments.all())
    return render(request, "votes/decision_detail.html", ctx)


def fixable_rows(rows, limit: int = 200) -> list:
    """Units the staff can settle on this page: no owner (mark as the developer's) or co-owners without a
    representative (designate one), with the owners' names for the choice."""
    from linli.registry.models import Resident

    todo = [r for r in rows if r.problems and (not r.owner_ids or len(r.owner_ids) > 1)][:limit]
    names = Resident.objects.in_bulk({i for r in todo for i in r.owner_ids})
    for row in todo:
        row.owners = [(i, names[i].name) for i in row.owner_ids if i in names]
    return todo


def changeable(user, pk: int) -> Decision:
    decision = decision_for(user, pk)
    if not can(user, Action.CHANGE, decision):
        raise PermissionDenied(_("You cannot change this decision."))
    return decision


@login_required
@require_POST
def decision_notice(request, pk: int):
    decision = changeable(request.user, pk)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("votes:decision", pk=pk)
    try:
        services.decision_notice(actor=request.user, decision=decision, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages[:20]))
    else:
        messages.success(request, _("The notice is posted and the electorate frozen."))
    return redirect("votes:decision", pk=pk)


@login_required
@require_POST
def decision_step(request, pk: int, step: str):
    decision = changeable(request.user, pk)
    if step not in STEPS:
        raise PermissionDenied
    call, ok = STEPS[step]
    try:
        call(actor=request.user, decision=decision)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, ok)
    return redirect("votes:decision", pk=pk)


@login_required
@require_POST
def decision_correct(request, pk: int):
    decision = changeable(request.user, pk)
    try:
        fix = services.decision_correct(actor=request.user, decision=decision)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("votes:decision", pk=pk)
    messages.success(request, _("A correcting draft has been created; the published decision stays as it is."))
    return redirect("votes:decision", pk=fix.pk)


@login_required
@require_POST
def paper_ballot(request, pk: int):
    user = request.user
    decision = decision_for(user, pk)
    form = PaperBallotForm(request.POST, request.FILES, units=selectors.units(decision))
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("votes:decision", pk=pk)
    try:
        ballot, code = services.ballot_enter_paper(
            actor=user,
            decision=decision,
            unit=form.cleaned_data["unit"],
            choice=form.cleaned_data["choice"],
            scan=form.cleaned_data["scan"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Paper ballot of %(unit)s entered; the unit is locked. Receipt code for the owner: %(code)s")
            % {"unit": ballot.unit.label, "code": code},
        )
    return redirect("votes:decision", pk=pk)


@login_required
def decision_export(request, pk: int):
    decision = decision_for(request.user, pk)
    if not can(request.user, Action.CHANGE, decision):
        raise PermissionDenied
    data = exporting.decision_book(request.user, decision, tally_of(request.user, decision))
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="decision-{decision.pk}.xlsx"'
    return resp


@login_required
def verification_file(request, pk: int):
    decision = decision_for(request.user, pk)
    if not decision.is_settled:
        raise PermissionDenied(_("The verification file is offered once the result is published."))
    body = json.dumps(selectors.verification_data(decision), ensure_ascii=False, indent=1)
    resp = HttpResponse(body, content_type="application/json; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="decision-{decision.pk}.json"'
    return resp


def verify_script(request):
    """The stdlib-only script that recomputes a tally from a verification file (public, no login)."""
    return FileResponse(open(verify.__file__, "rb"), as_attachment=True, filename="verify.py")


def _house_in(decision: Decision, raw):
    from linli.areas.models import Level, Place

    house = Place.objects.filter(pk=int(raw) if str(raw).isdigit() else 0, level=Level.HOUSE).first()
    if house is None or not house.path.startswith(decision.compound.path):
        raise ValidationError({"house": _("Choose a house.")})
    return house


@login_required
@require_POST
def developer_mark(request, pk: int):
    """Mark a unit without an owner record as still held by the developer (unsold / not delivered)."""
    decision = changeable(request.user, pk)
    try:
        services.developer_unit_mark(actor=request.user, house=_house_in(decision, request.POST.get("house")))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The unit is marked as the developer's."))
    return redirect("votes:decision", pk=pk)


@login_required
@require_POST
def designate(request, pk: int):
    """Record the co-owners' designated representative of a unit."""
    from linli.registry.models import Resident

    decision = changeable(request.user, pk)
    raw = request.POST.get("resident", "")
    resident = Resident.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
    try:
        if resident is None:
            raise ValidationError({"resident": _("The representative must be one of the unit's owners.")})
        services.representative_designate(
            actor=request.user,
            decision=decision,
            house=_house_in(decision, request.POST.get("house")),
            resident=resident,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The representative is recorded."))
    return redirect("votes:decision", pk=pk)
