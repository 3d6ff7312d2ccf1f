#!/usr/bin/env python
"""Routing a report and retraining the router, on PostgreSQL (issue 17: route p95 < 50 ms on 2 cores; retraining
on 100,000 cases < 2 min).

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/assistant_route.py \
            [--cases 100000] [--routes 300] [--open-cases 200] [--keep]

Creates ``linli_bench_assistant``, migrates it, builds the test tree (``linli.accounts.testing.build_tree``),
files ``--open-cases`` cases in one compound through the work-order services (the duplicate search reads them),
bulk-inserts ``--cases`` examples of the synthetic dispatch history, then times ``train_version`` — gathering
archived cases, reading the examples, fitting, evaluating the new version and the version in use (the rules) on
the held-out slice, storing and promoting — and ``route()`` for ``--routes`` report texts of another seed with a
place and a user (model + rules + urgency + duplicates), after one warm-up call. The rules-only route is printed
beside for comparison. Drops the database unless ``--keep``.
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

from common import Figures  # noqa: E402

DB = "linli_bench_assistant"
ROUTE_P95_MS = 50.0
TRAIN_S = 120.0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--routes", type=int, default=300)
    parser.add_argument("--open-cases", type=int, default=200)
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
    os.environ.update(
        {
            "DATABASE_URL": urlunparse(urlparse(url)._replace(path=f"/{DB}")),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LINLI_ENV": "development",
            "LINLI_DEBUG": "0",
            "LINLI_OUTBOX_EAGER": "0",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    figures = Figures("assistant_route")
    try:
        call_command("migrate", verbosity=0)
        import datetime as dt

        from linli.accounts.testing import build_tree
        from linli.assistant.engine import synthetic
        from linli.assistant.services import route, routing, training
        from linli.workorders import services as wo
        from linli.workorders.models import Category

        tree = build_tree()
        tops = {c.code: c for c in Category.objects.filter(parent=None)}
        cats = {code: c.pk for code, c in tops.items()}
        resident = tree.users["resident_a1"]
        for text, code, _org in synthetic.history(args.open_cases, seed=99):
            wo.case_create(actor=resident, category=tops[code], title=text[:30], description=text, place=tree.house_a1)
        day = dt.date(2026, 1, 1)
        rows = [(t, cats[c], None, day, f"synthetic:{i}") for i, (t, c, _o) in enumerate(synthetic.history(args.cases))]
        training.add_examples(rows)
        print(f"assistant bench: {args.cases:,} examples, {args.open_cases} open cases; load {os.getloadavg()[0]:.2f}")

        texts = [t for t, _c, _o in synthetic.history(args.routes, seed=4242)]
        user, place = tree.users["dispatcher"], tree.building_a1

        def time_routes() -> list[float]:
            route(texts[0], place=place, user=user)  # warm-up: tokenizer and model loaded
            out = []
            for text in texts:
                started = time.perf_counter()
                route(text, place=place, user=user)
                out.append(1000 * (time.perf_counter() - started))
            return out

        rules_only = time_routes()
        started = time.perf_counter()
        row = training.train_version(actor=None, note="bench")
        seconds = time.perf_counter() - started
        figures.check(f"retrain on {args.cases:,} cases", seconds, TRAIN_S, "s", side=f"v{row.version} {row.status}")
        figures.note("held-out top-1 of the new version", 100 * row.metrics["top1"], "%")
        routing.forget_router()
        learned = time_routes()
        figures.check("route p95 (model + rules + duplicates)", p95(learned), ROUTE_P95_MS, "ms")
        figures.note("route p50 (model + rules + duplicates)", statistics.median(learned), "ms")
        figures.note("route p95, keyword rules only (cold start)", p95(rules_only), "ms")
        print(f"load at the end {os.getloadavg()[0]:.2f}")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return figures.finish()


if __name__ == "__main__":
    sys.exit(main())
