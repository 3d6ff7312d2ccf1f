#!/usr/bin/env python
"""Resident search on PostgreSQL at 200,000 residents: p50/p95 per query kind and role, against 100 ms.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/search_residents.py

It creates a throwaway database ``linli_bench_search`` on that server, migrates it (registry 0003 adds the
pg_trgm indexes), seeds the demo district at ``--scale`` with ``--residents`` people (bulk, personal
numbers sealed like ``linli.registry.identity``), and times ``linli.registry.search.search_residents``
in-process — the permission filter included, the user's role bindings loaded afresh for every call, as
in a request — for a district admin, a community secretary and a grid worker. The queries are built from
residents in each user's scope: a full name, one surname character (the broadest query), the last two
characters of a name (a given name), pinyin initials, a full-pinyin prefix, the last four digits of an ID
number and an address fragment (compound and building). Then it drops the trigram indexes and measures
again, for comparison. Exit status 1 when a p95 misses the limit. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_MS = 100.0
DB_NAME = "linli_bench_search"
USERS = ("district", "secretary", "gridworker")


def pct(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def queries_for(residents, rng, n):
    """Typical queries built from ``n`` residents the user can see."""
    sample = rng.sample(residents, min(n, len(residents)))
    kinds = {"name": [], "surname": [], "given": [], "initials": [], "pinyin": [], "last4": [], "address": []}
    for r in sample:
        kinds["name"].append(r.name)
        kinds["surname"].append(r.name[0])
        kinds["given"].append(r.name[-2:])  # the given name (or the whole of a two-character name)
        kinds["initials"].append(r.name_initials)
        kinds["pinyin"].append(r.name_pinyin[: max(4, len(r.name_pinyin) // 2)])
        kinds["last4"].append(r.id_last4 or r.phone_last4)
        parts = r.address.split(" ")  # 雨山区 街道 社区 小区 楼栋 单元 房号
        kinds["address"].append(" ".join(parts[3:5]))
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=5, help="demo district scale (houses to hold the residents)")
    parser.add_argument("--residents", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=100, help="timed calls per user and query kind")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by an earlier --keep run")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench: set DATABASE_URL to a PostgreSQL server (figures are compared on PostgreSQL)")
        return 2
    import psycopg

    admin_url = url
    bench_url = urlunparse(urlparse(url)._replace(path=f"/{DB_NAME}"))
    if not args.reuse:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
            conn.execute(f"CREATE DATABASE {DB_NAME}")
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LINLI_ENV"] = "development"
    os.environ["LINLI_DEBUG"] = "0"

    import django

    django.setup()
    from common import Figures
    from django.core.management import call_command
    from django.db import connection

    from linli.accounts.models import User
    from linli.core.permissions import Action, forget_bindings, restrict
    from linli.registry.models import Resident
    from linli.registry.search import search_residents

    figures = Figures("search_residents")
    rng = random.Random(340504)

    def measure(label_suffix="", compare_only=False):
        for username in USERS:
            user = User.objects.get(username=username)
            visible = list(
                restrict(Resident.objects.filter(merged_into__isnull=True), user, Action.VIEW)
                .order_by("pk")
                .only("name", "name_initials", "name_pinyin", "id_last4", "phone_last4", "address")[:20000]
            )
            kinds = queries_for(visible, random.Random(rng.random()), 25)
            print(
                f"\n{username}{label_suffix}: {len(visible):,}{'+' if len(visible) == 20000 else ''} residents in scope"
            )
            for kind, qs in kinds.items():
                for q in qs[:3]:  # warm up
                    search_residents(user, q)
                times, hits = [], 0
                for i in range(args.runs):
                    q = qs[i % len(qs)]
                    user = User.objects.get(username=username) if i % 10 == 0 else user
                    forget_bindings(user)  # every call loads the role bindings, as a request would
                    t0 = time.perf_counter()
                    found = search_residents(user, q)
                    times.append((time.perf_counter() - t0) * 1000)
                    hits += len(found)
                p50, p95 = statistics.median(times), pct(times, 95)
                name = f"search p95, {username}{label_suffix}, {kind}"
                side = f"p50 {p50:.1f} ms, e.g. {qs[0]!r}, {hits / args.runs:.1f} hits/query"
                if compare_only:
                    figures.note(name, p95, "ms", side=side)
                else:
                    figures.check(name, p95, LIMIT_MS, "ms", side=side)

    try:
        print(
            f"bench: seeding the demo district at scale {args.scale} with {args.residents:,} residents on PostgreSQL …"
        )
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        t_migrate = time.perf_counter()
        if args.reuse:  # the comparison below dropped the trigram indexes: put them back as 0003 makes them
            from importlib import import_module

            for name, column in import_module("linli.registry.migrations.0003_search_trgm").INDEXES.items():
                with connection.cursor() as cur:
                    cur.execute(
                        f"CREATE INDEX IF NOT EXISTS {name} ON registry_resident USING gin ({column} gin_trgm_ops)"
                    )
        else:
            call_command("seed_demo", scale=args.scale, residents=args.residents, verbosity=0)
        seeded = time.perf_counter() - t_migrate
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
            cur.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'registry_resident' AND indexname LIKE '%%trgm'"
            )
            trgm = [r[0] for r in cur.fetchall()]
        print(
            f"  migrated in {t_migrate - t0:.1f} s, seeded in {seeded:.1f} s: {Resident.objects.count():,} "
            f"residents; trigram indexes: {', '.join(trgm) or 'none'}"
        )

        print("\nsearch_residents(user, q) — limit 20, ranked, masked, through the chokepoint")
        measure()

        with connection.cursor() as cur:
            for name in trgm:
                cur.execute(f"DROP INDEX {name}")
            cur.execute("ANALYZE registry_resident")
        print("\n(for comparison) the same without the pg_trgm indexes")
        measure(" (no trigram index)", compare_only=True)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
    return figures.finish()


if __name__ == "__main__":
    sys.exit(main())
