"""Fee bills (area × monthly rate), collections, expenditures with a receipt and an approver, the remuneration."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.areas.models import Level, Place
from linli.core import audit, dates, uploads
from linli.core.paths import subtree_q
from linli.core.permissions import Action, require_at

from .. import chart
from ..models import Collection, FeeBill, Kind, Receipt, TrustAccount
from .ledger import Spec, append, check_date, money, round_fen, text


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def bill_amount(area, rate):
    """area (m²) × monthly rate (yuan/m²), rounded half up to the fen (四舍五入到分).

    89.50 m² × 1.35 = 120.825 → 120.83."""
    return round_fen(area * rate)


def _bill_spec(account, house: Place, period: dt.date, day: dt.date) -> tuple[Spec, object]:
    if house.level != Level.HOUSE or not house.path.startswith(account.scope_path):
        raise ValidationError({"house": _("Choose a unit of this compound.")})
    if house.area is None or house.area <= 0:
        raise ValidationError(
            {"house": _("%(unit)s has no registered area: enter its area before billing it.") % {"unit": house.name}}
        )
    amount = bill_amount(house.area, account.monthly_rate)
    memo = _("Property fee %(month)s, %(unit)s, %(area)s m² × %(rate)s") % {
        "month": f"{period:%Y-%m}",
        "unit": house.name,
        "area": house.area,
        "rate": account.monthly_rate,
    }
    lines = [(chart.RECEIVABLE, amount, amount * 0), (chart.FEE_INCOME, amount * 0, amount)]
    return Spec(date=day, kind=Kind.BILL, memo=memo[:200], lines=lines, category=chart.FEE_INCOME), amount


def _units(account: TrustAccount):
    return Place.objects.filter(subtree_q("path", account.scope_path), level=Level.HOUSE, is_active=True).order_by(
        "path"
    )


@transaction.atomic
def bill_run(
    *, actor, account: TrustAccount, period: dt.date, houses=None, day: dt.date | None = None
) -> list[FeeBill]:
    """Bill ``period`` (a month) to every unit of the compound (or ``houses``). A unit without area refuses the
    whole run, naming the units; a unit already billed for the month is skipped."""
    require_at(actor, Action.ADD, FeeBill, account.scope_path)
    period = month_start(period)
    day = day or max(period, min(dates.today(), period.replace(day=28)))
    check_date(account, day)
    houses = list(houses) if houses is not None else list(_units(account))
    billed = set(
        FeeBill.objects.filter(account=account, period=period, cancelled=False).values_list("house_id", flat=True)
    )
    todo = [h for h in houses if h.pk not in billed]
    missing = [h.name for h in todo if h.area is None or h.area <= 0]
    if missing:
        raise ValidationError(
            {
                "house": _("These units have no registered area; enter it before billing: %(units)s")
                % {"units": "、".join(missing[:20])}
            }
        )
    if not todo:
        raise ValidationError(
            {"period": _("Every unit is already billed for %(month)s.") % {"month": f"{period:%Y-%m}"}}
        )
    pairs = [_bill_spec(account, h, period, day) for h in todo]
    entries = append(actor=actor, account=account, specs=[s for s, _a in pairs])
    bills = [
        FeeBill(
            account=account,
            house=h,
            scope_path=h.path,
            period=period,
            area=h.area,
            rate=account.monthly_rate,
            amount=amount,
            entry=e,
        )
        for h, (_s, amount), e in zip(todo, pairs, entries, strict=True)
    ]
    FeeBill.objects.bulk_create(bills)
    total = sum((b.amount for b in bills), start=0)
    audit.record(
        actor=actor,
        action="trust_bill",
        obj=account,
        after={"period": f"{period:%Y-%m}", "bills": len(bills), "total": text(total)},
    )
    return bills


def bill_unit(*, actor, account: TrustAccount, house: Place, period: dt.date, day: dt.date | None = None) -> FeeBill:
    (bill,) = bill_run(actor=actor, account=account, period=period, houses=[house], day=day)
    return bill


@transaction.atomic
def collect(*, actor, bill: FeeBill, amount, date: dt.date, memo: str = "") -> Collection:
    """A payment of (part of) a bill: debit the bank, credit the receivable."""
    bill = FeeBill.objects.select_for_update().select_related("account", "house").get(pk=bill.pk)
    require_at(actor, Action.CHANGE, FeeBill, bill.scope_path)
    amount = money(amount)
    if bill.cancelled:
        raise ValidationError({"bill": _("This bill was cancelled.")})
    if amount > bill.outstanding:
        raise ValidationError(
            {
                "amount": _("The bill has %(left)s yuan outstanding; the payment is more.")
                % {"left": text(bill.outstanding)}
            }
        )
    memo = memo or _("Payment of the fee %(month)s, %(unit)s") % {
        "month": f"{bill.period:%Y-%m}",
        "unit": bill.house.name,
    }
    spec = Spec(
        date=date,
        kind=Kind.COLLECTION,
        memo=memo[:200],
        lines=[(chart.CASH, amount, amount * 0), (chart.RECEIVABLE, amount * 0, amount)],
        category=chart.FEE_INCOME,
    )
    (entry,) = append(actor=actor, account=bill.account, specs=[spec])
    FeeBill.objects.filter(pk=bill.pk).update(paid=bill.paid + amount)
    link = Collection.objects.create(entry=entry, bill=bill)
    audit.record(actor=actor, action="trust_collect", obj=entry, after={"bill": bill.pk, "amount": text(amount)})
    return link


def store_receipt(account: TrustAccount, upload) -> Receipt:
    clean = uploads.sanitise(upload, allow_pdf=True)
    data = clean.file.read()
    clean.file.seek(0)
    receipt = Receipt(
        account=account,
        scope_path=account.scope_path,
        content_type=clean.content_type,
        original_name=clean.original_name,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    receipt.file.save(clean.file.name, clean.file, save=False)
    receipt.save()
    return receipt


def _payment(*, actor, account, date, amount, category, kind, payee, memo, receipt, approver, need_receipt) -> object:
    require_at(actor, Action.ADD, FeeBill, account.scope_path)  # who bills for the account records its spending
    amount = money(amount)
    approver = (approver or "").strip()
    if not approver:
        raise ValidationError({"approver": _("Name who approved the payment (e.g. the committee chair).")})
    if need_receipt and not receipt:
        raise ValidationError({"receipt": _("Attach the receipt or invoice (a photo or a PDF).")})
    check_date(account, date)
    stored = None
    if receipt:
        try:
            stored = store_receipt(account, receipt)
        except ValidationError as exc:
            raise ValidationError({"receipt": exc.messages}) from exc
    spec = Spec(
        date=date,
        kind=kind,
        memo=(memo or "").strip()[:200],
        lines=[(category, amount, amount * 0), (chart.CASH, amount * 0, amount)],
        category=category,
        receipt=stored,
        approver=approver[:60],
        payee=(payee or "").strip()[:100],
    )
    (entry,) = append(actor=actor, account=account, specs=[spec])
    audit.record(actor=actor, action=f"trust_{kind}", obj=entry, after={"amount": text(amount), "category": category})
    return entry


@transaction.atomic
def spend(*, actor, account: TrustAccount, date, category: str, amount, payee: str, memo: str, receipt, approver: str):
    """An expenditure on a spending line, with its receipt (required) and who approved it."""
    if category not in chart.spending_codes(account.scheme):
        raise ValidationError({"category": _("Choose a spending category of this account's chart.")})
    return _payment(
        actor=actor,
        account=account,
        date=date,
        amount=amount,
        category=category,
        kind=Kind.EXPENSE,
        payee=payee,
        memo=memo,
        receipt=receipt,
        approver=approver,
        need_receipt=True,
    )


@transaction.atomic
def pay_remuneration(*, actor, account: TrustAccount, date, amount, approver: str, memo: str = "", receipt=None):
    """The property company's fixed remuneration (酬金), its own line; the company's invoice if there is one."""
    if account.scheme != "trust" or account.trustee_id is None:
        raise ValidationError({"account": _("Only a trust account with a property company pays a remuneration.")})
    return _payment(
        actor=actor,
        account=account,
        date=date,
        amount=amount,
        category=chart.REMUNERATION,
        kind=Kind.REMUNERATION,
        payee=account.trustee.name,
        memo=memo or _("Remuneration (酬金)"),
        receipt=receipt,
        approver=approver,
        need_receipt=False,
    )
