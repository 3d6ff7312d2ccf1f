#!/usr/bin/env python
"""信托制 trust ledger (issue 15 item 4) on PostgreSQL: appends under concurrent writers, offline verification of a
1,000,000-entry chain, and the monthly statement page with five years of entries.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/trust_ledger.py \
            [--writers 8] [--accounts 4] [--seconds 20] [--batch 25] [--chain 1000000] [--units 500] \
            [--requests 200] [--keep]

1. Appends: ``--writers`` processes append to ``--accounts`` accounts (two writers share an account when there are
   more writers than accounts, so one account's appends really are serialised by the row lock) for ``--seconds``,
   each call of ``services.append`` chaining ``--batch`` entries (a month's bill run is one such call; ``--batch 1``
   measures single appends). Limit: ≥ 2,000 entries/s. Then every account's chain is exported and verified
   (no fork, no gap).
2. Verification: a chain of ``--chain`` entries is built in Python (hashes as the service computes them) and
   loaded with COPY, exported to CSV by one COPY query, and verified by ``linli/trust/verify_ledger.py`` in a
   fresh Python process. Limit: ≤ 10 s.
3. The statement page: an account with five years of entries for ``--units`` units (a bill and, for most units, a
   collection each month, spending with receipts, the remuneration), 60 closed months; ``--requests`` GETs of the
   latest statement page. Limit: p95 < 100 ms.

Creates ``linli_bench_trust`` and drops it afterwards (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB = "linli_bench_trust"
APPEND_LIMIT = 2000.0
VERIFY_LIMIT = 10.0
PAGE_LIMIT = 100.0


def setup_django(url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": urlunparse(urlparse(url)._replace(path=f"/{DB}")),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LINLI_ENV": "development",
            "LINLI_DEBUG": "0",
        }
    )
    import django

    django.setup()


def writer(args) -> int:
    """One writer process: append batches to its account until the deadline; returns the entries written."""
    account_id, batch, deadline, seed = args
    from django.db import connections, transaction

    connections.close_all()
    from linli.trust import services
    from linli.trust.models import TrustAccount

    rng = random.Random(seed)
    account = TrustAccount.objects.get(pk=account_id)
    day = dt.date.today()
    written = 0
    while time.time() < deadline:
        specs = []
        for _ in range(batch):
            amount = Decimal(rng.randint(1, 500_000)).scaleb(-2)
            specs.append(
                services.Spec(
                    date=day,
                    kind="income",
                    memo="bench",
                    lines=[("1001", amount, Decimal("0.00")), ("4003", Decimal("0.00"), amount)],
                )
            )
        with transaction.atomic():
            services.append(actor=None, account=account, specs=specs)
        written += batch
    connections.close_all()
    return written


def make_accounts(n: int, units: int = 0):
    from linli.accounts.testing import system_user
    from linli.areas import services as areas
    from linli.orgs import services as orgs
    from linli.trust import services

    root = system_user()
    district = areas.place_create(actor=root, parent=None, name="雨山区", code="340504000000")
    street = areas.place_create(actor=root, parent=district, name="平湖街道", code="340504001000")
    comm = areas.place_create(actor=root, parent=street, name="雨秀社区", code="340504001001")
    compounds = [areas.place_create(actor=root, parent=comm, name=f"小区{i}") for i in range(n)]
    company = orgs.organisation_create(
        actor=root, area=district, kind="property", name="基准物业", managed_compounds=compounds
    )
    opened = (dt.date.today().replace(day=1) - dt.timedelta(days=5 * 366)).replace(day=1)
    return [
        services.account_open(
            actor=root, compound=c, scheme="trust", trustee=company, monthly_rate="1.35", opened_on=opened
        )
        for c in compounds
    ], root


def copy_chain(account, days_and_specs) -> int:
    """Chain (date, kind, memo, category, amount, lines) tuples onto ``account`` with COPY; returns the count."""
    from django.db import connection

    from linli.trust.models import TrustAccount
    from linli.trust.verify_ledger import entry_hash

    uid = str(account.uid)
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM trust_entry")
        next_id = cur.fetchone()[0] + 1
    seq, prev = account.head_seq, account.head_hash
    entries, lines = io.StringIO(), io.StringIO()
    now = "2026-01-01 00:00:00+00"
    count = 0
    for day, kind, memo, category, amount, entry_lines in days_and_specs:
        seq += 1
        text_lines = [[c, f"{d:.2f}", f"{k:.2f}"] for c, d, k in entry_lines]
        digest = entry_hash(uid, seq, day.isoformat(), kind, memo, text_lines, None, "", prev)
        eid = next_id + count
        entries.write(
            f"{eid}\t{account.pk}\t{account.scope_path}\t{seq}\t{day.isoformat()}\t{kind}\t{memo}\t{category}\t"
            f"{amount:.2f}\t\\N\t\t\t\t\\N\t\\N\t{prev}\t{digest}\t\\N\t{now}\n"
        )
        for no, (c, d, k) in enumerate(text_lines):
            lines.write(f"{eid}\t{account.pk}\t{no}\t{c}\t{d}\t{k}\n")
        prev = digest
        count += 1
    cols = (
        "id, account_id, scope_path, seq, date, kind, memo, category, amount, receipt_id, receipt_sha256, approver, "
        "payee, reverses_id, reverses_seq, prev_hash, hash, created_by_id, created_at"
    )
    raw = connection.connection
    with raw.cursor() as cur:
        with cur.copy(f"COPY trust_entry ({cols}) FROM STDIN") as cp:
            cp.write(entries.getvalue())
        with cur.copy("COPY trust_entryline (entry_id, account_id, no, code, debit, credit) FROM STDIN") as cp:
            cp.write(lines.getvalue())
        cur.execute("SELECT setval(pg_get_serial_sequence('trust_entry', 'id'), (SELECT max(id) FROM trust_entry))")
    TrustAccount.objects.filter(pk=account.pk).update(head_seq=seq, head_hash=prev)
    account.head_seq, account.head_hash = seq, prev
    return count


EXPORT_SQL = """
COPY (
  SELECT %(uid)s AS account, e.seq, e.date, e.kind, e.memo,
         (SELECT json_agg(json_build_array(l.code, l.debit::text, l.credit::text) ORDER BY l.no)
            FROM trust_entryline l WHERE l.entry_id = e.id) AS lines,
         e.reverses_seq, e.receipt_sha256, e.prev_hash, e.hash
    FROM trust_entry e WHERE e.account_id = %(account)s ORDER BY e.seq
) TO STDOUT WITH (FORMAT csv, HEADER false)
"""


def export_csv(account, path: Path) -> None:
    from django.db import connection

    from linli.trust.verify_ledger import CSV_FIELDS

    raw = connection.connection
    with open(path, "wb") as fh, raw.cursor() as cur:
        fh.write((",".join(CSV_FIELDS) + "\n").encode())
        sql = EXPORT_SQL.replace("%(uid)s", f"'{account.uid}'").replace("%(account)s", str(int(account.pk)))
        with cur.copy(sql) as cp:
            for block in cp:
                fh.write(block)


def verify(path: Path, head: str) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(ROOT / "linli/trust/verify_ledger.py"), str(path), "--expect-head", head],
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - t0, out


def five_years(units: int, months: list[dt.date], rng):
    """A compound's five years: bills, collections (≈ 95 %), spending, the remuneration."""
    for month in months:
        day = month + dt.timedelta(days=2)
        for u in range(units):
            amount = (Decimal(rng.randint(6000, 14000)).scaleb(-2) * Decimal("1.35")).quantize(Decimal("0.01"))
            yield (day, "bill", f"物业费 {month:%Y-%m} {u}", "4001", amount, [("1122", amount, 0), ("4001", 0, amount)])
            if rng.random() < 0.95:
                pay = month + dt.timedelta(days=rng.randint(3, 25))
                yield (pay, "collection", "缴费", "4001", amount, [("1001", amount, 0), ("1122", 0, amount)])
        for code in ("5001", "5002", "5003", "5004", "5005", "5006") * 3:
            amount = Decimal(rng.randint(10000, 900000)).scaleb(-2)
            yield (
                month + dt.timedelta(days=26),
                "expense",
                "支出",
                code,
                amount,
                [(code, amount, 0), ("1001", 0, amount)],
            )
        yield (
            month + dt.timedelta(days=27),
            "remuneration",
            "酬金",
            "5101",
            Decimal("5000.00"),
            [("5101", Decimal("5000.00"), 0), ("1001", 0, Decimal("5000.00"))],
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--accounts", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--chain", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench: set DATABASE_URL to a PostgreSQL server (figures are compared on PostgreSQL)")
        return 2
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        from common import Figures

        figures = Figures("trust_ledger")
        print(f"load average at the start: {os.getloadavg()}")

        # 1. concurrent appends
        accounts, root = make_accounts(args.accounts + 2)
        appenders, five_year_account, big = accounts[: args.accounts], accounts[-2], accounts[-1]
        connections.close_all()
        deadline = time.time() + args.seconds
        jobs = [(appenders[i % args.accounts].pk, args.batch, deadline, i) for i in range(args.writers)]
        ctx = mp.get_context("fork")
        t0 = time.perf_counter()
        with ctx.Pool(args.writers) as pool:
            written = sum(pool.map(writer, jobs))
        elapsed = time.perf_counter() - t0
        figures.check(
            f"appends/s, {args.writers} writers on {args.accounts} accounts, batch {args.batch}",
            written / elapsed,
            APPEND_LIMIT,
            "/s",
            higher_is_worse=False,
            side=f"{written:,} entries in {elapsed:.1f} s, load {os.getloadavg()[0]:.1f}",
        )
        with tempfile.TemporaryDirectory() as tmp:
            for acc in appenders:
                acc.refresh_from_db()
                path = Path(tmp) / f"a{acc.pk}.csv"
                export_csv(acc, path)
                _secs, out = verify(path, acc.head_hash)
                if out.returncode != 0:
                    figures.fail("appended chains intact", out.stdout.strip())
            print(
                f"  appended chains verified: {len(appenders)} accounts, {sum(a.head_seq for a in appenders):,} entries"
            )

            # 2. a 1,000,000-entry chain verified offline
            rng = random.Random(15)
            today = dt.date.today()

            def many():
                for i in range(args.chain):
                    amount = Decimal(rng.randint(1, 9_999_999)).scaleb(-2)
                    yield (today, "income", f"e{i}", "4003", amount, [("1001", amount, 0), ("4003", 0, amount)])

            t0 = time.perf_counter()
            copy_chain(big, many())
            print(f"  built a {args.chain:,}-entry chain with COPY in {time.perf_counter() - t0:.1f} s")
            path = Path(tmp) / "big.csv"
            t0 = time.perf_counter()
            export_csv(big, path)
            print(f"  exported it to CSV in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
            secs, out = verify(path, big.head_hash)
            if out.returncode != 0:
                figures.fail("1M chain verifies", out.stdout.strip())
            figures.check(f"verify a {args.chain:,}-entry chain offline", secs, VERIFY_LIMIT, "s")

        # 3. the statement page with five years of entries
        from django.test import Client

        from linli.trust import services

        first = five_year_account.opened_on
        months = []
        m = first
        while True:
            nxt = services.next_month(m)
            if nxt > today.replace(day=1) - dt.timedelta(days=1):
                break
            months.append(m)
            m = nxt
        t0 = time.perf_counter()
        n = copy_chain(five_year_account, five_years(args.units, months, random.Random(5)))
        for month in months:
            st = services.close_month(actor=root, account=five_year_account, month=month)
        print(f"  five years: {n:,} entries, {len(months)} statements in {time.perf_counter() - t0:.1f} s")
        client = Client(HTTP_HOST="localhost")
        client.force_login(root)
        url_ = f"/trust/statements/{st.pk}/"
        for _ in range(5):
            assert client.get(url_).status_code == 200
        times = []
        for _ in range(args.requests):
            t = time.perf_counter()
            resp = client.get(url_)
            times.append((time.perf_counter() - t) * 1000)
            if resp.status_code != 200:
                figures.fail("statement page", f"status {resp.status_code}")
                break
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        figures.check(
            f"statement page p95, 5 years ({n:,} entries)",
            p95,
            PAGE_LIMIT,
            "ms",
            side=f"median {times[len(times) // 2]:.1f} ms",
        )
        print(f"load average at the end: {os.getloadavg()}")
        return figures.finish()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
