"""Every read on points through ``restrict``."""

from __future__ import annotations

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from linli.core.permissions import Action, restrict
from linli.registry.selectors import resident_of

from .models import EarningRule, LedgerEntry, Order, PointsAccount, ShopItem
from .services import ZERO


def _balance_subquery():
    return Coalesce(
        Subquery(
            LedgerEntry.objects.filter(account=OuterRef("pk"))
            .order_by()
            .values("account")
            .annotate(s=Sum("amount"))
            .values("s")[:1]
        ),
        Value(ZERO),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def accounts(user, *, q: str = "", action: str = Action.VIEW):
    qs = restrict(PointsAccount.objects.all(), user, action).select_related("resident")
    if q:
        qs = qs.filter(resident__name__icontains=q)
    return qs.annotate(balance_value=_balance_subquery()).order_by("scope_path", "id")


def my_account(user) -> PointsAccount | None:
    resident = resident_of(user)
    if resident is None:
        return None
    return PointsAccount.objects.filter(resident=resident).first()


def ledger(user, account: PointsAccount):
    return restrict(LedgerEntry.objects.filter(account=account), user).order_by("-at", "-id")


def shop_items(user, *, on_sale_only: bool = False, action: str = Action.VIEW):
    qs = restrict(ShopItem.objects.all(), user, action).select_related("shop")
    if on_sale_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("scope_path", "price", "id")


def orders(user, *, mine: bool = False, state: str = "", action: str = Action.VIEW):
    qs = restrict(Order.objects.all(), user, action).select_related("item", "account__resident")
    if mine:
        qs = qs.filter(account__resident__account_id=user.pk)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def rules(user):
    return restrict(EarningRule.objects.all(), user).order_by("code")
