"""Every read of the trust domain, through the permission chokepoint."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from linli.core.permissions import Action, restrict

from . import chart
from .models import Budget, Entry, EntryLine, FeeBill, Kind, Receipt, Statement, TrustAccount


def accounts(user, *, action=Action.VIEW):
    return restrict(TrustAccount.objects.all(), user, action).select_related("compound", "compound__parent", "trustee")


def account_for(user, pk: int, *, action=Action.VIEW) -> TrustAccount:
    return get_object_or_404(accounts(user, action=action), pk=pk)


def statements(user, account: TrustAccount):
    return restrict(Statement.objects.filter(account=account), user).order_by("-month")


def statement_for(user, pk: int) -> Statement:
    return get_object_or_404(restrict(Statement.objects.select_related("account", "account__compound"), user), pk=pk)


def budgets(user, account: TrustAccount):
    return restrict(Budget.objects.filter(account=account), user).prefetch_related("lines").order_by("-year")


def budget_for(user, pk: int) -> Budget:
    return get_object_or_404(restrict(Budget.objects.all(), user), pk=pk)


def spending_of(statement: Statement):
    """The month's spending entries (and their reversals) with their receipts: what owners tap through."""
    from .services import month_end

    kinds = (Kind.EXPENSE, Kind.REMUNERATION, Kind.REVERSAL)
    return (
        Entry.objects.filter(
            account_id=statement.account_id,
            date__gte=statement.month,
            date__lte=month_end(statement.month),
            kind__in=kinds,
        )
        .exclude(kind=Kind.REVERSAL, category__in=["", chart.FEE_INCOME])
        .select_related("receipt")
        .order_by("date", "seq")
    )


def recent_entries(user, account: TrustAccount, *, limit: int = 30):
    return restrict(Entry.objects.filter(account=account), user).select_related("receipt").order_by("-seq")[:limit]


def entry_for(user, pk: int) -> Entry:
    return get_object_or_404(restrict(Entry.objects.select_related("account"), user), pk=pk)


def receipt_for(user, pk: int) -> Receipt:
    return get_object_or_404(restrict(Receipt.objects.all(), user), pk=pk)


def bills(user, account: TrustAccount, *, unpaid: bool = False, action=Action.VIEW):
    qs = restrict(FeeBill.objects.filter(account=account, cancelled=False), user, action).select_related("house")
    if unpaid:
        from django.db.models import F

        qs = qs.filter(paid__lt=F("amount"))
    return qs.order_by("-period", "scope_path")


def bill_for(user, pk: int, *, action=Action.VIEW) -> FeeBill:
    return get_object_or_404(restrict(FeeBill.objects.select_related("house", "account"), user, action), pk=pk)


def segment(account: TrustAccount, first_seq: int, last_seq: int):
    """Entries ``first_seq``…``last_seq`` in chain order with their lines (for exports)."""
    return (
        Entry.objects.filter(account=account, seq__gte=first_seq, seq__lte=last_seq)
        .order_by("seq")
        .prefetch_related(Prefetch("lines", queryset=EntryLine.objects.order_by("no")))
    )
