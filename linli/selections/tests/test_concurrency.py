"""Twenty residents tapping at once, each twice (forty requests in parallel): every resident's vote counts once.

Real threads, each with its own database connection, against the real database (SQLite or PostgreSQL:
``DATABASE_URL=postgres://… LINLI_ENV=test pytest linli/selections/tests/test_concurrency.py``)."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from linli.accounts import services as acc
from linli.accounts.testing import build_tree, system_user
from linli.core import dates
from linli.registry import services as reg
from linli.registry.models import Resident
from linli.selections import services
from linli.selections.models import Vote

VOTERS = 20
RETRIES = 400


@pytest.mark.django_db(transaction=True)
def test_parallel_double_taps_count_one_vote_each():
    tree = build_tree()
    root = system_user()
    day = dates.today()
    sec = tree.users["secretary_a1"]
    selection = services.selection_create(
        actor=sec,
        place=tree.comm_a1,
        kind="good_neighbour",
        title="好邻居",
        period="2026",
        rules="一人一票",
        nominate_from=day,
        nominate_until=day,
        vote_from=day,
        vote_until=day + dt.timedelta(days=3),
    )
    noms = []
    for name in ("张三", "李四"):
        r = reg.resident_create(actor=root, name=name, home=tree.house_a1)
        n = services.nominate(actor=sec, selection=selection, resident=r, reason="热心")
        noms.append(services.nomination_accept(actor=sec, nomination=n))
    services.selection_open_vote(actor=sec, selection=selection)
    users = []
    for i in range(VOTERS):
        user = acc.user_create(actor=root, username=f"voter{i}", password="Test-pass-2026", home=tree.comm_a1)
        r = reg.resident_create(actor=root, name=f"居民{i}", home=tree.house_a1)
        Resident.objects.filter(pk=r.pk).update(account=user)
        users.append(user)
    attempts = [(u, noms[k]) for u in users for k in (0, 1)]
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(user, nomination):
        try:
            barrier.wait(timeout=30)
            for _ in range(RETRIES):  # SQLite may say "locked" under contention: retry like a user would
                try:
                    services.vote_cast(actor=user, nomination=nomination)
                    result = "ok"
                    break
                except OperationalError:
                    time.sleep(random.uniform(0.002, 0.02))
                except ValidationError:
                    result = "refused"
                    break
            else:
                result = "gave up"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(set(outcomes)) <= ["ok", "refused"], outcomes
    assert outcomes.count("ok") == VOTERS and outcomes.count("refused") == VOTERS
    assert Vote.objects.filter(selection=selection).count() == VOTERS
    assert Vote.objects.values("resident").distinct().count() == VOTERS
