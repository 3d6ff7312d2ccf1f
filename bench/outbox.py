#!/usr/bin/env python
"""The event outbox drained by the worker: events delivered per second on PostgreSQL, with a trivial subscriber.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/outbox.py \
            [--events 50000] [--batch 500] [--aggregates 1000] [--subscribers 1] [--publish-sample 5000] [--keep]

Creates ``linli_bench_outbox``, migrates it, declares a bench event with ``--subscribers`` trivial subscribers (each
counts its calls), publishes ``--events`` events — the first ``--publish-sample`` through ``events.publish``, 1,000
to a transaction (timed and printed, no limit), the rest bulk-inserted as the same rows — with the eager attempt
off so everything waits for the worker, spread over ``--aggregates`` aggregates so the per-aggregate order check
runs as in production; then times ``outbox.run(batch=…, once=True)`` (the loop of ``manage.py outbox_worker``)
until nothing is pending: claim with ``FOR UPDATE SKIP LOCKED``, run each handler in a savepoint, mark the batch
done with one UPDATE, commit. Prints deliveries/s beside the issue's limit (≥ 5,000 events/s), checks every
delivery was made exactly once, and drops the database (``--keep`` keeps it). Exit 1 when the figure misses.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB = "linli_bench_outbox"
LIMIT = 5000.0  # events/s drained (issue 13 item 1)
EVENT = "core.bench.ping"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--aggregates", type=int, default=1000)
    parser.add_argument("--subscribers", type=int, default=1)
    parser.add_argument("--publish-sample", type=int, default=5000, help="events published through events.publish")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
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
    from django.db import connection, transaction

    from linli.core import events, outbox
    from linli.core.models import EventDelivery, OutboxEvent

    calls = [0] * args.subscribers

    def make(i):
        def handler(payload, event_id):
            calls[i] += 1

        handler.__qualname__ = f"bench_subscriber_{i}"
        return handler

    events.declare(EVENT, publisher="core", keys=("n", "key"), aggregate=("core.bench", "key"))
    for i in range(args.subscribers):
        events.subscribe(EVENT, make(i))

    try:
        call_command("migrate", verbosity=0)

        def key(n):
            return n % args.aggregates if args.aggregates else ""

        sample = min(args.publish_sample, args.events)
        t0 = time.perf_counter()
        for start in range(0, sample, 1000):
            with transaction.atomic():
                for n in range(start, min(start + 1000, sample)):
                    events.publish(EVENT, {"n": n, "key": key(n)})
        published = time.perf_counter() - t0
        print(
            f"bench: {sample:,} events published through events.publish in {published:.1f} s "
            f"({published / sample * 1000:.2f} ms each, with {args.subscribers} delivery row(s); 1,000 a transaction)"
        )
        kind = events.event_type(EVENT)
        subscribers = kind.subscribers
        for start in range(sample, args.events, 5000):  # the rest in bulk: the same rows, sooner
            with transaction.atomic():
                batch = [
                    OutboxEvent(name=EVENT, payload=(p := {"n": n, "key": key(n)}), aggregate=kind.aggregate_of(p))
                    for n in range(start, min(start + 5000, args.events))
                ]
                OutboxEvent.objects.bulk_create(batch)
                EventDelivery.objects.bulk_create(
                    [EventDelivery(event=e, subscriber=s, aggregate=e.aggregate) for e in batch for s in subscribers]
                )
        with connection.cursor() as cur:
            cur.execute("ANALYZE core_outboxevent; ANALYZE core_eventdelivery")
        deliveries = args.events * args.subscribers
        print(f"  {args.events:,} events × {args.subscribers} subscriber(s) = {deliveries:,} deliveries pending")

        t0 = time.perf_counter()
        attempted = outbox.run(batch=args.batch, once=True)
        drained = time.perf_counter() - t0
        rate = deliveries / drained
        pending = EventDelivery.objects.exclude(status="done").count()
        exact = attempted == deliveries and calls == [args.events] * args.subscribers and pending == 0
        print(
            f"  drain: {deliveries:,} deliveries in {drained:.2f} s, batch {args.batch}, {args.aggregates} aggregates"
        )
        from common import Figures

        figures = Figures("outbox")
        figures.check(
            f"outbox deliveries drained per second ({args.aggregates:,} aggregates)",
            rate,
            LIMIT,
            "/s",
            higher_is_worse=False,
            side=f"{deliveries:,} in {drained:.2f} s, batch {args.batch}",
        )
        print(f"  each delivered exactly once: {'yes' if exact else 'NO'} (calls {sum(calls):,}, pending {pending})")
        if not exact:
            figures.fail("outbox: each delivered exactly once", f"calls {sum(calls):,}, pending {pending}")
        return figures.finish()
    finally:
        if not args.keep:
            connection.close()
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
