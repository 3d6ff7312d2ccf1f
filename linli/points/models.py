"""Points (积分) and the 红色超市: earning rules, an append-only ledger, a catalogue with stock, orders."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import COMMUNITY, PATH_LENGTHS, lineage


class OwnRowsForResidents(ScopedModel):
    """Residents reach only their own rows (not their housemates'); staff reach rows by place."""

    own_lookup = "resident__account_id"

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        own = models.Q(**{cls.own_lookup: binding.user_id}) if action == "view" else None
        if str(binding.role) == "resident":
            return own
        q = super().scope_q(binding, action)
        return q if own is None or q is None else q | own


class EarningRule(ScopedModel, BaseModel):
    """How many points one unit of something earns. District-wide configuration, seeded by migration 0002."""

    VOLUNTEER_HOURS = "volunteer_hours"
    WISH_FULFILLED = "wish_fulfilled"
    REPORT_CONFIRMED = "report_confirmed"

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    points_per_unit = models.DecimalField(
        _("points per unit"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    cap_units = models.DecimalField(
        _("units credited at most per source"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("E.g. at most 2 hours credited per activity. Empty: no cap."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        # One district-wide configuration: whoever is granted an action on rules has it everywhere.
        return models.Q()

    def points_for(self, units: Decimal) -> Decimal:
        if self.cap_units is not None:
            units = min(units, self.cap_units)
        return (units * self.points_per_unit).quantize(Decimal("0.01"))


class PointsAccount(OwnRowsForResidents, BaseModel):
    """One account per resident (a volunteer, a party member…); the balance is the sum of its ledger."""

    resident = models.OneToOneField(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="points_account"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        ordering = ["scope_path", "id"]

    def __str__(self):
        return str(self.resident)

    def balance(self) -> Decimal:
        total = self.entries.aggregate(s=models.Sum("amount"))["s"]
        return total if total is not None else Decimal("0.00")


class Reason(models.TextChoices):
    VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer service hours")
    WISH_FULFILLED = "wish_fulfilled", _("Micro-wish fulfilled")
    REPORT_CONFIRMED = "report_confirmed", _("Report confirmed")
    REDEMPTION = "redemption", _("Redeemed in the shop")
    REFUND = "refund", _("Order cancelled, points returned")
    EXPIRY = "expiry", _("Yearly expiry")
    ADJUSTMENT = "adjustment", _("Adjustment by staff")


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the points ledger is append-only")

    def delete(self):
        raise PermissionError("the points ledger is append-only; write a correcting entry")


class LedgerEntry(OwnRowsForResidents, models.Model):
    """One movement of points. Append-only: corrections are new entries, never edits."""

    account = models.ForeignKey(
        PointsAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    amount = models.DecimalField(_("points"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    source_type = models.CharField(_("source type"), max_length=40, blank=True)
    source_id = models.CharField(_("source"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-at", "-id"]
        constraints = [
            # idempotency: one entry per (account, reason, source) — a replayed event credits nothing more
            models.UniqueConstraint(
                fields=["account", "reason", "source_type", "source_id"],
                condition=~models.Q(source_id=""),
                name="points_entry_once_per_source",
            ),
        ]

    def __str__(self):
        return f"{self.account} {self.amount:+}"

    own_lookup = "account__resident__account_id"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("the points ledger is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the points ledger is append-only; write a correcting entry")


class ShopItem(ScopedModel, BaseModel):
    """An item of a community's 红色超市, priced in points, with stock."""

    shop = models.ForeignKey("areas.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    price = models.DecimalField(
        _("price in points"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("on sale"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("shop item")
        verbose_name_plural = _("shop items")
        ordering = ["scope_path", "price", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(stock__gte=0), name="points_item_stock_ge_0")]

    def __str__(self):
        return self.name

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> models.Q | None:
        # Residents see the shops of the district, street and community they live in.
        if action == "view" and binding.place_id and str(binding.role) == "resident":
            path = binding.place.path
            return models.Q(scope_path__in=[p for p in lineage(path) if len(p) <= PATH_LENGTHS[COMMUNITY]])
        return None


class OrderState(models.TextChoices):
    PLACED = "placed", _("Placed")
    FULFILLED = "fulfilled", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


class Order(OwnRowsForResidents, BaseModel):
    account = models.ForeignKey(
        PointsAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="orders"
    )
    item = models.ForeignKey(ShopItem, verbose_name=_("shop item"), on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    points = models.DecimalField(_("points"), max_digits=10, decimal_places=2)
    state = models.CharField(_("state"), max_length=12, choices=OrderState.choices, default=OrderState.PLACED)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handed over or cancelled at"), null=True, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("redemption order")
        verbose_name_plural = _("redemption orders")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.item}"

    own_lookup = "account__resident__account_id"
