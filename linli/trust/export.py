"""The ledger exports owners download and check offline with ``verify_ledger.py`` (docs/domains/trust.md).

- JSON (one month's statement): ``{"format": "linli-trust-ledger/1", "account", "compound", "month",
  "prev_head", "head", "first_seq", "head_seq", "opening_balances", "closing_balances", "entries": [...]}``;
  each entry ``{"seq", "date", "kind", "memo", "lines": [[code, debit, credit]], "reverses", "receipt_sha256",
  "prev_hash", "hash"}``. Balances are debit − credit per account code, as strings in yuan.
- CSV (any run of the chain): a header row, then one row an entry with the columns of
  ``verify_ledger.CSV_FIELDS``; ``lines`` holds the lines as JSON text.

No names of residents are in an export; a fee bill's memo names the unit (e.g. ``101``) and its area.
"""

from __future__ import annotations

import csv
import io
import json

from .models import Entry, EntryLine, Statement, TrustAccount
from .selectors import segment
from .verify_ledger import CSV_FIELDS, FORMAT

CHUNK = 5000


def entry_dict(e: Entry, lines) -> dict:
    return {
        "seq": e.seq,
        "date": e.date.isoformat(),
        "kind": e.kind,
        "memo": e.memo,
        "lines": [[ln.code, f"{ln.debit:.2f}", f"{ln.credit:.2f}"] for ln in lines],
        "reverses": e.reverses_seq,
        "receipt_sha256": e.receipt_sha256,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


def statement_document(statement: Statement) -> dict:
    account = statement.account
    entries = [entry_dict(e, e.lines.all()) for e in segment(account, statement.first_seq, statement.head_seq)]
    return {
        "format": FORMAT,
        "account": str(account.uid),
        "compound": account.compound.name,
        "month": f"{statement.month:%Y-%m}",
        "prev_head": statement.prev_head,
        "head": statement.head_hash,
        "first_seq": statement.first_seq,
        "head_seq": statement.head_seq,
        "opening_balances": statement.opening,
        "closing_balances": statement.closing,
        "entries": entries,
    }


def statement_json(statement: Statement) -> str:
    return json.dumps(statement_document(statement), ensure_ascii=False, indent=1)


def csv_rows(account: TrustAccount, first_seq: int = 1, last_seq: int | None = None):
    """Rows of the CSV export, read in chunks (a five-year chain never sits in memory at once)."""
    last_seq = account.head_seq if last_seq is None else last_seq
    uid = str(account.uid)
    start = first_seq
    while start <= last_seq:
        stop = min(last_seq, start + CHUNK - 1)
        entries = list(Entry.objects.filter(account=account, seq__gte=start, seq__lte=stop).order_by("seq"))
        lines: dict[int, list] = {}
        for ln in (
            EntryLine.objects.filter(entry__account=account, entry__seq__gte=start, entry__seq__lte=stop)
            .order_by("entry_id", "no")
            .values_list("entry_id", "code", "debit", "credit")
        ):
            lines.setdefault(ln[0], []).append([ln[1], f"{ln[2]:.2f}", f"{ln[3]:.2f}"])
        for e in entries:
            yield [
                uid,
                e.seq,
                e.date.isoformat(),
                e.kind,
                e.memo,
                json.dumps(lines.get(e.pk, []), separators=(",", ":")),
                "" if e.reverses_seq is None else e.reverses_seq,
                e.receipt_sha256,
                e.prev_hash,
                e.hash,
            ]
        start = stop + 1


def write_csv(fh, account: TrustAccount, first_seq: int = 1, last_seq: int | None = None) -> None:
    writer = csv.writer(fh)
    writer.writerow(CSV_FIELDS)
    writer.writerows(csv_rows(account, first_seq, last_seq))


def csv_text(account: TrustAccount, first_seq: int = 1, last_seq: int | None = None) -> str:
    out = io.StringIO()
    write_csv(out, account, first_seq, last_seq)
    return out.getvalue()
