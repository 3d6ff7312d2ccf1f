#!/usr/bin/env python
"""The read-replica router (linli.core.replica) against a real streaming replica (issue 18 item 5).

Usage:  .venv/bin/python bench/faults/replica.py [--keep]        (or: make replica-check)

Makes a private primary with ``initdb`` under /tmp on a free port, a streaming replica of it with
``pg_basebackup -R`` on another port (never the machine's server on 5432), sets ``DATABASE_URL`` to the primary and
``DATABASE_REPLICA_URL`` to the replica, migrates (on the primary; the replica follows by streaming), builds the
test tree, and checks through the real middleware and API (django.test.Client):

1. a create (``POST /api/v1/workorders/cases``) succeeds — had any of its statements gone to the replica, the
   read-only replica would have refused it — and pins its client to the primary for a few seconds (cookie);
2. the case list (``GET …/cases``, marked ``@reads_from_replica``) runs its queries on the replica;
3. with the replica's replay paused (``pg_wal_replay_pause``), a new case is answered 201 with its detail (the
   reads after the write in that request stayed on the primary), the writer's next list (pinned) shows it, and
   another client's list (not pinned, read from the replica) does not yet — proof the reads really go there;
   after ``pg_wal_replay_resume`` the other client sees it too;
4. a read inside a write's transaction (``atomic``) goes to the primary even inside ``replica_reads()``.

Exits 0 when every check holds, 1 otherwise, and 0 with "skipped" when the PostgreSQL server binaries are absent.
"""

from __future__ import annotations

import argparse
import contextvars
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE)]

from infra import PrivatePostgres, pg_bin  # noqa: E402

DB = "linli_replica"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if pg_bin() is None:
        print("replica-check: skipped — the PostgreSQL server binaries (initdb, pg_basebackup) are not installed")
        return 0
    base = Path(tempfile.mkdtemp(prefix="linli-replica-", dir="/tmp"))
    os.chmod(base, 0o755)
    primary, standby = PrivatePostgres(base, "primary"), PrivatePostgres(base, "replica")
    results: list[tuple[str, bool, str]] = []
    try:
        primary.init()
        primary.start()
        import psycopg

        with psycopg.connect(f"{primary.url}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DB}")
        standby.init_replica_of(primary)
        standby.start()
        print(f"replica-check: primary 127.0.0.1:{primary.port}, streaming replica 127.0.0.1:{standby.port}")
        os.environ.update(
            {
                "DATABASE_URL": f"{primary.url}/{DB}",
                "DATABASE_REPLICA_URL": f"{standby.url}/{DB}",
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "LINLI_ENV": "development",
                "LINLI_DEBUG": "0",
            }
        )
        import django

        django.setup()
        results = checks(primary, standby)
    finally:
        from django.db import connections

        connections.close_all()
        standby.destroy() if not args.keep else standby.stop()
        primary.destroy() if not args.keep else primary.stop()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    width = max(len(name) for name, _ok, _d in results) if results else 10
    for name, ok, detail in results:
        print(f"  {name:<{width}}  {'ok' if ok else 'FAILED'}  {detail}")
    failed = [name for name, ok, _d in results if not ok]
    print("replica-check:", "every check holds" if results and not failed else f"FAILED: {failed or 'no checks'}")
    return 1 if failed or not results else 0


def caught_up(timeout: float = 30) -> None:
    from django.db import connections

    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()")
        target = cur.fetchone()[0]
    end = time.time() + timeout
    while time.time() < end:
        with connections["replica"].cursor() as cur:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cur.fetchone()[0]:
                return
        time.sleep(0.1)
    raise RuntimeError("the replica did not catch up")


def checks(primary, standby) -> list[tuple[str, bool, str]]:
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from linli.accounts.services import token_issue
    from linli.accounts.testing import build_tree
    from linli.core.replica import PIN_COOKIE, replica_reads
    from linli.workorders.models import Case

    out = []
    call_command("migrate", verbosity=0)
    tree = build_tree()
    _t, raw = token_issue(user=tree.users["resident_a1"], name="replica")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = {"category": "noise", "title": "夜间施工噪音", "description": "22点后仍在施工"}
    body["place"] = tree.building_a1.code
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        out.append(("the replica is a streaming standby", cur.fetchone()[0] is True, "pg_is_in_recovery() = true"))

    writer = Client()
    resp = writer.post("/api/v1/workorders/cases", body, content_type="application/json", **auth)
    created = resp.status_code == 201
    out.append(("1. create through the API (writes on the primary)", created, f"HTTP {resp.status_code}"))
    out.append(("   … pins the writer to the primary", PIN_COOKIE in resp.cookies, f"cookie {PIN_COOKIE}"))

    caught_up()
    reader = Client()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        resp = reader.get("/api/v1/workorders/cases", **auth)
    listed = resp.status_code == 200 and resp.json()["count"] == 1
    out.append(
        (
            "2. the case list reads the replica",
            listed and len(on_replica.captured_queries) >= 2,
            f"{len(on_replica.captured_queries)} queries on the replica, {len(on_primary.captured_queries)} on the "
            "primary (token, user, role bindings: accounts stay on the primary)",
        )
    )

    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_wal_replay_pause()")
    try:
        resp = writer.post(
            "/api/v1/workorders/cases", {**body, "title": "复制暂停时"}, content_type="application/json", **auth
        )
        out.append(
            (
                "3. replay paused: create answers its detail (reads after the write stay on the primary)",
                resp.status_code == 201 and resp.json()["title"] == "复制暂停时",
                f"HTTP {resp.status_code}",
            )
        )
        pinned = writer.get("/api/v1/workorders/cases", **auth).json()["count"]
        other = reader.get("/api/v1/workorders/cases", **auth).json()["count"]
        out.append(("   the pinned writer's list shows it (primary)", pinned == 2, f"count {pinned}"))
        out.append(("   another client's list does not yet (replica, paused)", other == 1, f"count {other}"))
    finally:
        with connections["replica"].cursor() as cur:
            cur.execute("SELECT pg_wal_replay_resume()")
    caught_up()
    other = reader.get("/api/v1/workorders/cases", **auth).json()["count"]
    out.append(("   after replay resumes, the other client sees it", other == 2, f"count {other}"))

    def counts():  # run in a fresh context, like a request that has not written (this script wrote above)
        with replica_reads():
            with transaction.atomic():
                inside = Case.objects.count()
            return inside, Case.objects.count()

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        inside, outside = contextvars.Context().run(counts)
    out.append(
        (
            "4. a read inside a write's transaction stays on the primary",
            len(on_replica.captured_queries) == 1 and inside == outside == 2,
            f"{len(on_replica.captured_queries)} of 2 counts on the replica (the one outside atomic)",
        )
    )
    return out


if __name__ == "__main__":
    sys.exit(main())
