"""红色物业 pages: the compound's public 物业服务 page and the evaluation (phone-first), staff contracts and rounds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core.permissions import Action, may_any
from linli.core.views import apply_validation_error

from . import selectors, services
from .forms import ContractForm, RoundForm, stars_from
from .models import EvaluationRound, ServiceContract


def compound(request, pk):
    """Public: company, term, fees, hotline, party organisation, 亮身份 staff, evaluation, open problems (count)."""
    place = get_object_or_404(Place, pk=pk, level=services.COMPOUND_LEVEL)
    return render(request, "property/compound.html", selectors.compound_page(place))


@login_required
def evaluate(request, pk):
    rnd = get_object_or_404(EvaluationRound.objects.select_related("compound"), pk=pk)
    items = list(rnd.items.all())
    errors = {}
    if request.method == "POST":
        try:
            services.answer_submit(actor=request.user, round=rnd, stars=stars_from(request.POST, items))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not answer this evaluation."))
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Thank you: your household's evaluation is recorded."))
            return redirect("property:compound", pk=rnd.compound_id)
    return render(request, "property/evaluate.html", {"round": rnd, "items": items, "errors": errors})


@login_required
def manage(request):
    user = request.user
    if not may_any(user, ServiceContract, Action.VIEW) and not may_any(user, EvaluationRound, Action.VIEW):
        raise PermissionDenied
    return render(
        request,
        "property/manage.html",
        {
            "contracts": selectors.contracts(user)[:100],
            "rounds": selectors.rounds(user)[:100],
            "may_add_contract": may_any(user, ServiceContract, Action.ADD),
            "may_add_round": may_any(user, EvaluationRound, Action.ADD),
        },
    )


@login_required
def contract_create(request):
    if not may_any(request.user, ServiceContract, Action.ADD):
        raise PermissionDenied
    form = ContractForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for key in list(data):
            if key.startswith("fee_"):
                data.pop(key)
        try:
            contract = services.contract_create(actor=request.user, fees=form.fees(), **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Contract recorded."))
            return redirect("property:compound", pk=contract.compound_id)
    return render(request, "property/form.html", {"form": form, "title": _("Record a service contract")})


@login_required
def round_create(request):
    if not may_any(request.user, EvaluationRound, Action.ADD):
        raise PermissionDenied
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["items"] = data["items"].splitlines()
        try:
            rnd = services.round_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Evaluation round opened."))
            return redirect("property:round", pk=rnd.pk)
    return render(request, "property/form.html", {"form": form, "title": _("Open an evaluation round")})


@login_required
def round_detail(request, pk):
    rnd = get_object_or_404(selectors.rounds(request.user), pk=pk)
    return render(request, "property/round.html", {"result": selectors.round_results(rnd)})
