"""Ballots under concurrency, on PostgreSQL (SQLite serialises writers itself): owners voting at the same moment,
the same owner twice at once, paper and online racing for one unit, and a ballot racing the closing."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from linli.votes import services
from linli.votes.models import Ballot, Channel, Decision, ElectorateUnit

from . import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def race(jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except (ValidationError, PermissionDenied) as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_owners_voting_at_the_same_moment_none_lost_or_doubled(tree, monkeypatch):
    keys = [f"o{i}" for i in range(12)]
    e = f.estate(tree, [("100.00", k) for k in keys])
    d = f.voting(tree, e, monkeypatch)
    users = [f.login(e, k) for k in keys]
    jobs = [lambda u=u: services.ballot_cast_online(actor=u, decision=d, choice="yes") for u in users]
    jobs += [lambda u=u: services.ballot_cast_online(actor=u, decision=d, choice="no") for u in users[:6]]
    assert race(jobs) == []
    assert Ballot.objects.filter(decision=d).count() == 12
    assert Ballot.objects.filter(decision=d).values("unit").distinct().count() == 12


def test_paper_and_online_racing_for_one_unit_end_locked_on_paper(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    user = f.login(e, "a")
    unit = ElectorateUnit.objects.get(decision=d)
    scans = [f.png() for _ in range(3)]
    jobs = [lambda: services.ballot_cast_online(actor=user, decision=d, choice="yes") for _ in range(3)]
    jobs += [
        lambda s=s: services.ballot_enter_paper(
            actor=tree.users["secretary_a1"], decision=d, unit=unit, choice="no", scan=s
        )
        for s in scans
    ]
    errors = race(jobs)
    ballot = Ballot.objects.get(decision=d)
    assert ballot.channel == Channel.PAPER and ballot.choice == "no"
    assert len(errors) >= 2  # the other paper ballots (and any online one after the paper) were refused


def test_ballot_racing_the_closing_lands_before_it_or_not_at_all(tree, monkeypatch):
    keys = [f"c{i}" for i in range(6)]
    e = f.estate(tree, [("100.00", k) for k in keys])
    d = f.voting(tree, e, monkeypatch)
    users = [f.login(e, k) for k in keys]
    f.shift(monkeypatch, d.closes_on)
    jobs = [lambda u=u: services.ballot_cast_online(actor=u, decision=d, choice="yes") for u in users]
    jobs.append(lambda: services.decision_close(actor=tree.users["secretary_a1"], decision=d))
    race(jobs)
    d = Decision.objects.get(pk=d.pk)
    assert d.state == "closed"
    late = Ballot.objects.filter(decision=d, cast_at__gt=d.closed_at).count()
    assert late == 0
