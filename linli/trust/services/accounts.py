"""Opening a trust account, recording the year's budget resolution, closing a month (the statement)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from linli.areas.models import Level, Place
from linli.core import audit, dates, events, uploads
from linli.core.permissions import Action, require_at
from linli.core.services import save_audited

from .. import chart
from ..models import Budget, BudgetLine, Entry, EntryLine, FeeBill, Kind, Scheme, Statement, TrustAccount
from .ledger import lock, money, text


@transaction.atomic
def account_open(
    *, actor, compound: Place, scheme: str, monthly_rate, opened_on: dt.date, trustee=None, bank_account: str = ""
) -> TrustAccount:
    require_at(actor, Action.ADD, TrustAccount, compound.path)
    if compound.level != Level.COMPOUND:
        raise ValidationError({"compound": _("A trust account belongs to a compound.")})
    if TrustAccount.objects.filter(compound=compound).exists():
        raise ValidationError({"compound": _("This compound already has a trust account.")})
    if scheme == Scheme.TRUST:
        if trustee is None or trustee.kind != "property":
            raise ValidationError({"trustee": _("A trust account needs the property company as trustee.")})
        if not trustee.managed_compounds.filter(pk=compound.pk).exists():
            raise ValidationError({"trustee": _("This company does not manage the compound.")})
    elif trustee is not None:
        raise ValidationError({"trustee": _("A self-managed compound has no trustee company.")})
    account = TrustAccount(
        compound=compound,
        scope_path=compound.path,
        scheme=scheme,
        trustee=trustee,
        monthly_rate=money(monthly_rate, field_name="monthly_rate"),
        opened_on=opened_on,
        bank_account=(bank_account or "").strip(),
    )
    save_audited(actor=actor, obj=account, action="create")
    return account


@transaction.atomic
def budget_record(
    *,
    actor,
    account: TrustAccount,
    year: int,
    approved_on,
    approving_body: str,
    document,
    lines: dict,
    resolution_ref: str = "",
) -> Budget:
    """The owners' 以收定支 budget for ``year``: planned income lines and spending lines (spending ≤ income),
    with the resolution that passed it (date, body, the signed document). ``vote_id`` links an owners' vote later."""
    require_at(actor, Action.CHANGE, TrustAccount, account.scope_path)
    if Budget.objects.filter(account=account, year=year).exists():
        raise ValidationError({"year": _("This year already has a budget.")})
    if not document:
        raise ValidationError({"document": _("Attach the signed resolution (a photo or a PDF).")})
    kinds = {ln.code: ln.kind for ln in chart.chart(account.scheme)}
    parsed, income, spending = {}, Decimal(0), Decimal(0)
    for code, raw in lines.items():
        if raw in (None, ""):
            continue
        if kinds.get(code) not in ("income", "expense"):
            raise ValidationError(
                {"lines": _("Account code %(code)s is not an income or spending line.") % {"code": code}}
            )
        amount = money(raw, field_name="lines")
        parsed[code] = amount
        if kinds[code] == "income":
            income += amount
        else:
            spending += amount
    if not parsed:
        raise ValidationError({"lines": _("Enter the planned income and spending.")})
    if spending > income:
        raise ValidationError(
            {
                "lines": _("以收定支: planned spending %(spending)s exceeds planned income %(income)s.")
                % {"spending": text(spending), "income": text(income)}
            }
        )
    try:
        clean = uploads.sanitise(document, allow_pdf=True)
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from exc
    budget = Budget(
        account=account,
        scope_path=account.scope_path,
        year=year,
        approved_on=approved_on,
        approving_body=approving_body,
        resolution_ref=(resolution_ref or "").strip()[:60],
        document_type=clean.content_type,
    )
    budget.document.save(clean.file.name, clean.file, save=False)
    budget.full_clean(exclude=["document"])
    budget.save()
    BudgetLine.objects.bulk_create(BudgetLine(budget=budget, code=c, amount=a) for c, a in sorted(parsed.items()))
    audit.record(
        actor=actor,
        action="create",
        obj=budget,
        after={**audit.snapshot(budget), "lines": {c: text(a) for c, a in parsed.items()}},
    )
    return budget


def month_end(month: dt.date) -> dt.date:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def next_month(month: dt.date) -> dt.date:
    return month_end(month) + dt.timedelta(days=1)


def month_figures(account: TrustAccount, month: dt.date) -> dict:
    """Income, spending by category (by entry date within ``month``), reversals netted against what they cancel."""
    rows = (
        Entry.objects.filter(account=account, date__gte=month, date__lte=month_end(month))
        .values("kind", "category", "reverses__kind")
        .annotate(total=Sum("amount"))
    )
    income, by_category = Decimal(0), {}
    for r in rows:
        kind, sign = r["kind"], 1
        if kind == Kind.REVERSAL:
            kind, sign = r["reverses__kind"], -1
        if kind in (Kind.COLLECTION, Kind.INCOME):
            income += sign * r["total"]
        elif kind in (Kind.EXPENSE, Kind.REMUNERATION):
            by_category[r["category"]] = by_category.get(r["category"], Decimal(0)) + sign * r["total"]
    spending = sum(by_category.values(), start=Decimal(0))
    return {
        "income": income,
        "spending": spending,
        "by_category": {k: text(v) for k, v in sorted(by_category.items()) if v},
    }


@transaction.atomic
def close_month(*, actor, account: TrustAccount, month: dt.date) -> Statement:
    """Close ``month`` (finished, the next one after the last closed): publish the chain head and the figures.
    From now on an entry dated in it or before is refused."""
    require_at(actor, Action.CHANGE, TrustAccount, account.scope_path)
    account = lock(account)
    month = month.replace(day=1)
    expected = next_month(account.closed_through) if account.closed_through else account.opened_on.replace(day=1)
    if month != expected:
        raise ValidationError(
            {"month": _("Close %(month)s first: months close in order.") % {"month": f"{expected:%Y-%m}"}}
        )
    if month_end(month) >= dates.today():
        raise ValidationError({"month": _("The month is not over yet.")})
    prev = account.statements.order_by("-month").first()
    opening = dict(prev.closing) if prev else {}
    first_seq = (prev.head_seq + 1) if prev else 1
    closing = {code: Decimal(v) for code, v in opening.items()}
    sums = (
        EntryLine.objects.filter(account=account, entry__seq__gte=first_seq, entry__seq__lte=account.head_seq)
        .values("code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    for s in sums:
        closing[s["code"]] = closing.get(s["code"], Decimal(0)) + s["d"] - s["c"]
    bills = FeeBill.objects.filter(account=account, cancelled=False, period__lte=month).aggregate(
        billed=Sum("amount"), paid=Sum("paid")
    )
    billed = bills["billed"] or Decimal(0)
    outstanding = billed - (bills["paid"] or Decimal(0))
    rate = (outstanding / billed).quantize(Decimal("0.0001")) if billed else Decimal(0)
    figures = month_figures(account, month)
    statement = Statement.objects.create(
        account=account,
        scope_path=account.scope_path,
        month=month,
        first_seq=first_seq,
        head_seq=account.head_seq,
        prev_head=prev.head_hash if prev else "0" * 64,
        head_hash=account.head_hash,
        opening=opening,
        closing={c: text(v) for c, v in sorted(closing.items())},
        income=figures["income"],
        spending=figures["spending"],
        by_category=figures["by_category"],
        balance=closing.get(chart.CASH, Decimal(0)),
        billed=billed,
        outstanding=outstanding,
        arrears_rate=rate,
    )
    TrustAccount.objects.filter(pk=account.pk).update(closed_through=month_end(month))
    audit.record(
        actor=actor, action="trust_close", obj=statement, after={"head": statement.head_hash, "seq": statement.head_seq}
    )
    events.publish(
        "trust.statement.published",
        {
            "statement_id": statement.pk,
            "path": account.scope_path,
            "month": f"{month:%Y-%m}",
            "head": statement.head_hash,
        },
    )
    return statement
