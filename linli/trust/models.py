"""Trust accounts (信托制物业): an account per compound, its yearly 以收定支 budget, the hash-chained ledger, fee bills
per unit, receipts and the monthly statements that publish the chain head.

Ledger entries (``Entry`` with its ``EntryLine``s) are append-only: the services never change one, and the database
refuses UPDATE and DELETE on both tables (migration 0002). A correction is a reversing entry.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import PATH_LENGTHS

COMPOUND_PATH_LENGTH = PATH_LENGTHS[4]
GENESIS = "0" * 64
MONEY = {"max_digits": 14, "decimal_places": 2}
# Roles bound below the compound (their house, building or grid) who read the compound's account and statements.
BELOW_COMPOUND_ROLES = ("resident", "building_head", "grid_worker")


class CompoundScoped(ScopedModel):
    """Rows at a compound's path; residents, building heads and grid workers read their compound's rows."""

    class Meta:
        abstract = True

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        if str(binding.role) not in BELOW_COMPOUND_ROLES or action != "view":
            return None
        compounds = sorted(
            {p[:COMPOUND_PATH_LENGTH] for p in binding.place_prefixes() if len(p) > COMPOUND_PATH_LENGTH}
        )
        return Q(**{f"{cls.scope_field}__in": compounds}) if compounds else None

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        prefixes = list(binding.place_prefixes())
        if binding.organisation_id and binding.organisation.kind == "property":
            prefixes += binding.organisation.served_prefixes()
        return prefixes


class Scheme(models.TextChoices):
    TRUST = "trust", _("Trust (信托制), the property company as trustee")
    SELF = "self", _("Self-managed (酬金制), fees collected by building heads")


class TrustAccount(CompoundScoped, BaseModel):
    uid = models.UUIDField(_("account identifier"), default=uuid.uuid4, unique=True, editable=False)
    compound = models.OneToOneField(
        "areas.Place", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="trust_account"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    scheme = models.CharField(_("scheme"), max_length=8, choices=Scheme.choices, default=Scheme.TRUST)
    trustee = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("trustee (property company)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trust_accounts",
    )
    bank_account = models.CharField(
        _("bank account"),
        max_length=60,
        blank=True,
        help_text=_("The account in the owners' name, with two-party control (committee and company)."),
    )
    monthly_rate = models.DecimalField(
        _("monthly fee per m² (yuan)"), max_digits=8, decimal_places=2, help_text=_("E.g. 1.20 yuan per m² a month.")
    )
    opened_on = models.DateField(_("opened on"))
    closed_through = models.DateField(_("months closed through"), null=True, blank=True, editable=False)
    head_seq = models.PositiveBigIntegerField(_("last entry"), default=0, editable=False)
    head_hash = models.CharField(_("chain head"), max_length=64, default=GENESIS, editable=False)

    class Meta:
        verbose_name = _("trust account")
        verbose_name_plural = _("trust accounts")
        ordering = ["scope_path"]

    def __str__(self):
        return str(_("Trust account of %(compound)s") % {"compound": self.compound.name})


class ApprovingBody(models.TextChoices):
    OWNERS_MEETING = "owners_meeting", _("Owners' general meeting (业主大会)")
    COMMITTEE = "committee", _("Owners' committee (业委会)")
    OWNERS_VOTE = "owners_vote", _("Owners' vote (业主共同决定)")


class Budget(CompoundScoped, BaseModel):
    """A year's 以收定支 budget: the spending lines never exceed the income lines; passed by the owners."""

    account = models.ForeignKey(
        TrustAccount, verbose_name=_("trust account"), on_delete=models.PROTECT, related_name="budgets"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    approved_on = models.DateField(_("resolution date"))
    approving_body = models.CharField(_("approved by"), max_length=16, choices=ApprovingBody.choices)
    resolution_ref = models.CharField(_("resolution number"), max_length=60, blank=True)
    document = models.FileField(_("resolution document"), upload_to="trust/resolutions/%Y/")
    document_type = models.CharField(_("content type"), max_length=40, editable=False)
    # The owners' decision of linli.votes once that domain lands (issue #14): linked by id, never imported here.
    vote_id = models.PositiveBigIntegerField(_("owners' vote"), null=True, blank=True, editable=False)

    audit_exclude = frozenset({"document"})

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["scope_path", "-year"]
        constraints = [models.UniqueConstraint(fields=["account", "year"], name="trust_one_budget_per_year")]

    def __str__(self):
        return str(_("Budget %(year)s") % {"year": self.year})


class BudgetLine(models.Model):
    budget = models.ForeignKey(Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(_("account code"), max_length=8)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["budget", "code"], name="trust_budget_line_once")]

    def __str__(self):
        return f"{self.code} {self.amount}"


class Receipt(CompoundScoped, BaseModel):
    """A voucher (photo or PDF) behind an expenditure: its SHA-256 goes into the entry's hash."""

    account = models.ForeignKey(
        TrustAccount, verbose_name=_("trust account"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    file = models.FileField(_("receipt"), upload_to="trust/receipts/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=40)
    original_name = models.CharField(_("file name"), max_length=120, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self):
        return self.original_name or self.file.name


class Kind(models.TextChoices):
    OPENING = "opening", _("Opening balance")
    BILL = "bill", _("Fee bill")
    COLLECTION = "collection", _("Collection")
    INCOME = "income", _("Other income")
    EXPENSE = "expense", _("Expenditure")
    REMUNERATION = "remuneration", _("Remuneration (酬金)")
    REVERSAL = "reversal", _("Reversing entry")


class Entry(CompoundScoped):
    """One ledger entry: ``hash`` = SHA-256 over its canonical serialisation, which includes ``prev_hash``."""

    account = models.ForeignKey(
        TrustAccount,
        verbose_name=_("trust account"),
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,  # (account, seq) and (account, date) lead with it
    )
    scope_path = models.CharField(_("place path"), max_length=24, editable=False)
    seq = models.PositiveBigIntegerField(_("number"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=8, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    receipt = models.ForeignKey(
        Receipt,
        verbose_name=_("receipt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,
    )
    receipt_sha256 = models.CharField(max_length=64, blank=True)
    approver = models.CharField(_("approved by"), max_length=60, blank=True)
    payee = models.CharField(_("payee"), max_length=100, blank=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    reverses_seq = models.PositiveBigIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["account", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["account", "seq"], name="trust_entry_seq_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="trust_entry_amount_positive"),
        ]
        indexes = [models.Index(fields=["account", "date"], name="trust_entry_date")]

    def __str__(self):
        return f"#{self.seq} {self.date} {self.get_kind_display()} {self.amount}"


class EntryLine(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(TrustAccount, on_delete=models.PROTECT, related_name="+", db_index=False)
    no = models.PositiveSmallIntegerField()
    code = models.CharField(_("account code"), max_length=8)
    debit = models.DecimalField(_("debit"), **MONEY)
    credit = models.DecimalField(_("credit"), **MONEY)

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        ordering = ["entry", "no"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0, credit=0) | Q(debit=0, credit__gt=0)), name="trust_line_one_side"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.debit}/{self.credit}"


class FeeBill(CompoundScoped, BaseModel):
    """A unit's fee for one month: area × monthly rate, rounded half-up to the fen. At the house's path, so a
    resident sees only their own bills and a building head the bills of their building."""

    account = models.ForeignKey(
        TrustAccount, verbose_name=_("trust account"), on_delete=models.PROTECT, related_name="bills"
    )
    house = models.ForeignKey("areas.Place", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    period = models.DateField(_("month"), help_text=_("The first day of the month billed."))
    area = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2)
    rate = models.DecimalField(_("monthly fee per m² (yuan)"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid = models.DecimalField(_("paid (yuan)"), default=0, **MONEY)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="bill")

    class Meta:
        verbose_name = _("fee bill")
        verbose_name_plural = _("fee bills")
        ordering = ["-period", "scope_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "period"], condition=Q(cancelled=False), name="trust_one_bill_per_unit_month"
            )
        ]

    def __str__(self):
        return f"{self.house.name} {self.period:%Y-%m}"

    @property
    def outstanding(self):
        return self.amount - self.paid


class Collection(models.Model):
    """Which bill a collection entry paid (a fee bill may be paid in parts)."""

    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="collection")
    bill = models.ForeignKey(FeeBill, on_delete=models.PROTECT, related_name="collections")

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")

    def __str__(self):
        return f"{self.bill_id}:{self.entry_id}"


class Statement(CompoundScoped, BaseModel):
    """A closed month: the chain head at closing, the balances there, and the month's figures (by entry date)."""

    account = models.ForeignKey(
        TrustAccount, verbose_name=_("trust account"), on_delete=models.PROTECT, related_name="statements"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    month = models.DateField(_("month"))
    first_seq = models.PositiveBigIntegerField()
    head_seq = models.PositiveBigIntegerField()
    prev_head = models.CharField(max_length=64)
    head_hash = models.CharField(_("chain head"), max_length=64)
    opening = models.JSONField(default=dict)
    closing = models.JSONField(default=dict)
    income = models.DecimalField(_("income"), **MONEY)
    spending = models.DecimalField(_("spending"), **MONEY)
    by_category = models.JSONField(default=dict)
    balance = models.DecimalField(_("balance"), **MONEY)
    billed = models.DecimalField(_("billed to date"), **MONEY)
    outstanding = models.DecimalField(_("outstanding"), **MONEY)
    arrears_rate = models.DecimalField(_("arrears rate"), max_digits=6, decimal_places=4)

    class Meta:
        verbose_name = _("monthly statement")
        verbose_name_plural = _("monthly statements")
        ordering = ["account", "-month"]
        constraints = [models.UniqueConstraint(fields=["account", "month"], name="trust_one_statement_per_month")]

    def __str__(self):
        return f"{self.month:%Y-%m}"


SCOPED_MODELS = (TrustAccount, Budget, Receipt, Entry, FeeBill, Statement)
