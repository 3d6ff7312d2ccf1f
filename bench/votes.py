#!/usr/bin/env python
"""Owners' decisions at scale (issue 14 item 2): the tally of a 5,000-unit compound with 5,000 ballots, the
verification file, and 200 owners voting at the same moment.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/votes.py \
            [--units 5000] [--voters 200] [--repeat 5] [--keep]

Creates ``linli_bench_votes``, migrates it, builds one compound of ``--units`` houses (10 buildings, bulk-inserted,
each with an area and an owner; every tenth owner holds two units), posts the notice through the service (which
freezes the electorate: timed and printed), opens the vote, bulk-inserts one ballot per unit except the last
``--voters`` units, then:

* tally: ``services.compute_tally`` over the frozen electorate and the ballots, best of ``--repeat`` (limit 200 ms);
* verification file: ``selectors.verification_data`` serialised to JSON, best of ``--repeat`` (limit 2 s);
* ``--voters`` owners voting at the same moment: all submitted at once to a pool of ``--workers`` threads (the
  server's workers: the shared PostgreSQL allows ~100 connections, so not one connection per owner), each casting
  an online ballot through ``services.ballot_cast_online``; then every owner's units have exactly one ballot: none
  lost or doubled (the figure is the number of missing or doubled ballots and errors, limit 0), with the wall time.

Drops the database (``--keep`` keeps it). Exit 1 when a figure misses.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DB = "linli_bench_votes"
TALLY_MS = 200.0
FILE_S = 2.0


def build(units: int):
    import datetime as dt
    from decimal import Decimal

    from linli.accounts.models import User
    from linli.accounts.testing import system_user
    from linli.areas import services as areas
    from linli.areas.models import Place
    from linli.registry.models import Occupancy, Resident

    root = system_user()
    district = areas.place_create(actor=root, parent=None, name="雨山区", code="340504000000")
    street = areas.place_create(actor=root, parent=district, name="平湖街道", code="340504001000")
    community = areas.place_create(actor=root, parent=street, name="雨秀社区", code="340504001001")
    compound = areas.place_create(actor=root, parent=community, name="万户花园")
    per_building = (units + 9) // 10
    houses = []
    for b in range(10):
        building = areas.place_create(actor=root, parent=compound, name=f"{b + 1}栋", floors=30, unit_count=1)
        unit = areas.place_create(actor=root, parent=building, name="1单元")
        for i in range(min(per_building, units - len(houses))):
            seg = f"{i + 1:04d}"
            houses.append(
                Place(
                    level=7,
                    parent=unit,
                    code=unit.code + seg,
                    path=unit.path + seg,
                    name=f"{i + 1:04d}",
                    number=f"{i + 1:04d}",
                    floor=i // 20 + 1,
                    area=Decimal("60.00") + Decimal(i % 90),
                    area_source="registered",
                    use="residential",
                )
            )
    houses = Place.objects.bulk_create(houses, batch_size=1000)
    people = Resident.objects.bulk_create(
        [Resident(name=f"业主{k}", home=h, scope_path=h.path) for k, h in enumerate(houses) if k % 10 != 1],
        batch_size=1000,
    )
    owner_of, it = [], iter(people)
    for k, _house in enumerate(houses):
        owner_of.append(owner_of[-1] if k % 10 == 1 else next(it))  # every tenth owner holds two units
    Occupancy.objects.bulk_create(
        [
            Occupancy(house=h, resident=r, kind="owner", since=dt.date(2015, 1, 1), scope_path=h.path)
            for h, r in zip(houses, owner_of, strict=True)
        ],
        batch_size=1000,
    )
    return root, compound, houses, owner_of, User


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=16)
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
    import datetime as dt

    import django

    django.setup()
    from common import Figures
    from django.core.management import call_command
    from django.db import connections

    from linli.core import dates
    from linli.votes import selectors, services
    from linli.votes.models import Ballot, Decision, ElectorateUnit

    figures = Figures("votes")
    try:
        call_command("migrate", verbosity=0)
        print(f"votes: {args.units:,} units, {args.voters} concurrent voters, load {os.getloadavg()[0]:.2f}")
        root, compound, houses, owner_of, User = build(args.units)
        d = services.decision_create(actor=root, compound=compound, matter_type=7, title="加装电梯", text="全体表决")
        today = dates.today()
        opens = today + dt.timedelta(days=services.notice_days())
        t = time.perf_counter()
        d = services.decision_notice(actor=root, decision=d, opens_on=opens, closes_on=opens + dt.timedelta(days=7))
        figures.note("notice: electorate frozen", (time.perf_counter() - t) * 1000, "ms")
        Decision.objects.filter(pk=d.pk).update(opens_on=today, closes_on=today + dt.timedelta(days=7))
        d = services.decision_open(actor=root, decision=Decision.objects.get(pk=d.pk))
        units = list(ElectorateUnit.objects.filter(decision=d).order_by("pk"))
        owner_by_house = {h.pk: r for h, r in zip(houses, owner_of, strict=True)}
        voters, late = {}, set()
        for u in reversed(units):  # the last owners, up to --voters of them, vote at the same moment
            person = owner_by_house[u.house_id]
            if person.pk not in voters and len(voters) == args.voters:
                break
            voters.setdefault(person.pk, person)
            late.add(u.house_id)
        now = django.utils.timezone.now()
        Ballot.objects.bulk_create(
            [
                Ballot(
                    decision=d,
                    unit=u,
                    choice=("yes", "yes", "yes", "no")[k % 4],
                    channel="online",
                    voter_id=u.representative_id,
                    receipt_hash=services.receipt_hash(d.pk, f"B{k:08d}"),
                    cast_at=now,
                )
                for k, u in enumerate(units)
                if u.house_id not in late
            ],
            batch_size=1000,
        )
        best = min(_timed(lambda: services.compute_tally(d)) for _ in range(args.repeat))
        figures.check(f"tally of {len(units):,} units, {len(units) - len(late):,} ballots", best * 1000, TALLY_MS, "ms")
        best = min(
            _timed(lambda: json.dumps(selectors.verification_data(d), ensure_ascii=False)) for _ in range(args.repeat)
        )
        figures.check("verification file (JSON)", best, FILE_S, "s")
        users = []
        for person in voters.values():
            user = User.objects.create(username=f"owner{person.pk}", scope_path=person.home.path)
            person.account = user
            person.save(update_fields=["account"])
            users.append(user)
        errors = []

        def vote(user):
            try:
                services.ballot_cast_online(actor=user, decision=d, choice="yes")
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connections.close_all()

        from concurrent.futures import ThreadPoolExecutor

        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            list(pool.map(vote, users))
        wall = time.perf_counter() - t
        late_units = [u for u in units if u.house_id in late]
        got = Ballot.objects.filter(decision=d, unit__in=late_units).count()
        distinct = Ballot.objects.filter(decision=d).values("unit").distinct().count()
        total = Ballot.objects.filter(decision=d).count()
        wrong = abs(len(late_units) - got) + (total - distinct) + len(errors)
        figures.note(f"{len(voters)} owners voting at once: wall time", wall, "s")
        figures.check(f"{len(voters)} owners at once: ballots lost or doubled", wrong, 0, "")
        if errors:
            print("  errors:", errors[:3])
    finally:
        connections.close_all()
        if not args.keep:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return figures.finish()


def _timed(call) -> float:
    t = time.perf_counter()
    call()
    return time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())
