#!/usr/bin/env python3
"""Verify a linli trust-account ledger export offline. Python 3.9+, standard library only: copy this one file.

    python3 verify_ledger.py statement-2026-03.json
    python3 verify_ledger.py ledger.csv --prev-head 0000…0000 --expect-head 9f2c…

It checks, entry by entry, in chain order:

1. the sequence numbers follow each other without a gap;
2. each entry's ``prev_hash`` is the hash of the entry before it (the first one: the previous statement's chain
   head, ``prev_head`` in the JSON export or ``--prev-head``; sixty-four zeros for the first entry of an account);
3. each entry's ``hash`` is SHA-256 over its canonical serialisation (below) — any changed amount, date, account
   code, memo, receipt or link breaks it and every hash after it;
4. amounts are written ``123.45`` (digits, a point, two digits of fen), no line is both debit and credit, and the
   entry balances: total debits = total credits > 0;
5. the balances: opening balances + every line = the closing balances the statement published (JSON export), and
   the last hash is the published chain head (``head`` in the JSON, or ``--expect-head``).

The first entry that fails is named (its sequence number and what is wrong) and the exit status is 1; 0 means
the export is intact. Money is summed in integer fen, never floats.

Canonical serialisation (format version 1) — the UTF-8 bytes of this JSON array, no spaces, non-ASCII
characters written as themselves (``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``):

    [1, account_uid, seq, "YYYY-MM-DD", kind, memo, [[code, debit, credit], ...], reverses, receipt_sha256, prev_hash]

``reverses`` is the sequence number of the entry a reversing entry cancels, or ``null``; ``receipt_sha256`` is the
SHA-256 of the receipt file (photo/PDF) as stored, or ``""``; ``debit``/``credit`` are strings like ``"0.00"``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys

FORMAT = "linli-trust-ledger/1"
GENESIS = "0" * 64
AMOUNT = re.compile(r"[0-9]{1,12}\.[0-9]{2}")  # used with fullmatch
CSV_FIELDS = ["account", "seq", "date", "kind", "memo", "lines", "reverses", "receipt_sha256", "prev_hash", "hash"]


def canonical(account, seq, date, kind, memo, lines, reverses, receipt_sha256, prev_hash) -> bytes:
    """The bytes an entry's hash is taken over (format version 1)."""
    data = [1, account, seq, date, kind, memo, [list(x) for x in lines], reverses, receipt_sha256, prev_hash]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(account, seq, date, kind, memo, lines, reverses, receipt_sha256, prev_hash) -> str:
    data = canonical(account, seq, date, kind, memo, lines, reverses, receipt_sha256, prev_hash)
    return hashlib.sha256(data).hexdigest()


def fast_canonical(account, seq, date, kind, memo, lines, reverses, receipt_sha256, prev_hash) -> bytes:
    """The same bytes as :func:`canonical`, built without walking the structure (the verifier's hot loop): every
    string goes through the json module's own encoder; amounts were checked against ``AMOUNT`` first, so they need
    no escaping. Falls back to :func:`canonical` for anything but the usual types."""
    if type(seq) is not int or not (reverses is None or type(reverses) is int):
        return canonical(account, seq, date, kind, memo, lines, reverses, receipt_sha256, prev_hash)
    enc = _encode
    parts = []
    for line in lines:
        code, d, c = line
        parts.append(f'[{enc(code)},"{d}","{c}"]')
    rev = "null" if reverses is None else str(reverses)
    text = (
        f"[1,{enc(account)},{seq},{enc(date)},{enc(kind)},{enc(memo)},[{','.join(parts)}],{rev},"
        f"{enc(receipt_sha256)},{enc(prev_hash)}]"
    )
    return text.encode("utf-8")


_encode = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) uses for a str
_decode = json.JSONDecoder().decode


def fen(text: str) -> int:
    """'123.45' → 12345, exactly (the text matched ``AMOUNT``)."""
    return int(text.replace(".", "", 1))


def signed_fen(text: str) -> int:
    """'-123.45' → -12345 (balances may be negative)."""
    return -fen(text[1:]) if text.startswith("-") else fen(text)


def yuan(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


class Bad(Exception):
    pass


def verify(entries, *, account=None, prev_head=GENESIS, opening=None, closing=None, head=None):
    """Check ``entries`` (dicts with the export's fields, in chain order). Returns a summary dict; raises ``Bad``
    naming the first bad entry."""
    balances = {code: signed_fen(v) for code, v in (opening or {}).items()}
    fullmatch = AMOUNT.fullmatch
    prev, expect_seq, count, last_seq = prev_head, None, 0, None
    for e in entries:
        seq = e["seq"]
        if type(seq) is not int:
            raise Bad(f"entry {seq!r}: the sequence number is not a whole number")
        where = f"entry {seq}"
        if account is not None and e["account"] != account:
            raise Bad(f"{where}: belongs to another account ({e['account']})")
        if expect_seq is not None and seq != expect_seq:
            raise Bad(f"{where}: expected entry {expect_seq} here (an entry is missing or out of order)")
        if e["prev_hash"] != prev:
            raise Bad(f"{where}: prev_hash does not match the hash of the entry before it")
        lines = e["lines"]
        debit = credit = 0
        if type(lines) is not list:
            raise Bad(f"{where}: the lines are not a list")
        for line in lines:
            if type(line) is not list or len(line) != 3:
                raise Bad(f"{where}: a line is not [code, debit, credit]")
            code, d, c = line
            if type(code) is not str or type(d) is not str or type(c) is not str:
                raise Bad(f"{where}: a line is not [code, debit, credit]")
            if not (fullmatch(d) and fullmatch(c)):
                raise Bad(f"{where}: amount not written as yuan with two digits of fen ({d!r}, {c!r})")
            d, c = int(d.replace(".", "", 1)), int(c.replace(".", "", 1))  # fen, exactly
            if (d and c) or not (d or c):
                raise Bad(f"{where}: a line must be either a debit or a credit")
            debit += d
            credit += c
            balances[code] = balances.get(code, 0) + d - c
        if debit != credit:
            raise Bad(f"{where}: unbalanced (debits {yuan(debit)} ≠ credits {yuan(credit)})")
        account_, date, kind, memo, receipt = e["account"], e["date"], e["kind"], e["memo"], e["receipt_sha256"]
        if type(account_) is not str or type(date) is not str or type(kind) is not str or type(memo) is not str:
            raise Bad(f"{where}: a field has the wrong type")
        if type(receipt) is not str:
            raise Bad(f"{where}: a field has the wrong type")
        data = fast_canonical(account_, seq, date, kind, memo, lines, e["reverses"], receipt, prev)
        digest = hashlib.sha256(data).hexdigest()
        if digest != e["hash"]:
            raise Bad(f"{where}: hash does not match its content (the entry was changed)")
        prev, expect_seq, last_seq, count = digest, seq + 1, seq, count + 1
    if head is not None and prev != head:
        raise Bad(f"the last hash {prev} is not the published chain head {head} (entries missing at the end?)")
    if closing is not None:
        for code in sorted(set(balances) | set(closing)):
            got, want = balances.get(code, 0), signed_fen(closing.get(code, "0.00"))
            if got != want:
                raise Bad(f"balance of {code}: the entries give {yuan(got)}, the statement says {yuan(want)}")
    return {"entries": count, "last_seq": last_seq, "head": prev, "balances": {k: yuan(v) for k, v in balances.items()}}


def _csv_entries(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        if header != CSV_FIELDS:
            raise Bad(f"the CSV header is not {','.join(CSV_FIELDS)}")
        for n, (account, seq, date, kind, memo, lines, reverses, receipt, prev, digest) in enumerate(rows, start=2):
            try:
                yield {
                    "account": account,
                    "seq": int(seq),
                    "date": date,
                    "kind": kind,
                    "memo": memo,
                    "lines": _decode(lines),
                    "reverses": int(reverses) if reverses else None,
                    "receipt_sha256": receipt,
                    "prev_hash": prev,
                    "hash": digest,
                }
            except ValueError as exc:
                raise Bad(f"line {n} of the CSV (entry {seq}): unreadable ({exc})") from exc


def verify_file(path, *, prev_head=None, expect_head=None):
    if path.endswith(".csv"):
        return verify(_csv_entries(path), prev_head=prev_head or GENESIS, head=expect_head)
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if doc.get("format") != FORMAT:
        raise Bad(f"not a {FORMAT} export")
    uid = doc["account"]
    entries = ({**e, "account": uid} for e in doc["entries"])
    return verify(
        entries,
        account=uid,
        prev_head=prev_head or doc["prev_head"],
        opening=doc.get("opening_balances"),
        closing=doc.get("closing_balances"),
        head=expect_head or doc["head"],
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify a linli trust-account ledger export offline.")
    parser.add_argument("export", help="the .json statement export or a .csv ledger export")
    parser.add_argument("--prev-head", help="the chain head the export starts after (default: from the export)")
    parser.add_argument("--expect-head", help="the chain head the statement published")
    args = parser.parse_args(argv)
    try:
        result = verify_file(args.export, prev_head=args.prev_head, expect_head=args.expect_head)
    except Bad as exc:
        print(f"FAILED: {exc}")
        return 1
    print(f"OK: {result['entries']} entries, chain intact up to entry {result['last_seq']}, head {result['head']}")
    for code, amount in sorted(result["balances"].items()):
        print(f"  {code} {amount}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
