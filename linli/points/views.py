"""Points pages: my points and ledger, the shop, my orders (phone-first); staff: catalogue, stock, orders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.areas.models import Place
from linli.core import dates
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import apply_validation_error
from linli.registry.selectors import resident_of

from . import selectors, services
from .forms import AdjustForm, ItemForm, RestockForm, RuleForm
from .models import EarningRule, LedgerEntry, Order, PointsAccount, ShopItem


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def mine(request):
    account = selectors.my_account(request.user)
    entries = Paginator(selectors.ledger(request.user, account) if account else [], 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "points/mine.html",
        {
            "account": account,
            "balance": services.balance_of(account) if account else services.ZERO,
            "page_obj": entries,
            "object_list": entries.object_list,
            "has_resident": resident_of(request.user) is not None,
        },
    )


@login_required
def shop(request):
    items = selectors.shop_items(request.user, on_sale_only=not may_any(request.user, ShopItem, Action.CHANGE))
    account = selectors.my_account(request.user)
    return render(
        request,
        "points/shop.html",
        {
            "items": items,
            "balance": services.balance_of(account) if account else None,
            "may_add": may_any(request.user, ShopItem, Action.ADD),
            "may_change": may_any(request.user, ShopItem, Action.CHANGE),
        },
    )


@login_required
@require_POST
def redeem(request, pk):
    item = get_object_or_404(selectors.shop_items(request.user), pk=pk)
    try:
        order = services.redeem(actor=request.user, item=item, quantity=request.POST.get("quantity", 1))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("points:shop")
    messages.success(request, _("Order #%(n)s placed: collect it at the community service centre.") % {"n": order.pk})
    return redirect("points:my_orders")


@login_required
def my_orders(request):
    qs = selectors.orders(request.user, mine=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "points/my_orders.html", {"page_obj": page, "object_list": page.object_list})


@login_required
def orders(request):
    if not may_any(request.user, Order, Action.CHANGE):
        raise PermissionDenied
    state = request.GET.get("state", "placed")
    qs = selectors.orders(request.user, state=state if state in ("placed", "fulfilled", "cancelled") else "")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "points/orders.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "state": state,
            "may_export": may_any(request.user, Order, Action.EXPORT),
        },
    )


@login_required
@require_POST
def order_action(request, pk, action):
    if action not in ("fulfil", "cancel"):
        from django.http import Http404

        raise Http404
    order = get_object_or_404(selectors.orders(request.user), pk=pk)
    try:
        if action == "fulfil":
            services.order_fulfil(actor=request.user, order=order)
            messages.success(request, _("Handed over."))
        else:
            services.order_cancel(actor=request.user, order=order)
            messages.success(request, _("Order cancelled; the points are back."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("points:my_orders" if request.POST.get("mine") else "points:orders")


@login_required
def item_edit(request, pk=None):
    item = get_object_or_404(selectors.shop_items(request.user, action=Action.CHANGE), pk=pk) if pk else None
    shops = restrict(Place.objects.filter(level__in=(1, 2, 3), is_active=True), request.user).order_by("path")
    form = ItemForm(request.POST or None, instance=item)
    if item is None and not may_any(request.user, ShopItem, Action.ADD):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            if item is None:
                shop_place = shops.filter(pk=request.POST.get("shop")).first()
                services.item_create(actor=request.user, shop=shop_place, **data)
            else:
                services.item_update(actor=request.user, item=item, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("points:shop")
    return render(
        request, "points/item_form.html", {"form": form, "item": item, "shops": shops, "restock_form": RestockForm()}
    )


@login_required
@require_POST
def item_restock(request, pk):
    item = get_object_or_404(selectors.shop_items(request.user, action=Action.CHANGE), pk=pk)
    try:
        services.item_restock(actor=request.user, item=item, add=request.POST.get("add"))
        messages.success(request, _("Stock updated."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("points:shop")


@login_required
def accounts(request):
    qs = selectors.accounts(request.user, q=request.GET.get("q", ""))
    if not may_any(request.user, PointsAccount):
        raise PermissionDenied
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "points/accounts.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "q": request.GET.get("q", ""),
            "may_export": may_any(request.user, LedgerEntry, Action.EXPORT),
        },
    )


@login_required
def account_detail(request, pk):
    account = get_object_or_404(selectors.accounts(request.user), pk=pk)
    form = AdjustForm(request.POST or None)
    may_adjust = can(request.user, Action.CHANGE, account)
    if request.method == "POST" and may_adjust and form.is_valid():
        try:
            services.adjust(actor=request.user, account=account, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("points:account", pk=account.pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    entries = Paginator(selectors.ledger(request.user, account), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "points/account.html",
        {
            "account": account,
            "page_obj": entries,
            "object_list": entries.object_list,
            "form": form,
            "may_adjust": may_adjust,
        },
    )


@login_required
def rules(request):
    """Earning rules: everyone with a view grant reads them; the district administrator edits them."""
    if not may_any(request.user, EarningRule):
        raise PermissionDenied
    may_change = may_any(request.user, EarningRule, Action.CHANGE)
    forms_by_rule = []
    for rule in selectors.rules(request.user):
        initial = {
            "name": rule.name,
            "points_per_unit": rule.points_per_unit,
            "cap_units": rule.cap_units,
            "is_active": rule.is_active,
        }
        bound = request.method == "POST" and request.POST.get("rule") == str(rule.pk)
        form = RuleForm(request.POST if bound else None, initial=initial, prefix=f"r{rule.pk}")
        if bound and may_change and form.is_valid():
            try:
                services.rule_update(actor=request.user, rule=rule, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("points:rules")
        forms_by_rule.append((rule, form))
    return render(request, "points/rules.html", {"forms": forms_by_rule, "may_change": may_change})


@login_required
def ledger_export(request):
    """The points ledger and balances as xlsx (audited)."""
    from .exporting import export_ledger

    out, _n = export_ledger(actor=request.user, q=request.GET.get("q", ""))
    return FileResponse(out, as_attachment=True, filename=f"points-ledger-{dates.today():%Y%m%d}.xlsx")


@login_required
def orders_export(request):
    """The shop's orders as xlsx (audited)."""
    from .exporting import export_orders

    out, _n = export_orders(actor=request.user, state=request.GET.get("state", ""))
    return FileResponse(out, as_attachment=True, filename=f"shop-orders-{dates.today():%Y%m%d}.xlsx")
