"""Fifty parallel redemptions of the last three items: stock 0, exactly three orders, no negative balance.

Real threads, each with its own database connection, against the real database (SQLite or PostgreSQL:
``DATABASE_URL=postgres://… LINLI_ENV=test pytest linli/points/tests/test_concurrency.py``)."""

from __future__ import annotations

import random
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from linli.accounts.testing import build_tree, system_user
from linli.points import services
from linli.points.models import LedgerEntry, Order, ShopItem

from .factories import fund, resident_with_login

N = 50
RETRIES = 400


def pause():
    time.sleep(random.uniform(0.002, 0.02))


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_redemptions_of_the_last_three_items():
    tree = build_tree()
    item = services.item_create(actor=system_user(), shop=tree.comm_a1, name="大米", price=Decimal("10"), stock=3)
    buyers = []
    for i in range(N // 5):  # ten residents, five attempts each: also races on the same account
        user, resident = resident_with_login(f"buyer{i}", tree.house_a1, name=f"买{i}")
        fund(resident, 100)
        buyers.append(user)
    barrier = threading.Barrier(N)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(user):
        try:
            barrier.wait(timeout=30)
            for _ in range(RETRIES):  # SQLite may say "locked" under contention: retry like a user would
                try:
                    services.redeem(actor=user, item=item, quantity=1)
                    result = "ok"
                    break
                except OperationalError:
                    pause()
                    continue
                except ValidationError:
                    result = "refused"
                    break
            else:
                result = "gave up"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(buyers[i % len(buyers)],)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(outcomes) == N
    assert outcomes.count("ok") == 3, outcomes
    assert outcomes.count("refused") == N - 3, outcomes
    assert ShopItem.objects.get(pk=item.pk).stock == 0
    assert Order.objects.filter(item=item).count() == 3
    assert LedgerEntry.objects.filter(reason="redemption").count() == 3


@pytest.mark.django_db(transaction=True)
def test_parallel_redemptions_never_overdraw_one_account():
    """One account with points for two items, ten parallel attempts: exactly two succeed, balance 0."""
    tree = build_tree()
    item = services.item_create(actor=system_user(), shop=tree.comm_a1, name="毛巾", price=Decimal("5"), stock=100)
    user, resident = resident_with_login("saver", tree.house_a1)
    fund(resident, 10)
    barrier = threading.Barrier(10)
    oks = []

    def attempt():
        try:
            barrier.wait(timeout=30)
            for _ in range(RETRIES):
                try:
                    services.redeem(actor=user, item=item)
                    oks.append(1)
                    break
                except OperationalError:
                    pause()
                    continue
                except ValidationError:
                    break
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(oks) == 2
    account = resident.points_account
    assert services.balance_of(account) == Decimal("0.00")
    assert ShopItem.objects.get(pk=item.pk).stock == 98
