#!/usr/bin/env python
"""Where a case create spends its time: cProfile over N in-process ``POST /api/v1/workorders/cases`` on PostgreSQL.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/workorders_create_profile.py \
            [--creates 300] [--top 25]

Creates ``linli_bench_wo_profile``, builds the test tree, issues a bearer token for the resident, then profiles
``--creates`` creates through Django's test client (the same middleware, auth, permission, validation, service
and response as under granian; no network, no server threads) and prints the top of the profile by cumulative
and by own time, the time spent inside the database driver, and the queries of one create. Drops the database.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "linli_bench_wo_profile"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    os.environ.update(
        DATABASE_URL=urlunparse(urlparse(url)._replace(path=f"/{DB}")),
        DJANGO_SETTINGS_MODULE="config.settings",
        LINLI_ENV="development",
        LINLI_DEBUG="0",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from linli.accounts.services import token_issue
    from linli.accounts.testing import build_tree

    try:
        call_command("migrate", verbosity=0)
        tree = build_tree()
        _token, raw = token_issue(user=tree.users["resident_a1"], name="bench")
        body = {
            "category": "noise",
            "title": "夜间施工噪音",
            "description": "22点后仍在施工，噪音很大",
            "place": tree.building_a1.code,
            "case_type": "complaint",
        }
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def create():
            resp = client.post("/api/v1/workorders/cases", body, content_type="application/json", **headers)
            assert resp.status_code == 201, resp.content

        for _ in range(20):
            create()  # warm caches, URLconf, connection
        seen = []

        def record(execute, sql, params, many, context):
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                seen.append(((time.perf_counter() - t) * 1000, sql))

        with connection.execute_wrapper(record):
            create()
        profile = cProfile.Profile()
        t0 = time.perf_counter()
        profile.enable()
        for _ in range(args.creates):
            create()
        profile.disable()
        wall = time.perf_counter() - t0
        print(
            f"{args.creates} creates in-process: {wall:.2f} s, {wall / args.creates * 1000:.2f} ms each "
            f"(load average {os.getloadavg()[0]:.1f})\n"
        )
        for key in ("cumulative", "tottime"):
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats(key)
            stats.print_stats(args.top)
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000] + "\n")
        print(f"queries of one create ({len(seen)}, plus BEGIN/COMMIT round trips of the transaction):")
        for ms, sql in seen:
            print(f"  {ms:>6.2f} ms  {sql[:150]}")
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
