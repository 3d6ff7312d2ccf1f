#!/usr/bin/env python
"""Case creation through the work-order API vs bare Django JSON endpoints, under granian + PostgreSQL, with wrk.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/workorders_create.py \
            [--duration 15] [--connections 32] [--workers 2] [--threads 4] [--keep]

Creates the throwaway database ``linli_bench_wo_create``, migrates it, builds the test tree
(``linli.accounts.testing.build_tree``: one district, a resident at home in community A1), issues a bearer token,
starts granian (WSGI, ``bench/workorders_wsgi.py``: the project plus two bare endpoints) and drives, one after the
other with the same server, ``wrk -c<connections>``:

  bare JSON       GET  /bench/bare                 a constant JsonResponse (the server's ceiling)
  bare insert     POST /bench/bare-create          json.loads + one Case INSERT, nothing else
  API create      POST /api/v1/workorders/cases    the real thing: bearer auth, permission, validation, case +
                                                   number + timeline + audit rows in one transaction, the response

and prints requests/s, p50 and p99 for each, the API's ratio to both, and its queries per create, each beside the
limits of issue 18 item 2, measured side by side in this run: the API create reaches ≥ 0.5 of the bare insert's
requests/s, and its p99 is ≤ 2 × the bare insert's p99 (the earlier limit against the bare JSON endpoint was
withdrawn: no durable write can reach it; the JSON figure is printed for comparison). Needs ``wrk`` on PATH
(``apt-get install wrk``; a benchmark-only tool). Exit 1 when a figure misses its limit. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB = "linli_bench_wo_create"
LIMITS = {"ratio": 0.5, "p99_ratio": 2.0}  # issue 18 item 2: against the bare one-row insert

POST_LUA = """
wrk.method = "POST"
wrk.body = [[%(body)s]]
wrk.headers["Content-Type"] = "application/json"
%(auth)s
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("granian did not start")


def to_ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url: str, *, connections: int, duration: int, script: str | None = None) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
        "raw": out,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="granian blocking threads per worker")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="diagnosis only: the server's connections use synchronous_commit=off (PGOPTIONS), "
        "to show how much of a write is the WAL flush",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench: set DATABASE_URL to a PostgreSQL server (figures are compared on PostgreSQL)")
        return 2
    if not shutil.which("wrk"):
        print("bench: wrk is not installed (apt-get install wrk)")
        return 2
    import psycopg

    admin_url = url
    bench_url = urlunparse(urlparse(url)._replace(path=f"/{DB}"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LINLI_ENV": "development",
        "LINLI_DEBUG": "0",
    }
    os.environ.update(env)
    server_env = {**env, "PGOPTIONS": "-c synchronous_commit=off"} if args.async_commit else env

    import django

    django.setup()
    from common import Figures
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from linli.accounts.services import token_issue
    from linli.accounts.testing import build_tree

    figures = Figures("workorders_create")

    server = None
    tmp = Path(tempfile.mkdtemp(prefix="wo_bench_"))
    try:
        print(f"bench: migrating {DB} and building the test tree …")
        call_command("migrate", verbosity=0)
        tree = build_tree()
        _token, raw = token_issue(user=tree.users["resident_a1"], name="bench")
        building = tree.building_a1
        body = {
            "category": "noise",
            "title": "夜间施工噪音",
            "description": "22点后仍在施工，噪音很大",
            "place": building.code,
            "case_type": "complaint",
        }
        bare_body = {
            "category": "noise",
            "title": "夜间施工噪音",
            "description": "22点后仍在施工，噪音很大",
            "place_id": building.pk,
            "scope_path": building.path,
        }

        # queries per create, in-process (the same code path the server runs)
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        client.post("/api/v1/workorders/cases", body, content_type="application/json", **headers)
        with CaptureQueriesContext(connection) as ctx:
            resp = client.post("/api/v1/workorders/cases", body, content_type="application/json", **headers)
        assert resp.status_code == 201, resp.content
        queries = len(ctx.captured_queries)
        connection.close()

        api_lua = tmp / "api.lua"
        api_lua.write_text(
            POST_LUA
            % {"body": json.dumps(body, ensure_ascii=False), "auth": f'wrk.headers["Authorization"] = "Bearer {raw}"'}
        )
        bare_lua = tmp / "bare.lua"
        bare_lua.write_text(POST_LUA % {"body": json.dumps(bare_body, ensure_ascii=False), "auth": ""})

        port = free_port()
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/granian"),
                "--interface",
                "wsgi",
                "--workers",
                str(args.workers),
                "--blocking-threads",
                str(args.threads),
                "--no-access-log",
                "--log-level",
                "warning",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--working-dir",
                str(ROOT / "bench"),
                "workorders_wsgi:application",
            ],
            env=server_env,
            cwd=ROOT / "bench",
            start_new_session=True,
        )
        wait_for(port)
        base = f"http://127.0.0.1:{port}"
        print(
            f"bench: granian {args.workers} workers × {args.threads} threads on :{port}"
            f"{' (synchronous_commit=off)' if args.async_commit else ''}; "
            f"wrk -t2 -c{args.connections} -d{args.duration}s, one after the other\n"
        )
        # warm every worker's connection and caches
        run_wrk(f"{base}/bench/bare", connections=args.connections, duration=2)
        run_wrk(f"{base}/api/v1/workorders/cases", connections=4, duration=2, script=str(api_lua))

        results = {}
        for label, path, script in (
            ("bare JSON GET /bench/bare", "/bench/bare", None),
            ("bare insert POST /bench/bare-create", "/bench/bare-create", str(bare_lua)),
            ("API create POST /api/v1/workorders/cases", "/api/v1/workorders/cases", str(api_lua)),
        ):
            r = run_wrk(base + path, connections=args.connections, duration=args.duration, script=script)
            results[label] = r
            extra = f"  non-2xx {r['non2xx']}" if r["non2xx"] else ""
            extra += f"  socket errors: {r['socket_errors']}" if r["socket_errors"] else ""
            print(f"  {label:<44} {r['rps']:>10.1f} req/s   p50 {r['p50']:>7.2f} ms   p99 {r['p99']:>7.2f} ms{extra}")
            if r["non2xx"]:
                figures.fail(label, f"{r['non2xx']} non-2xx answers")

        bare, insert, api = results.values()
        print()
        c = args.connections
        figures.ratio(
            f"case create req/s ÷ bare insert, {c} clients", api["rps"], insert["rps"], LIMITS["ratio"], unit="req/s"
        )
        figures.ratio(
            f"case create p99 ÷ bare insert p99, {c} clients",
            api["p99"],
            insert["p99"],
            LIMITS["p99_ratio"],
            higher_is_worse=True,
            unit="ms",
        )
        figures.note(
            "(comparison) case create req/s ÷ bare JSON",
            api["rps"] / bare["rps"],
            "×",
            side=f"{api['rps']:,.1f} vs {bare['rps']:,.1f} req/s",
        )
        figures.note("case create p50 / p99", api["p50"], "ms", side=f"p99 {api['p99']:.1f} ms")
        figures.note("queries per case create", queries)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return figures.finish()


if __name__ == "__main__":
    sys.exit(main())
