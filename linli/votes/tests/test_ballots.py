"""Ballots: online by the representative, on paper by staff; one per unit; the overwrite policy; bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from linli.core.models import AuditLog
from linli.votes import services
from linli.votes.models import Ballot, Channel, ElectorateUnit

from . import factories as f

pytestmark = pytest.mark.django_db


def counts():
    return (
        Ballot.objects.count(),
        AuditLog.objects.count(),
        list(Ballot.objects.values_list("choice", "receipt_hash")),
    )


def test_owner_votes_online_once_per_unit_with_a_receipt(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a"), ("50.00", "a"), ("80.00", "b")])
    d = f.voting(tree, e, monkeypatch)
    out = services.ballot_cast_online(actor=f.login(e, "a"), decision=d, choice="yes")
    assert len(out) == 2  # both of a's units, one tap
    for ballot, code in out:
        assert ballot.receipt_hash == services.receipt_hash(d.pk, code)
        assert ballot.channel == Channel.ONLINE
    assert AuditLog.objects.filter(action="ballot_cast").count() == 2


def test_last_online_ballot_before_close_wins(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    user = f.login(e, "a")
    [(_first, code1)] = services.ballot_cast_online(actor=user, decision=d, choice="yes")
    [(_second, code2)] = services.ballot_cast_online(actor=user, decision=d, choice="no")
    assert Ballot.objects.filter(decision=d).count() == 1
    ballot = Ballot.objects.get(decision=d)
    assert ballot.choice == "no" and ballot.times_replaced == 1
    assert ballot.receipt_hash == services.receipt_hash(d.pk, code2) != services.receipt_hash(d.pk, code1)


def test_paper_ballot_replaces_online_and_locks_the_unit(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    user = f.login(e, "a")
    services.ballot_cast_online(actor=user, decision=d, choice="yes")
    ballot, _code = f.paper(tree, d, e.houses[0], "no")
    assert ballot.channel == Channel.PAPER and ballot.scan and ballot.choice == "no"
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.ballot_cast_online(actor=user, decision=d, choice="yes")
    assert "unit" in exc.value.message_dict
    with pytest.raises(ValidationError):
        f.paper(tree, d, e.houses[0], "yes")
    assert counts() == before


def test_ballot_after_closing_is_refused_and_changes_nothing(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a"), ("100.00", "b")])
    d = f.voting(tree, e, monkeypatch)
    services.ballot_cast_online(actor=f.login(e, "a"), decision=d, choice="yes")
    f.shift(monkeypatch, d.closes_on)
    d = services.decision_close(actor=tree.users["secretary_a1"], decision=d)
    user_b = f.login(e, "b")
    before = counts()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.ballot_cast_online(actor=user_b, decision=d, choice="yes")
    assert exc.value.message_dict["decision"] == ["投票已截止，不再接受表决票。"]  # a clear, translated error
    with pytest.raises(ValidationError):
        f.paper(tree, d, e.houses[1], "yes")
    assert counts() == before


def test_ballot_after_the_closing_day_is_refused_even_before_staff_close(tree, monkeypatch):
    import datetime as dt

    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    f.shift(monkeypatch, d.closes_on + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.ballot_cast_online(actor=f.login(e, "a"), decision=d, choice="yes")


def test_ballot_before_opening_is_refused(tree):
    e = f.estate(tree, [("100.00", "a")])
    d = f.noticed(tree, e)
    with pytest.raises(ValidationError):
        services.ballot_cast_online(actor=f.login(e, "a"), decision=d, choice="yes")


def test_non_owner_cannot_vote(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    before = counts()
    for user in (tree.users["resident_a1"], tree.users["secretary_a1"], tree.users["nobody"]):
        with pytest.raises(PermissionDenied):
            services.ballot_cast_online(actor=user, decision=d, choice="yes")
    assert counts() == before


def test_co_owner_who_is_not_the_representative_cannot_vote(tree, monkeypatch):
    from fractions import Fraction

    e = f.estate(tree, [("100.00", None)])
    f.own(e, "x", e.houses[0], kind="owner", share=Fraction(1, 2))
    f.own(e, "y", e.houses[0], kind="co_owner", share=Fraction(1, 2))
    d = f.voting(tree, e, monkeypatch)
    assert ElectorateUnit.objects.get(decision=d).representative_id == e.owners["x"].pk
    with pytest.raises(PermissionDenied):
        services.ballot_cast_online(actor=f.login(e, "y"), decision=d, choice="yes")
    services.ballot_cast_online(actor=f.login(e, "x"), decision=d, choice="yes")


@pytest.mark.parametrize("choice", ["", "YES", "maybe", None, 1])
def test_malformed_choice_is_refused(tree, monkeypatch, choice):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    user = f.login(e, "a")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.ballot_cast_online(actor=user, decision=d, choice=choice)
    assert "choice" in exc.value.message_dict
    with pytest.raises(ValidationError):
        f.paper(tree, d, e.houses[0], choice)
    assert counts() == before


def test_paper_ballot_needs_a_scan_and_a_staff_grant(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    unit = ElectorateUnit.objects.get(decision=d)
    with pytest.raises(ValidationError) as exc:
        services.ballot_enter_paper(actor=tree.users["secretary_a1"], decision=d, unit=unit, choice="yes", scan=None)
    assert "scan" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.ballot_enter_paper(actor=f.login(e, "a"), decision=d, unit=unit, choice="yes", scan=f.png())
    assert not Ballot.objects.exists()


def test_developer_units_vote_on_paper(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "dev"), ("100.00", "dev"), ("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    f.paper(tree, d, e.houses[0], "yes")
    f.paper(tree, d, e.houses[1], "yes")
    services.ballot_cast_online(actor=f.login(e, "a"), decision=d, choice="no")
    result = services.compute_tally(d)
    assert result["heads"] == {"yes": 1, "no": 1, "abstain": 0}
    assert result["tests"][1]["numerator"] == 2 and result["tests"][1]["denominator"] == 2
