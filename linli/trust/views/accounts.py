"""The account pages: the list (staff), an account's page (statements, budgets, the resident's own bills, the staff's
steps), opening an account, recording the year's budget resolution."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linli.areas.selectors import place_by_code
from linli.core import dates
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import apply_validation_error
from linli.orgs.models import Organisation

from .. import chart, selectors, services
from ..forms import AccountForm, BudgetForm, CloseForm
from ..models import FeeBill, TrustAccount
from .common import SECTION, form_page, serve_file


@login_required
def account_list(request):
    user = request.user
    if not may_any(user, TrustAccount):
        raise PermissionDenied
    accounts = list(selectors.accounts(user)[:200])
    if len(accounts) == 1 and not may_any(user, TrustAccount, Action.ADD):
        return redirect("trust:account", pk=accounts[0].pk)  # a resident: straight to their compound's account
    return render(
        request,
        "trust/account_list.html",
        {"accounts": accounts, "section": SECTION, "may_add": may_any(user, TrustAccount, Action.ADD)},
    )


def _may_bill(user, account) -> bool:
    from linli.core.permissions import can_at

    return can_at(user, Action.ADD, FeeBill, account.scope_path)


@login_required
def account_detail(request, pk: int):
    user = request.user
    account = selectors.account_for(user, pk)
    may_change = can(user, Action.CHANGE, account)
    may_bill = _may_bill(user, account)
    may_collect = may_any(user, FeeBill, Action.CHANGE)
    statements = list(selectors.statements(user, account)[:24])
    expected = (
        services.next_month(account.closed_through) if account.closed_through else account.opened_on.replace(day=1)
    )
    ctx = {
        "account": account,
        "section": SECTION,
        "statements": statements,
        "budgets": list(selectors.budgets(user, account)[:3]),
        "chart": chart.chart(account.scheme),
        "my_bills": [] if (may_bill or may_change or may_collect) else list(selectors.bills(user, account)[:24]),
        "unpaid_count": selectors.bills(user, account, unpaid=True, action=Action.CHANGE).count() if may_collect else 0,
        "entries": list(selectors.recent_entries(user, account)) if (may_bill or may_change) else [],
        "may_change": may_change,
        "may_bill": may_bill,
        "may_collect": may_collect,
        "close_form": CloseForm(initial={"month": f"{expected:%Y-%m}"}) if may_change else None,
        "today": dates.today(),
    }
    return render(request, "trust/account_detail.html", ctx)


@login_required
def account_create(request):
    user = request.user
    if not may_any(user, TrustAccount, Action.ADD):
        raise PermissionDenied
    companies = restrict(Organisation.objects.filter(kind="property", is_active=True), user)
    form = AccountForm(request.POST or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["compound"] = place_by_code(user, data.pop("compound"), field="compound")
            account = services.account_open(actor=user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Trust account opened."))
            return redirect("trust:account", pk=account.pk)
    return form_page(request, form, title=_("Open a trust account"), account=None, status=400 if form.errors else 200)


@login_required
def budget_create(request, pk: int):
    user = request.user
    account = selectors.account_for(user, pk, action=Action.CHANGE)
    form = BudgetForm(request.POST or None, request.FILES or None, scheme=account.scheme)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.budget_record(
                actor=user,
                account=account,
                year=data["year"],
                approved_on=data["approved_on"],
                approving_body=data["approving_body"],
                resolution_ref=data["resolution_ref"],
                document=data["document"],
                lines=form.lines(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Budget recorded."))
            return redirect("trust:account", pk=account.pk)
    return form_page(
        request,
        form,
        title=_("Record the year's budget"),
        account=account,
        multipart=True,
        status=400 if form.errors else 200,
    )


@login_required
def budget_document(request, pk: int):
    budget = selectors.budget_for(request.user, pk)
    return serve_file(budget.document, budget.document_type)
