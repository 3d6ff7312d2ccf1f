#!/usr/bin/env python
"""Campaign progress and the property complaint rate at district size, on PostgreSQL.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/campaigns.py \
            [--compounds 300] [--cases 100000] [--runs 30] [--keep]

Creates ``linli_bench_campaigns``, migrates it, builds the test tree plus ``--compounds`` compounds spread over its
three communities, ~200 households a compound, ``--cases`` work orders over the last two years (a third of them in
property categories), and a running campaign over every compound of street A with three inspections and two
findings a compound (half of them turned into work orders); ANALYZEs, then times, in-process through the real
middleware, auth and chokepoint, for the district administrator:

  complaint rate   GET /campaigns/complaint-rate/?months=12     every compound and street, 12 months + a year before
  campaign page    GET /campaigns/<id>/                          progress per street and compound

each p95 beside its limit (provisional limits: 300 ms and 200 ms), with the query count, which must not grow when
1,000 more cases and 100 more findings are added. Exit 1 when a figure misses its limit. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB = "linli_bench_campaigns"
LIMITS = {"complaints_p95_ms": 300.0, "campaign_p95_ms": 200.0}


def pct(values, p):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


def timed(fn, n):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def cases(compounds, n, rng, start):
    from django.utils import timezone

    from linli.workorders.models import Case, Category

    cats = list(Category.objects.all())
    prop = [c for c in cats if c.handled_by_property or (c.parent and c.parent.handled_by_property)]
    now = timezone.now()
    rows = []
    for k in range(n):
        place = rng.choice(compounds)
        rows.append(
            Case(
                number=f"B{start + k:012d}",
                case_type=rng.choice(["help", "complaint", "consult", "report"]),
                category=rng.choice(prop) if rng.random() < 0.33 else rng.choice(cats),
                title=f"批量工单 {k}",
                description="性能测试",
                place=place,
                scope_path=place.path,
                state=rng.choice(["accepted", "handling", "archived", "archived", "cancelled"]),
                source=rng.choice(["resident", "hotline", "hotline", "patrol"]),
                created_at=now - dt.timedelta(minutes=rng.randint(0, 730 * 24 * 60)),
            )
        )
    Case.objects.bulk_create(rows, batch_size=5000)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compounds", type=int, default=300)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench: set DATABASE_URL to a PostgreSQL server (figures are compared on PostgreSQL)")
        return 2
    import psycopg

    admin_url = url
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
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
    from common import Figures
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from linli.accounts.testing import build_tree, system_user
    from linli.areas import services as areas
    from linli.campaigns import services
    from linli.campaigns.models import Finding, Inspection, Target
    from linli.core import dates
    from linli.registry.models import Household

    figures = Figures("campaigns")
    rng = random.Random(15)
    try:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        tree = build_tree()
        root = system_user()
        communities = [tree.comm_a1, tree.comm_a2, tree.comm_b1]
        compounds = [
            areas.place_create(actor=root, parent=communities[i % 3], name=f"小区{i}") for i in range(args.compounds)
        ]
        compounds += [tree.compound_a1]
        Household.objects.bulk_create(
            [
                Household(number=f"H{c.pk}-{k}", house=tree.house_a1, scope_path=f"{c.path}00101{k:04d}")
                for c in compounds
                for k in range(200)
            ],
            batch_size=5000,
        )
        print(f"bench: {len(compounds)} compounds, {Household.objects.count():,} households, {args.cases:,} cases …")
        cases(compounds, args.cases, rng, 0)
        user = tree.users["district_admin"]
        today = dates.today()
        campaign = services.campaign_create(
            actor=user, owner=tree.street_a, title="整治", starts_on=today, ends_on=today + dt.timedelta(days=30)
        )
        services.theme_add(actor=user, campaign=campaign, name="飞线充电", items=["a", "b", "c"])
        campaign = services.campaign_start(actor=user, campaign=campaign)
        theme = campaign.themes.get()
        items = list(theme.items.all())
        targets = list(Target.objects.filter(campaign=campaign))

        def inspect(target):
            ins = Inspection.objects.create(
                campaign=campaign,
                target=target,
                theme=theme,
                scope_path=target.scope_path,
                inspector=user,
                inspected_at=timezone.now(),
                passed=1,
                failed=2,
            )
            Finding.objects.bulk_create(
                [
                    Finding(inspection=ins, campaign=campaign, target=target, item=i, scope_path=target.scope_path)
                    for i in items[:2]
                ]
            )

        for t in targets:
            for _ in range(3):
                inspect(t)
        for f in Finding.objects.filter(campaign=campaign).order_by("pk")[::20]:
            services.finding_to_case(actor=user, finding=f)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        print(
            f"  seeded in {time.perf_counter() - t0:.1f} s: {len(targets)} targets, "
            f"{Finding.objects.count():,} findings; load {os.getloadavg()[0]:.1f}\n"
        )
        client = Client()
        client.force_login(user)
        pages = {
            "complaint rate (12 months)": ("/campaigns/complaint-rate/?months=12", LIMITS["complaints_p95_ms"]),
            "campaign page (progress)": (f"/campaigns/{campaign.pk}/", LIMITS["campaign_p95_ms"]),
        }

        def queries(path):
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(path)
            assert resp.status_code == 200, (path, resp.status_code)
            return len(ctx.captured_queries)

        counts = {}
        for label, (path, limit) in pages.items():
            counts[label] = queries(path)
            times = timed(lambda path=path: client.get(path), args.runs)
            figures.check(f"{label} p95", pct(times, 95), limit, "ms", side=f"p50 {statistics.median(times):.1f} ms")
        cases(compounds, 1000, rng, args.cases)
        for t in targets[:50]:
            inspect(t)
        for label, (path, _limit) in pages.items():
            figures.check(f"{label} queries after more data", queries(path), counts[label], side="constant")
        figures.note("load average (1 min)", os.getloadavg()[0])
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return figures.finish()


if __name__ == "__main__":
    sys.exit(main())
