#!/usr/bin/env python
"""Score cards at district scale, on PostgreSQL: all four cards for 5,000 party members and a year of records.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/scorecards.py
        [--members 5000] [--keep] [--db NAME]

Creates a throwaway database ``linli_bench_scorecards``, migrates it, bulk-inserts its own data (a district of
10 communities; 100 branches of 50 registered members; 1,000 in-service members with 6 service records each;
10 alliances of 20 member organisations with commitments and quarterly joint meetings; and, when the
organisational-life domain is installed, a year of 三会一课 with attendance of every member and a rated
democratic evaluation per branch), then times ``scorecards.services.run_compute`` for the four card types at
district level — subjects, every indicator's provider, points, stars and the bulk insert of the cards — and
prints the total beside the limit (10 s). Exit status 1 when it misses. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_S = 10.0
DB = "linli_bench_scorecards"


def seed(members: int, year: int, rng: random.Random) -> dict:
    from django.apps import apps

    from linli.accounts.testing import system_user
    from linli.alliance.models import (
        Alliance,
        AllianceMember,
        Commitment,
        CommitmentItem,
        ItemStatus,
        JointMeeting,
    )
    from linli.areas import services as areas
    from linli.orgs.models import Organisation
    from linli.party.models import InServiceMember, PartyMember, PartyOrg, ServiceRecord
    from linli.registry.models import Resident

    root = system_user()
    district = areas.place_create(actor=root, parent=None, name="雨山区", code="340504000000")
    streets = [
        areas.place_create(actor=root, parent=district, name=f"街道{i}", code=f"340504{i:03d}000") for i in (1, 2)
    ]
    communities = [
        areas.place_create(
            actor=root, parent=streets[i % 2], name=f"社区{i}", code=f"{streets[i % 2].code[:9]}{i + 1:03d}"
        )
        for i in range(10)
    ]
    n_branches = max(1, members // 50)
    committees = PartyOrg.objects.bulk_create(
        [PartyOrg(kind="community_committee", name=f"{c.name}党委", place=c, scope_path=c.path) for c in communities]
    )
    branches = PartyOrg.objects.bulk_create(
        [
            PartyOrg(
                kind="branch",
                branch_type="compound",
                name=f"第{i + 1}党支部",
                parent=committees[i % 10],
                place=communities[i % 10],
                scope_path=communities[i % 10].path,
            )
            for i in range(n_branches)
        ]
    )
    n_inservice = members // 5
    residents = Resident.objects.bulk_create(
        [Resident(name=f"居民{i}", scope_path=communities[i % 10].path) for i in range(members + n_inservice)],
        batch_size=2000,
    )
    party_members = PartyMember.objects.bulk_create(
        [
            PartyMember(
                resident=residents[i],
                org=branches[i % n_branches],
                status="full",
                joined_on=dt.date(2000 + i % 20, 7, 1),
                scope_path=branches[i % n_branches].scope_path,
            )
            for i in range(members)
        ],
        batch_size=2000,
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                kind="enterprise" if i % 3 else "stationed",
                name=f"共建单位{i}",
                area=communities[i % 10],
                scope_path=communities[i % 10].path,
            )
            for i in range(200)
        ]
    )
    inservice = InServiceMember.objects.bulk_create(
        [
            InServiceMember(
                resident=residents[members + i],
                employer=orgs[i % 200],
                community=communities[i % 10],
                reported_on=dt.date(year, 3, 1),
                scope_path=communities[i % 10].path,
            )
            for i in range(n_inservice)
        ],
        batch_size=2000,
    )
    ServiceRecord.objects.bulk_create(
        [
            ServiceRecord(
                member=m,
                date=dt.date(year, 1 + 2 * k, 10),
                content="社区服务",
                hours=Decimal(rng.randint(2, 12)),
                scope_path=m.scope_path,
            )
            for m in inservice
            for k in range(6)
        ],
        batch_size=5000,
    )
    alliances = Alliance.objects.bulk_create(
        [Alliance(community=c, name=f"{c.name}党建联盟", scope_path=c.path) for c in communities]
    )
    amembers = AllianceMember.objects.bulk_create(
        [
            AllianceMember(alliance=alliances[i % 10], organisation=orgs[i], scope_path=alliances[i % 10].scope_path)
            for i in range(200)
        ]
    )
    commitments = Commitment.objects.bulk_create(
        [Commitment(alliance_id=m.alliance_id, member=m, year=year, scope_path=m.scope_path) for m in amembers]
    )
    CommitmentItem.objects.bulk_create(
        [
            CommitmentItem(
                commitment=c,
                text=f"承诺{k}",
                scope_path=c.scope_path,
                status=ItemStatus.FULFILLED if rng.random() < 0.8 else ItemStatus.PENDING,
                evidence="记录",
            )
            for c in commitments
            for k in range(4)
        ]
    )
    meetings = JointMeeting.objects.bulk_create(
        [
            JointMeeting(alliance=a, held_on=dt.date(year, 3 * q - 1, 15), topic=f"Q{q}联席会", scope_path=a.scope_path)
            for a in alliances
            for q in (1, 2, 3, 4)
        ]
    )
    through = JointMeeting.attendees.through
    through.objects.bulk_create(
        [
            through(jointmeeting_id=mt.pk, alliancemember_id=m.pk)
            for mt in meetings
            for m in amembers
            if m.alliance_id == mt.alliance_id and rng.random() < 0.85
        ]
    )
    counts = {
        "branches": len(branches),
        "members": len(party_members),
        "inservice": len(inservice),
        "service records": len(inservice) * 6,
        "alliance members": len(amembers),
    }
    if apps.is_installed("linli.orglife") and "meeting" in apps.get_app_config("orglife").models:
        counts.update(seed_orglife(branches, party_members, year, rng))
    return {"district": district, "counts": counts}


def seed_orglife(branches, party_members, year: int, rng: random.Random) -> dict:
    from linli.orglife.models import Attendance, Evaluation, EvaluationEntry, Meeting

    by_branch: dict[int, list] = {}
    for m in party_members:
        by_branch.setdefault(m.org_id, []).append(m)
    plan = (
        [("committee", month) for month in range(1, 13)]
        + [("group_meeting", month) for month in range(1, 13)]
        + [("theme_day", month) for month in range(1, 13)]
        + [("general_assembly", 3 * q) for q in (1, 2, 3, 4)]
        + [("party_lecture", 3 * q - 1) for q in (1, 2, 3, 4)]
        + [("life_meeting", 12)]
    )
    everyone = {"theme_day", "general_assembly", "party_lecture", "life_meeting"}
    meetings = []
    for b in branches:
        for kind, month in plan:
            if rng.random() < 0.05:  # a few gaps for the calendar to find
                continue
            day = dt.date(year, month, 12)
            n = len(by_branch.get(b.pk, [])) if kind in everyone else 0
            meetings.append(
                Meeting(
                    org=b,
                    scope_path=b.scope_path,
                    kind=kind,
                    status="held",
                    held_on=day,
                    counts_for=day,
                    topic=f"{kind} {month}",
                    entitled_count=n,
                    present_count=n,
                    quorum_met=True,
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=5000)
    rows = []
    for mt in meetings:
        if mt.kind not in everyone:
            continue
        for m in by_branch.get(mt.org_id, []):
            r = rng.random()
            rows.append(
                Attendance(meeting=mt, member=m, status="present" if r < 0.85 else ("leave" if r < 0.93 else "absent"))
            )
    Attendance.objects.bulk_create(rows, batch_size=10000)
    evals = Evaluation.objects.bulk_create(
        [
            Evaluation(org=b, scope_path=b.scope_path, year=year, state="rated", rated_on=dt.date(year, 12, 20))
            for b in branches
        ]
    )
    grades = ["excellent", "qualified", "qualified", "qualified", "basic"]
    EvaluationEntry.objects.bulk_create(
        [
            EvaluationEntry(evaluation=ev, member=m, grade=rng.choice(grades))
            for ev in evals
            for m in by_branch.get(ev.org_id, [])
        ],
        batch_size=5000,
    )
    return {"orglife meetings": len(meetings), "attendance rows": len(rows)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--db",
        default=DB,
        help=f"name of the throwaway benchmark database (default {DB}); it is dropped and created again",
    )
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
    # DROP/CREATE run from another database of the same server: the URL's own, or "postgres" when the URL names
    # the benchmark database itself (DATABASE_URL=…/linli_h3 with --db linli_h3).
    admin_url = url if urlparse(url).path.lstrip("/") != db else urlunparse(urlparse(url)._replace(path="/postgres"))
    bench_url = urlunparse(urlparse(url)._replace(path=f"/{db}"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db}")
        conn.execute(f"CREATE DATABASE {db}")
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LINLI_ENV"] = "development"
    os.environ["LINLI_DEBUG"] = "0"

    import django

    django.setup()
    from common import Figures
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from linli.accounts.testing import system_user
    from linli.scorecards import services
    from linli.scorecards.models import CardType

    figures = Figures("scorecards")
    try:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        year = timezone.localdate().year - 1
        with transaction.atomic():
            seeded = seed(args.members, year, random.Random(2026))
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(
            f"bench: seeded in {time.perf_counter() - t0:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in seeded["counts"].items())
        )
        actor = system_user()
        from django.urls import reverse

        reverse("scorecards:list")  # load the URLconf first, as a running server has (providers build links)
        total = 0.0
        parts = []
        load_before = f"{os.getloadavg()[0]:.1f}"
        print(f"\nscore cards for {year} at district level (run_compute: subjects, providers, points, stars, insert)")
        for card_type in CardType.values:
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                run = services.run_compute(actor=actor, place=seeded["district"], year=year, card_type=card_type)
                seconds = time.perf_counter() - t
            total += seconds
            parts.append(f"{card_type} {seconds:.2f} s")
            missing = ", ".join(u["code"] for u in run.unavailable) or "—"
            print(
                f"  {card_type:<10} {run.subject_count:>6,} cards {seconds:>7.2f} s "
                f"{len(ctx.captured_queries):>4} queries   no data source: {missing}"
            )
        print(f"  (load average before/after: {load_before} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)\n")
        figures.check(f"score cards, all four, {args.members:,} members", total, LIMIT_S, "s", side=", ".join(parts))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {db}")
    return figures.finish()


if __name__ == "__main__":
    sys.exit(main())
