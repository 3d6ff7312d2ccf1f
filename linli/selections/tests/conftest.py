import datetime as dt

import pytest

from linli.accounts.testing import system_user
from linli.core import dates

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def today(monkeypatch):
    """The day of every service, movable: ``today.set(day)``."""

    class Clock:
        day = TODAY

        def set(self, day):
            self.day = day

    clock = Clock()
    monkeypatch.setattr(dates, "today", lambda: clock.day)
    return clock


@pytest.fixture
def root(db):
    return system_user()


@pytest.fixture
def make_resident(tree, root):
    from linli.registry import services as reg

    counter = iter(range(1, 10_000))

    def make(name=None, *, home=None, account=None):
        n = next(counter)
        r = reg.resident_create(
            actor=root, name=name or f"居民{n}", home=home or tree.house_a1, birth_date=dt.date(1960, 5, 1)
        )
        if account is not None:
            type(r).objects.filter(pk=r.pk).update(account=account)
            r.refresh_from_db()
        return r

    return make


@pytest.fixture
def me(tree, make_resident):
    """The resident_a1 login's own registry record (their house in compound A1, community A1)."""
    return make_resident("王小明", account=tree.users["resident_a1"])


@pytest.fixture
def voter(tree, make_resident, root):
    """Another login of community A1 with a linked record: ``voter(name)`` -> user."""
    from linli.accounts import services as acc

    def make(name):
        user = acc.user_create(actor=root, username=name, password="Test-pass-2026", home=tree.comm_a1)
        acc.binding_add(actor=root, user=user, role="resident", place=tree.house_a1)
        make_resident(name, account=user)
        user.refresh_from_db()
        return user

    return make


@pytest.fixture
def make_selection(tree, today):
    from linli.selections import services

    def make(kind="good_neighbour", place=None, actor=None, **kw):
        d = today.day
        fields = {
            "title": "好邻居评选",
            "period": "2026",
            "rules": "每位居民一票",
            "nominate_from": d,
            "nominate_until": d + dt.timedelta(days=5),
            "vote_from": d + dt.timedelta(days=6),
            "vote_until": d + dt.timedelta(days=12),
            "seats": 2,
            **kw,
        }
        return services.selection_create(
            actor=actor or tree.users["secretary_a1"], place=place or tree.comm_a1, kind=kind, **fields
        )

    return make


@pytest.fixture
def in_vote(tree, today, make_selection, make_resident):
    """A 好邻居 selection of community A1 with three accepted nominees, the vote open (today = first voting day)."""
    from linli.selections import services

    actor = tree.users["secretary_a1"]
    selection = make_selection()
    noms = []
    for name in ("张三", "李四", "王五"):
        n = services.nominate(actor=actor, selection=selection, resident=make_resident(name), reason="热心")
        noms.append(services.nomination_accept(actor=actor, nomination=n))
    services.selection_open_vote(actor=actor, selection=selection)
    today.set(selection.vote_from)
    return type(selection).objects.get(pk=selection.pk), noms
