"""Appending to the hash-chained ledger. The only code that creates ``Entry`` rows.

``append`` locks the account row (``SELECT … FOR UPDATE``), so appends to one account are serialised and the chain
never forks; appends to different accounts run in parallel. Every spec is checked before anything is written: an
amount must be positive with at most two digits of fen, an entry must balance, its codes must be in the account's
chart, its date must lie in an open month (after the last closed month, not before the account opened, not in
the future). A correction is ``reverse``: a new entry with the lines swapped, never an edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit, dates
from linli.core.permissions import Action, require_at

from .. import chart
from ..models import Collection, Entry, FeeBill, Kind, TrustAccount
from ..verify_ledger import entry_hash

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass
class Spec:
    """What an entry says, before it has a number and a hash. ``lines``: (code, debit, credit)."""

    date: dt.date
    kind: str
    memo: str
    lines: list[tuple[str, Decimal, Decimal]]
    category: str = ""
    receipt: object = None
    approver: str = ""
    payee: str = ""
    reverses: Entry | None = None
    extra: dict = field(default_factory=dict)


def money(value, *, field_name: str = "amount") -> Decimal:
    """A positive amount in yuan with at most two digits of fen; a ValidationError saying what is wrong otherwise."""
    if isinstance(value, float):
        raise ValidationError({field_name: _("Amounts are exact decimals, never floating-point numbers.")})
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field_name: _("Enter an amount in yuan, e.g. 1280.50.")}) from exc
    if not amount.is_finite():
        raise ValidationError({field_name: _("Enter an amount in yuan, e.g. 1280.50.")})
    if amount <= 0:
        raise ValidationError({field_name: _("The amount must be more than zero; a correction is a reversing entry.")})
    if amount != amount.quantize(FEN):
        raise ValidationError({field_name: _("An amount has at most two digits after the point (fen).")})
    if amount > MAX_AMOUNT:
        raise ValidationError({field_name: _("The amount is too large.")})
    return amount.quantize(FEN)


def round_fen(value: Decimal) -> Decimal:
    """The rounding rule for computed amounts (bills): half up to the fen (四舍五入到分)."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def text(amount: Decimal) -> str:
    return f"{amount.quantize(FEN)}"


def check_date(account: TrustAccount, day, *, field_name: str = "date") -> dt.date:
    if not isinstance(day, dt.date):
        raise ValidationError({field_name: _("Enter a date.")})
    if account.closed_through and day <= account.closed_through:
        raise ValidationError(
            {
                field_name: _("%(month)s is closed: its statement is published. Date the entry in an open month.")
                % {"month": f"{day:%Y-%m}"}
            }
        )
    if day < account.opened_on:
        raise ValidationError({field_name: _("The date is before the account was opened.")})
    if day > dates.today():
        raise ValidationError({field_name: _("The date cannot be in the future.")})
    return day


def check_spec(account: TrustAccount, spec: Spec, known: set | None = None) -> Decimal:
    """The entry's total; a ValidationError when it is bad."""
    check_date(account, spec.date)
    if not spec.lines:
        raise ValidationError({"lines": _("An entry needs at least one debit and one credit line.")})
    known = known if known is not None else set(chart.codes(account.scheme))
    debit = credit = Decimal(0)
    for code, d, c in spec.lines:
        if code not in known:
            raise ValidationError(
                {"lines": _("Account code %(code)s is not in this account's chart.") % {"code": code}}
            )
        for value in (d, c):
            if value < 0:
                raise ValidationError({"lines": _("Amounts cannot be negative; a correction is a reversing entry.")})
            if value != value.quantize(FEN):
                raise ValidationError({"lines": _("An amount has at most two digits after the point (fen).")})
        if (d > 0) == (c > 0):
            raise ValidationError({"lines": _("Each line is either a debit or a credit, not both or neither.")})
        debit += d
        credit += c
    if debit != credit:
        raise ValidationError(
            {
                "lines": _("The entry does not balance: debits %(debit)s, credits %(credit)s.")
                % {"debit": text(debit), "credit": text(credit)}
            }
        )
    if len(spec.memo) > 200:
        raise ValidationError({"memo": _("At most 200 characters.")})
    return debit


def lock(account: TrustAccount) -> TrustAccount:
    return TrustAccount.objects.select_for_update().get(pk=account.pk)


def append(*, actor, account: TrustAccount, specs: list[Spec]) -> list[Entry]:
    """Chain ``specs`` onto the account. Call inside a transaction; the caller checked permissions."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append() must run inside transaction.atomic()")
    acc = lock(account)
    known = set(chart.codes(acc.scheme))
    totals = [check_spec(acc, s, known) for s in specs]  # every spec checked before anything is written
    uid = str(acc.uid)
    seq, prev = acc.head_seq, acc.head_hash
    entries = []
    for spec, total in zip(specs, totals, strict=True):
        seq += 1
        lines = [[code, text(d), text(c)] for code, d, c in spec.lines]
        reverses_seq = spec.reverses.seq if spec.reverses is not None else None
        receipt_sha = spec.receipt.sha256 if spec.receipt is not None else ""
        digest = entry_hash(
            uid, seq, spec.date.isoformat(), spec.kind, spec.memo, lines, reverses_seq, receipt_sha, prev
        )
        entries.append(
            Entry(
                account=acc,
                scope_path=acc.scope_path,
                seq=seq,
                date=spec.date,
                kind=spec.kind,
                memo=spec.memo,
                category=spec.category,
                amount=total,
                receipt=spec.receipt,
                receipt_sha256=receipt_sha,
                approver=spec.approver,
                payee=spec.payee,
                reverses=spec.reverses,
                reverses_seq=reverses_seq,
                prev_hash=prev,
                hash=digest,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        )
        prev = digest
    insert(entries, specs)
    TrustAccount.objects.filter(pk=acc.pk).update(head_seq=seq, head_hash=prev)
    account.head_seq, account.head_hash = seq, prev
    return entries


ENTRY_COLUMNS = (
    "account_id",
    "scope_path",
    "seq",
    "date",
    "kind",
    "memo",
    "category",
    "amount",
    "receipt_id",
    "receipt_sha256",
    "approver",
    "payee",
    "reverses_id",
    "reverses_seq",
    "prev_hash",
    "hash",
    "created_by_id",
    "created_at",
)


PG_TYPES = (
    "bigint",
    "text",
    "bigint",
    "date",
    "text",
    "text",
    "text",
    "numeric",
    "bigint",
    "text",
    "text",
    "text",
    "bigint",
    "bigint",
    "text",
    "text",
    "bigint",
    "timestamptz",
)


def insert(entries: list[Entry], specs: list[Spec]) -> None:
    """Two INSERTs (the entries RETURNING their ids, then the lines) without the ORM's per-field work: the values are
    already checked and typed. On PostgreSQL each column travels as one array (``unnest``), so the statement stays
    short however many entries a batch holds; elsewhere a multi-row VALUES. Sets each entry's ``pk``."""
    ops = connection.ops
    now = timezone.now()
    rows = []
    for e in entries:
        e.created_at = now
        rows.append(
            (
                e.account_id,
                e.scope_path,
                e.seq,
                e.date,
                e.kind,
                e.memo,
                e.category,
                e.amount,
                e.receipt_id,
                e.receipt_sha256,
                e.approver,
                e.payee,
                e.reverses_id,
                e.reverses_seq,
                e.prev_hash,
                e.hash,
                e.created_by_id,
                now,
            )
        )
    cols = ", ".join(ENTRY_COLUMNS)
    line_cols = "entry_id, account_id, no, code, debit, credit"
    # Only constant column names, types and placeholders are formatted into the SQL; every value is a parameter.
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{t}[]" for t in PG_TYPES)
            sql = f"INSERT INTO trust_entry ({cols}) SELECT * FROM unnest({arrays}) RETURNING id, seq"  # noqa: S608
            cur.execute(sql, [list(c) for c in zip(*rows, strict=True)])
        else:
            rows = [
                (
                    *r[:3],
                    ops.adapt_datefield_value(r[3]),
                    *r[4:7],
                    ops.adapt_decimalfield_value(r[7], 14, 2),
                    *r[8:17],
                    ops.adapt_datetimefield_value(now),
                )
                for r in rows
            ]
            values = ", ".join(["(" + ", ".join(["%s"] * len(ENTRY_COLUMNS)) + ")"] * len(rows))
            sql = f"INSERT INTO trust_entry ({cols}) VALUES {values} RETURNING id, seq"  # noqa: S608
            cur.execute(sql, [v for r in rows for v in r])
        ids = {seq: pk for pk, seq in cur.fetchall()}
        for e in entries:
            e.pk = ids[e.seq]
            e._state.adding = False
        lines = [
            (e.pk, e.account_id, i, code, d, c)
            for e, spec in zip(entries, specs, strict=True)
            for i, (code, d, c) in enumerate(spec.lines)
        ]
        if connection.vendor == "postgresql":
            types = ("bigint", "bigint", "int", "text", "numeric", "numeric")
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            sql = f"INSERT INTO trust_entryline ({line_cols}) SELECT * FROM unnest({arrays})"  # noqa: S608
            cur.execute(sql, [list(c) for c in zip(*lines, strict=True)])
        else:
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(lines))
            params = [
                v
                for (eid, acc, no, code, d, c) in lines
                for v in (
                    eid,
                    acc,
                    no,
                    code,
                    ops.adapt_decimalfield_value(d, 14, 2),
                    ops.adapt_decimalfield_value(c, 14, 2),
                )
            ]
            cur.execute(f"INSERT INTO trust_entryline ({line_cols}) VALUES {values}", params)  # noqa: S608


@transaction.atomic
def journal_post(*, actor, account: TrustAccount, date, kind: str, memo: str, lines) -> Entry:
    """A journal entry with explicit lines (an opening balance, other income): staff who keep the account."""
    require_at(actor, Action.CHANGE, TrustAccount, account.scope_path)
    if kind not in (Kind.OPENING, Kind.INCOME):
        raise ValidationError({"kind": _("Bills, collections and spending have their own steps.")})
    parsed = []
    for row in lines:
        code, d, c = row
        parsed.append((str(code), _amount_or_zero(d), _amount_or_zero(c)))
    category = next((code for code, _d, c in parsed if c > 0 and code.startswith("4")), "")
    (entry,) = append(
        actor=actor, account=account, specs=[Spec(date=date, kind=kind, memo=memo, lines=parsed, category=category)]
    )
    audit.record(actor=actor, action="trust_post", obj=entry, after={"seq": entry.seq, "amount": text(entry.amount)})
    return entry


def _amount_or_zero(value) -> Decimal:
    if value in (None, "", 0, "0"):
        return Decimal("0.00")
    if isinstance(value, float):
        raise ValidationError({"lines": _("Amounts are exact decimals, never floating-point numbers.")})
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"lines": _("Enter an amount in yuan, e.g. 1280.50.")}) from exc


@transaction.atomic
def reverse(*, actor, entry: Entry, date, reason: str) -> Entry:
    """Cancel ``entry`` with a new entry of the same lines, debit and credit swapped. The original stays."""
    account = lock(entry.account)
    require_at(actor, Action.CHANGE, TrustAccount, account.scope_path)
    entry = Entry.objects.select_related("account").get(pk=entry.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    if entry.kind == Kind.REVERSAL:
        raise ValidationError({"entry": _("A reversing entry cannot itself be reversed; record the entry again.")})
    if Entry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": _("This entry has already been reversed.")})
    bill = FeeBill.objects.select_for_update().filter(entry=entry).first()
    if bill is not None and bill.paid > 0:
        raise ValidationError({"entry": _("Reverse the collections of this bill first.")})
    collected = _collected_bill(entry)
    lines = [(ln.code, ln.credit, ln.debit) for ln in entry.lines.order_by("no")]
    memo = (_("Reverses entry %(seq)s: %(reason)s") % {"seq": entry.seq, "reason": reason})[:200]
    (rev,) = append(
        actor=actor,
        account=account,
        specs=[Spec(date=date, kind=Kind.REVERSAL, memo=memo, lines=lines, category=entry.category, reverses=entry)],
    )
    if bill is not None:
        FeeBill.objects.filter(pk=bill.pk).update(cancelled=True)
    if collected is not None:
        FeeBill.objects.filter(pk=collected.pk).update(paid=collected.paid - entry.amount)
    audit.record(actor=actor, action="trust_reverse", obj=rev, after={"reverses": entry.seq}, note=reason)
    return rev


def _collected_bill(entry: Entry):
    link = Collection.objects.filter(entry=entry).first()
    if link is None:
        return None
    return FeeBill.objects.select_for_update().get(pk=link.bill_id)
