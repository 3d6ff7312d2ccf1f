"""The staff's steps on an account: bill a month, record a collection, an expenditure (with its receipt and
approver), the remuneration, a reversing entry, closing a month. Each page calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.areas.selectors import place_by_code
from linli.core.permissions import Action, can_at, may_any
from linli.core.views import apply_validation_error

from .. import selectors, services
from ..forms import BillForm, CloseForm, CollectForm, RemunerationForm, ReverseForm, SpendForm
from ..models import FeeBill
from .common import form_page


def _billing_account(request, pk):
    account = selectors.account_for(request.user, pk)
    if not can_at(request.user, Action.ADD, FeeBill, account.scope_path):
        raise PermissionDenied
    return account


def _run(request, form, call, ok, account):
    try:
        call()
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None
    messages.success(request, ok)
    return redirect("trust:account", pk=account.pk)


@login_required
def bill_run(request, pk: int):
    user = request.user
    account = _billing_account(request, pk)
    form = BillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            houses = None
            if data["house"]:
                houses = [place_by_code(user, data["house"], field="house")]
            bills = services.bill_run(actor=user, account=account, period=data["period"], houses=houses)
            messages.info(request, _("%(n)s bills issued.") % {"n": len(bills)})

        done = _run(request, form, call, _("Fees billed."), account)
        if done:
            return done
    return form_page(request, form, title=_("Bill a month"), account=account, status=400 if form.errors else 200)


@login_required
def collect(request, pk: int):
    user = request.user
    account = selectors.account_for(user, pk)
    if not may_any(user, FeeBill, Action.CHANGE):
        raise PermissionDenied
    bills = selectors.bills(user, account, unpaid=True, action=Action.CHANGE)
    form = CollectForm(request.POST or None, bills=bills)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            request,
            form,
            lambda: services.collect(actor=user, bill=data["bill"], amount=data["amount"], date=data["date"]),
            _("Payment recorded."),
            account,
        )
        if done:
            return done
    return form_page(request, form, title=_("Record a payment"), account=account, status=400 if form.errors else 200)


@login_required
def spend(request, pk: int):
    user = request.user
    account = _billing_account(request, pk)
    form = SpendForm(request.POST or None, request.FILES or None, scheme=account.scheme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            request,
            form,
            lambda: services.spend(actor=user, account=account, **data),
            _("Expenditure recorded."),
            account,
        )
        if done:
            return done
    return form_page(
        request,
        form,
        title=_("Record an expenditure"),
        account=account,
        multipart=True,
        status=400 if form.errors else 200,
    )


@login_required
def remuneration(request, pk: int):
    user = request.user
    account = _billing_account(request, pk)
    form = RemunerationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            request,
            form,
            lambda: services.pay_remuneration(actor=user, account=account, **data),
            _("Remuneration recorded."),
            account,
        )
        if done:
            return done
    return form_page(
        request,
        form,
        title=_("Pay the remuneration (酬金)"),
        account=account,
        multipart=True,
        status=400 if form.errors else 200,
    )


@login_required
def reverse(request, pk: int):
    user = request.user
    entry = selectors.entry_for(user, pk)
    account = selectors.account_for(user, entry.account_id, action=Action.CHANGE)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            request,
            form,
            lambda: services.reverse(actor=user, entry=entry, date=data["date"], reason=data["reason"]),
            _("Reversing entry recorded."),
            account,
        )
        if done:
            return done
    title = _("Reverse entry %(seq)s") % {"seq": entry.seq}
    return form_page(request, form, title=title, account=account, status=400 if form.errors else 200)


@login_required
@require_POST
def close_month(request, pk: int):
    user = request.user
    account = selectors.account_for(user, pk, action=Action.CHANGE)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("trust:account", pk=account.pk)
    try:
        st = services.close_month(actor=user, account=account, month=form.cleaned_data["month"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("trust:account", pk=account.pk)
    messages.success(request, _("Month closed; the statement is published."))
    return redirect("trust:statement", pk=st.pk)
