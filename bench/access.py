#!/usr/bin/env python
"""Door access on PostgreSQL: signed event ingest rate, the door × hour heat-map and the retention purge.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/access.py
        [--events 2000] [--days 30] [--doors 20] [--per-day 500] [--db NAME]

Creates a throwaway database ``linli_bench_access``, migrates it, builds the test district, sets up ``--doors``
doors and a resident's card, then times (1) ``services.ingest`` of ``--events`` signed card events one by one
(verification, pseudonym, insert — what the HTTP endpoint runs; no HTTP server), (2) ``selectors.heatmap`` of all
doors over the last 7 days on ``--days`` days of bulk-inserted history (p95 of 20 runs) and (3) the retention
purge of everything older than 7 days. Exit status 1 when a figure misses its limit. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB = "linli_bench_access"
INGEST_MIN_PER_S = 200.0  # a district's doors at the morning peak: ~500 doors × a few entries a minute
HEATMAP_P95_MS = 300.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--doors", type=int, default=20)
    parser.add_argument("--per-day", type=int, default=500)
    parser.add_argument("--db", default=DB)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench: set DATABASE_URL to a PostgreSQL server (figures are compared on PostgreSQL)")
        return 2
    import psycopg

    db = args.db
    if not db.replace("_", "").isalnum():
        print("bench: --db takes a plain database name")
        return 2
    admin_url = url if urlparse(url).path.lstrip("/") != db else urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db}")
        conn.execute(f"CREATE DATABASE {db}")
    os.environ["DATABASE_URL"] = urlunparse(urlparse(url)._replace(path=f"/{db}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LINLI_ENV"] = "development"
    os.environ["LINLI_DEBUG"] = "0"

    import django

    django.setup()
    from common import Figures
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from linli.access import selectors, services
    from linli.access.conf import pseudonym
    from linli.access.models import AccessEvent
    from linli.accounts.testing import build_tree, system_user
    from linli.registry import services as registry

    figures = Figures("access")
    rng = random.Random(2026)
    call_command("migrate", verbosity=0)
    tree = build_tree()
    root = system_user()
    places = [tree.building_a1, tree.building_a1b, tree.building_a2, tree.building_b1]
    doors = []
    for i in range(args.doors):
        doors.append(services.door_create(actor=root, place=places[i % 4], name=f"门{i}", methods=["card", "qr"]))
    person = registry.resident_create(actor=root, name="王秀英", home=tree.house_a1)
    card = services.credential_issue(actor=root, resident=person, kind="card", value="B0000001")

    now = timezone.now()
    rows = [
        AccessEvent(
            door=door,
            scope_path=door.scope_path,
            at=now - dt.timedelta(days=day, seconds=rng.randint(0, 86399)),
            method="card",
            result="granted",
            person_ref=pseudonym(rng.randint(1, 5000)),
            nonce=uuid.uuid4().hex,
        )
        for door, _ in doors
        for day in range(args.days)
        for _ in range(args.per_day)
    ]
    AccessEvent.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"bench: {len(rows):,} events of history over {args.days} days at {args.doors} doors")
    load_before = f"{os.getloadavg()[0]:.1f}"

    door, secret = doors[0]
    bodies = []
    for _ in range(args.events):
        body = json.dumps(
            {
                "event_id": uuid.uuid4().hex,
                "at": timezone.now().isoformat(),
                "method": "card",
                "result": "granted",
                "credential": str(card.uid),
            }
        ).encode()
        ts = str(int(time.time()))
        bodies.append((ts, body, services.sign(secret, ts, body)))
    t = time.perf_counter()
    for ts, body, sig in bodies:
        services.ingest(key_id=str(door.key_id), timestamp=ts, signature=sig, body=body)
    rate = args.events / (time.perf_counter() - t)

    admin = tree.users["secretary_a1"]
    all_doors = [d for d, _ in doors]
    times = []
    for _ in range(20):
        t = time.perf_counter()
        selectors.heatmap(admin, all_doors, timezone.now() - dt.timedelta(days=7), timezone.now())
        times.append((time.perf_counter() - t) * 1000)
    p95 = statistics.quantiles(times, n=20)[-1]

    os.environ["LINLI_ACCESS_RETENTION_DAYS"] = "7"
    t = time.perf_counter()
    purged = services.purge_expired()
    purge_s = time.perf_counter() - t
    print(f"  (load average before/after: {load_before} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)\n")
    figures.check("signed event ingest, one by one", rate, INGEST_MIN_PER_S, "ev/s", higher_is_worse=False)
    figures.check(
        f"heat-map {args.doors} doors × 24 h over 7 days, p95", p95, HEATMAP_P95_MS, "ms", side=f"{len(rows):,} rows"
    )
    figures.note(f"retention purge of {purged:,} events", purge_s, "s")
    if not args.keep:
        connection.close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {db}")
    return figures.finish()


if __name__ == "__main__":
    sys.exit(main())
