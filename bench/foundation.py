#!/usr/bin/env python
"""Foundation benchmarks, on PostgreSQL: subtree queries and scoped API lists at demo scale.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/foundation.py [--scale 5]

It creates a throwaway database ``linli_bench`` on that server, migrates it, seeds the demo district
at ``--scale``, measures, prints each figure beside the limit it is compared to, and drops the
database. Exit status 1 when a figure misses its limit. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMITS = {
    "subtree_count_p95_ms": 50.0,  # count everything under a street
    "api_list_p95_ms": 60.0,  # one page (50 rows) of /api/v1/places, scoped, in-process
    "api_list_queries": 6,  # constant whatever the scale
}


def pct(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def timed(fn, n):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=3)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench: set DATABASE_URL to a PostgreSQL server (figures are compared on PostgreSQL)")
        return 2
    import psycopg

    admin_url = url
    parts = urlparse(url)
    bench_url = urlunparse(parts._replace(path="/linli_bench"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS linli_bench")
        conn.execute("CREATE DATABASE linli_bench")
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LINLI_ENV"] = "development"
    os.environ["LINLI_DEBUG"] = "0"

    import django

    django.setup()
    from common import Figures
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from linli.accounts.models import User
    from linli.areas.models import Level, Place

    figures = Figures("foundation")
    report = figures.check

    try:
        print(f"bench: seeding the demo district at scale {args.scale} on PostgreSQL …")
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        # the place tree is what is measured here; a few residents keep the seed quick (search has its own bench)
        call_command("seed_demo", scale=args.scale, residents=2000, verbosity=0)
        print(
            f"  seeded in {time.perf_counter() - t0:.1f} s: {Place.objects.count():,} places, "
            f"{Place.objects.filter(level=Level.HOUSE).count():,} houses"
        )
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

        street = Place.objects.filter(level=Level.STREET).order_by("path").first()
        print("\nsubtree queries (count of everything under one street)")
        rng = timed(lambda: Place.objects.under(street).count(), args.runs)
        like = timed(lambda: Place.objects.filter(path__startswith=street.path).count(), args.runs)
        report(
            "subtree count p95 (range [X, X:) on path)",
            pct(rng, 95),
            LIMITS["subtree_count_p95_ms"],
            "ms",
            side=f"p50 {statistics.median(rng):.2f} ms",
        )
        figures.note(
            "(comparison) subtree count p95, LIKE X%", pct(like, 95), "ms", side=f"p50 {statistics.median(like):.2f} ms"
        )

        print("\nscoped API list: GET /api/v1/places?level=5 (50 rows a page), in-process")
        for username in ("gridworker", "secretary", "district"):
            user = User.objects.get(username=username)
            client = Client()
            client.force_login(user)
            client.get("/api/v1/places?level=5")  # warm up
            times = timed(lambda c=client: c.get("/api/v1/places?level=5&page=2"), args.runs // 2)
            with CaptureQueriesContext(connection) as ctx:
                client.get("/api/v1/places?level=5&page=2")
            report(
                f"places API list p95, {username}",
                pct(times, 95),
                LIMITS["api_list_p95_ms"],
                "ms",
                side=f"p50 {statistics.median(times):.1f} ms",
            )
            report(f"places API list queries, {username}", len(ctx.captured_queries), LIMITS["api_list_queries"])
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS linli_bench")
    return figures.finish()


if __name__ == "__main__":
    sys.exit(main())
