"""Every write on points and the 红色超市.

Concurrency: a redemption locks the points account row first, then the item row (always this order, so two
redemptions never deadlock), checks the balance under the lock, and takes stock with a conditional
``UPDATE … SET stock = stock - n WHERE stock >= n``: even without row locks (SQLite) stock never goes below zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited
from linli.registry.selectors import resident_of

from .models import EarningRule, LedgerEntry, Order, OrderState, PointsAccount, Reason, ShopItem

ZERO = Decimal("0.00")


def _decimal(value, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not result.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return result.quantize(Decimal("0.01"))


def account_for(resident) -> PointsAccount:
    """The resident's account, created on first use (safe if two transactions create it at once)."""
    account = PointsAccount.objects.filter(resident=resident).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return PointsAccount.objects.create(resident=resident, scope_path=resident.scope_path)
    except IntegrityError:
        return PointsAccount.objects.get(resident=resident)


def _locked_account(resident) -> PointsAccount:
    account = account_for(resident)
    return PointsAccount.objects.select_for_update().get(pk=account.pk)


def balance_of(account: PointsAccount) -> Decimal:
    total = LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount"))["s"]
    return ZERO if total is None else Decimal(total).quantize(ZERO)


def _entry(
    *, account, amount: Decimal, reason: str, source_type: str = "", source_id: str = "", note: str = "", actor=None
) -> LedgerEntry:
    entry = LedgerEntry(
        account=account,
        amount=amount,
        reason=reason,
        source_type=source_type,
        source_id=str(source_id),
        note=note[:200],
        scope_path=account.scope_path,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    entry.full_clean(validate_constraints=False)
    entry.save()
    return entry


@transaction.atomic
def credit(
    *, resident, amount, reason: str, source_type: str, source_id, note: str = "", actor=None
) -> LedgerEntry | None:
    """Credit points for something that happened elsewhere (hours, a wish, a report). Idempotent by source:
    a second credit for the same (reason, source) returns None and writes nothing."""
    amount = _decimal(amount, "amount")
    if amount <= 0:
        return None
    account = _locked_account(resident)
    if LedgerEntry.objects.filter(
        account=account, reason=reason, source_type=source_type, source_id=str(source_id)
    ).exists():
        return None
    entry = _entry(
        account=account,
        amount=amount,
        reason=reason,
        source_type=source_type,
        source_id=source_id,
        note=note,
        actor=actor,
    )
    audit.record(actor=actor, action="points_credit", obj=entry, after=audit.snapshot(entry))
    events.publish(
        "points.credited", {"account_id": account.pk, "entry_id": entry.pk, "amount": str(amount), "reason": reason}
    )
    return entry


def credit_by_rule(
    *,
    rule_code: str,
    resident,
    units,
    source_type: str,
    source_id,
    note: str = "",
    actor=None,
    reason: str | None = None,
) -> LedgerEntry | None:
    rule = EarningRule.objects.filter(code=rule_code, is_active=True).first()
    if rule is None:
        return None
    points = rule.points_for(_decimal(units, "units"))
    return credit(
        resident=resident,
        amount=points,
        reason=reason or rule_code,
        source_type=source_type,
        source_id=source_id,
        note=note or rule.name,
        actor=actor,
    )


@transaction.atomic
def adjust(*, actor, account: PointsAccount, amount, note: str) -> LedgerEntry:
    """A correction by staff: a new entry (the ledger is never edited). Never below zero."""
    account = PointsAccount.objects.select_for_update().get(pk=account.pk)
    require(actor, Action.CHANGE, account)
    amount = _decimal(amount, "amount")
    if amount == 0:
        raise ValidationError({"amount": _("Enter a non-zero amount.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the points are adjusted.")})
    if balance_of(account) + amount < 0:
        raise ValidationError({"amount": _("The balance cannot go below zero.")})
    entry = _entry(account=account, amount=amount, reason=Reason.ADJUSTMENT, note=note, actor=actor)
    audit.record(actor=actor, action="points_adjust", obj=entry, after=audit.snapshot(entry), note=note)
    return entry


# --- earning rules ---------------------------------------------------------------------------------

RULE_FIELDS = ("name", "points_per_unit", "cap_units", "is_active")


@transaction.atomic
def rule_update(*, actor, rule: EarningRule, **changes) -> EarningRule:
    rule = EarningRule.objects.select_for_update().get(pk=rule.pk)
    require(actor, Action.CHANGE, rule)
    before = audit.snapshot(rule)
    assign(rule, changes, RULE_FIELDS)
    return save_audited(actor=actor, obj=rule, action="update", before=before)


# --- the shop --------------------------------------------------------------------------------------

ITEM_FIELDS = ("name", "description", "price", "stock", "is_active")


@transaction.atomic
def item_create(*, actor, shop, **attrs) -> ShopItem:
    if shop is None or shop.level not in (1, 2, 3):
        raise ValidationError({"shop": _("A shop belongs to a community, a street or the district.")})
    require_at(actor, Action.ADD, ShopItem, shop.path)
    item = ShopItem(shop=shop, scope_path=shop.path)
    assign(item, attrs, ITEM_FIELDS)
    save_audited(actor=actor, obj=item, action="create")
    return item


@transaction.atomic
def item_update(*, actor, item: ShopItem, **changes) -> ShopItem:
    item = ShopItem.objects.select_for_update().get(pk=item.pk)
    require(actor, Action.CHANGE, item)
    before = audit.snapshot(item)
    assign(item, changes, ITEM_FIELDS)
    return save_audited(actor=actor, obj=item, action="update", before=before)


@transaction.atomic
def item_restock(*, actor, item: ShopItem, add: int) -> ShopItem:
    """Add (or, negative, remove) stock; the conditional update keeps stock ≥ 0 whatever runs at the same time."""
    require(actor, Action.CHANGE, item)
    try:
        add = int(add)
    except (TypeError, ValueError):
        raise ValidationError({"add": _("Enter a whole number.")}) from None
    if add == 0:
        raise ValidationError({"add": _("Enter a non-zero number.")})
    qs = ShopItem.objects.filter(pk=item.pk)
    if add < 0:
        qs = qs.filter(stock__gte=-add)
    if not qs.update(stock=F("stock") + add, updated_at=timezone.now()):
        raise ValidationError({"add": _("Stock cannot go below zero.")})
    item.refresh_from_db()
    audit.record(actor=actor, action="restock", obj=item, after=audit.snapshot(item), note=f"{add:+}")
    return item


@transaction.atomic
def redeem(*, actor, item: ShopItem, quantity: int = 1) -> Order:
    """Redeem points for ``quantity`` of ``item``. Refused (nothing changed) beyond the balance or the stock."""
    resident = resident_of(actor)
    if resident is None:
        raise PermissionDenied(_("Only a resident with a linked record can redeem points."))
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise ValidationError({"quantity": _("Enter a whole number.")}) from None
    if not 1 <= quantity <= 20:
        raise ValidationError({"quantity": _("Order between 1 and 20 at a time.")})
    # lock order: account, then item
    account = _locked_account(resident)
    item = ShopItem.objects.select_for_update().filter(pk=item.pk).first()
    if item is None or not item.is_active:
        raise ValidationError({"item": _("This item is not on sale.")})
    cost = (item.price * quantity).quantize(Decimal("0.01"))
    balance = balance_of(account)
    if balance < cost:
        raise ValidationError(
            {
                "quantity": _("Not enough points: %(cost)s needed, %(balance)s available.")
                % {"cost": cost, "balance": balance}
            }
        )
    taken = ShopItem.objects.filter(pk=item.pk, stock__gte=quantity).update(
        stock=F("stock") - quantity, updated_at=timezone.now()
    )
    if not taken:
        raise ValidationError({"quantity": _("Sold out: not enough stock left.")})
    order = Order(
        account=account, item=item, quantity=quantity, points=cost, placed_by=actor, scope_path=item.scope_path
    )
    order.save()
    _entry(
        account=account,
        amount=-cost,
        reason=Reason.REDEMPTION,
        source_type="points.order",
        source_id=order.pk,
        note=f"{item.name} × {quantity}",
        actor=actor,
    )
    audit.record(actor=actor, action="create", obj=order, after=audit.snapshot(order))
    events.publish("points.order.placed", {"order_id": order.pk, "item_id": item.pk, "quantity": quantity})
    return order


def _locked_order(order: Order) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.PLACED:
        raise ValidationError({"state": _("This order has already been handled.")})
    return order


@transaction.atomic
def order_fulfil(*, actor, order: Order) -> Order:
    """Staff hand the item over."""
    order = _locked_order(order)
    require(actor, Action.CHANGE, order)
    before = audit.snapshot(order)
    order.state, order.handled_by, order.handled_at = OrderState.FULFILLED, actor, timezone.now()
    save_audited(actor=actor, obj=order, action="fulfil", before=before)
    events.publish("points.order.fulfilled", {"order_id": order.pk})
    return order


@transaction.atomic
def order_cancel(*, actor, order: Order) -> Order:
    """The resident (or staff) cancels a placed order: points come back as a refund entry, stock returns."""
    fresh = Order.objects.select_related("account__resident").get(pk=order.pk)
    own = fresh.account.resident.account_id == getattr(actor, "pk", None)
    if not own:
        require(actor, Action.CHANGE, fresh)
    account = PointsAccount.objects.select_for_update().get(pk=fresh.account_id)
    order = _locked_order(fresh)
    before = audit.snapshot(order)
    ShopItem.objects.filter(pk=order.item_id).update(stock=F("stock") + order.quantity, updated_at=timezone.now())
    _entry(
        account=account,
        amount=order.points,
        reason=Reason.REFUND,
        source_type="points.order",
        source_id=order.pk,
        note=_("Order cancelled"),
        actor=actor,
    )
    order.state, order.handled_by, order.handled_at = OrderState.CANCELLED, actor, timezone.now()
    save_audited(actor=actor, obj=order, action="cancel", before=before)
    return order


# --- yearly expiry ---------------------------------------------------------------------------------


@transaction.atomic
def expire_year(*, year: int, actor=None) -> int:
    """Points earned up to the end of ``year`` and not spent by now expire (first in, first out): one expiry
    entry per account, idempotent by year. Returns the number of accounts touched."""
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    touched = 0
    for account in PointsAccount.objects.select_for_update().order_by("pk"):
        entries = LedgerEntry.objects.filter(account=account)
        if entries.filter(reason=Reason.EXPIRY, source_id=str(year)).exists():
            continue
        earned = (
            entries.filter(amount__gt=0, at__lt=end).exclude(reason=Reason.REFUND).aggregate(s=Sum("amount"))["s"]
            or ZERO
        )
        refunds = entries.filter(reason=Reason.REFUND).aggregate(s=Sum("amount"))["s"] or ZERO
        used = -(entries.filter(amount__lt=0).aggregate(s=Sum("amount"))["s"] or ZERO) - refunds
        amount = min(earned - used, balance_of(account))
        if amount <= 0:
            continue
        _entry(
            account=account,
            amount=-amount,
            reason=Reason.EXPIRY,
            source_type="points.year",
            source_id=year,
            note=_("Points earned in %(year)s expired") % {"year": year},
            actor=actor,
        )
        touched += 1
    if touched:
        audit.record(
            actor=actor,
            action="points_expire",
            object_type="points.ledgerentry",
            object_id=str(year),
            object_repr=f"expiry {year}",
            note=f"year={year} accounts={touched}",
        )
    return touched
