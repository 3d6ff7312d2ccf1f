"""What owners see: the 公告 of their compound (notices with the denominators, results with the four quantities, the
published ballots and the receipt lookup — unit numbers and areas, never names) and voting on a phone in three taps:
the decision (1), the choice (2), the confirmation (3), then the receipt."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.areas.models import Level, Place
from linli.core.permissions import restrict

from .. import selectors, services
from ..forms import ReceiptForm
from ..models import Choice, DecisionState
from .staff import decision_for

CHOICE_STYLES = {Choice.YES: "", Choice.NO: "secondary", Choice.ABSTAIN: "outline"}


@login_required
def board(request, code: str):
    """The 公告 of one compound."""
    compound = get_object_or_404(Place.objects.filter(level=Level.COMPOUND), code=code)
    found = list(selectors.public_decisions(request.user, compound))
    if not found and not restrict(Place.objects.filter(pk=compound.pk), request.user).exists():
        raise PermissionDenied
    return render(request, "votes/board.html", {"compound": compound, "decisions": found})


@login_required
def public_result(request, pk: int):
    """A decision on the 公告: the notice, and once published the tally and the ballots (hash, choice, area)."""
    decision = decision_for(request.user, pk)
    if decision.state == DecisionState.DRAFT:
        raise PermissionDenied
    page = Paginator(selectors.published_list(decision), 100).get_page(request.GET.get("page"))
    form = ReceiptForm(request.GET or None) if "code" in request.GET else ReceiptForm()
    found = None
    if "code" in request.GET and form.is_valid():
        found = selectors.find_receipt(decision, form.cleaned_data["code"])
        if found is None:
            form.add_error("code", _("No published ballot has this receipt code."))
    units = selectors.units(decision).values_list("label", "area_centi")[:2000]
    return render(
        request,
        "votes/public_result.html",
        {"decision": decision, "page": page, "form": form, "found": found, "units": units},
    )


@login_required
def my_votes(request):
    """Tap 1: the votes open for the owner."""
    return render(request, "votes/my_votes.html", {"decisions": list(selectors.open_for(request.user))})


@login_required
def vote(request, pk: int):
    """Tap 2: the choice (three large buttons); with ``?choice=`` the confirmation (tap 3)."""
    decision = decision_for(request.user, pk)
    units = selectors.my_units(request.user, decision)
    if not units:
        raise PermissionDenied(_("You are not the owner (or the owners' representative) of a unit in this vote."))
    choice = request.GET.get("choice", "")
    ctx = {
        "decision": decision,
        "units": units,
        "choices": [(c.value, c.label, CHOICE_STYLES[c]) for c in Choice],
        "choice": choice if choice in Choice.values else "",
        "choice_label": Choice(choice).label if choice in Choice.values else "",
        "open": decision.state == DecisionState.VOTING,
    }
    return render(request, "votes/vote.html", ctx)


@login_required
@require_POST
def vote_cast(request, pk: int):
    decision = decision_for(request.user, pk)
    try:
        out = services.ballot_cast_online(actor=request.user, decision=decision, choice=request.POST.get("choice"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("votes:vote", pk=pk)
    receipts = [(b.unit.label, b.get_choice_display(), code) for b, code in out]
    return render(request, "votes/receipt.html", {"decision": decision, "receipts": receipts})
