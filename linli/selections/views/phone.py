"""The resident's phone pages (large text, one big button a choice): the selections of their community and
compound, one selection's page — its rules and windows, the nomination form while nominations are open, the ballot
while the vote is open (one tap to vote, then "you voted for …"), the result with counts once announced and the
objection form during 公示."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.areas.models import Level, Place
from linli.core import dates
from linli.core.paths import subtree_q
from linli.core.views import apply_validation_error

from .. import selectors, services
from ..forms import ObjectionForm, PhoneNominationForm
from ..models import Nomination, NominationState, NomineeKind, SelectionState
from ..services.common import local_resident
from .common import run_step

SECTION = "services"


@login_required
def phone_list(request):
    rows = selectors.for_resident(request.user)
    return render(request, "selections/phone_list.html", {"section": SECTION, "rows": rows})


def buildings_of(selection):
    return Place.objects.filter(subtree_q("path", selection.scope_path), level=Level.BUILDING, is_active=True).order_by(
        "path"
    )


def nomination_form(selection, data=None):
    return PhoneNominationForm(
        data,
        buildings=buildings_of(selection),
        with_name=selection.nominee_kind != NomineeKind.BUILDING,
    )


@login_required
def phone_detail(request, pk: int, form=None, objection_form=None):
    user = request.user
    selection = selectors.selection_for(user, pk)
    today = dates.today()
    resident = local_resident(user, selection)
    nominating = selection.state == SelectionState.NOMINATING
    ctx = {
        "section": SECTION,
        "selection": selection,
        "resident": resident,
        "ballot": list(selectors.ballot(selection)),
        "my_vote": selectors.my_vote(user, selection),
        "my_nominations": list(selectors.my_nominations(user, selection)) if nominating else [],
        "voting_open": selection.state == SelectionState.VOTING
        and selection.vote_from <= today <= selection.vote_until,
        "nominations_open": nominating and selection.nominate_from <= today <= selection.nominate_until,
        "announced": selection.state in selectors.ANNOUNCED,
        "objections_open": selection.state == SelectionState.PUBLICITY and today <= selection.publicity_until,
        "form": form or nomination_form(selection),
        "objection_form": objection_form or ObjectionForm(),
        "states": NominationState,
    }
    return render(request, "selections/phone_detail.html", ctx)


@login_required
@require_POST
def phone_nominate(request, pk: int):
    user = request.user
    selection = selectors.selection_for(user, pk)
    form = nomination_form(selection, request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["building"] = buildings_of(selection).filter(code=data["building"]).first()
        try:
            services.nominate(actor=user, selection=selection, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Thank you: your nomination will be reviewed by the community."))
            return redirect("selections:phone_detail", pk=selection.pk)
    return phone_detail(request, pk, form=form)


@login_required
@require_POST
def vote(request, pk: int, nomination: int):
    user = request.user
    selection = selectors.selection_for(user, pk)
    nomination = get_object_or_404(Nomination.objects.filter(selection=selection), pk=nomination)
    return run_step(
        request,
        lambda: services.vote_cast(actor=user, nomination=nomination),
        _("Thank you: your vote for %(name)s is counted.") % {"name": nomination.name},
        back="selections:phone_detail",
        pk=nomination.selection_id,
    )


@login_required
@require_POST
def object_to(request, pk: int):
    user = request.user
    selection = selectors.selection_for(user, pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.objection_raise(actor=user, selection=selection, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your objection is recorded; the community will look into it."))
            return redirect("selections:phone_detail", pk=selection.pk)
    return phone_detail(request, pk, objection_form=form)
