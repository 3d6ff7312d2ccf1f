"""Decisions through the services: the electorate frozen at the notice, the notice period, the steps, immutability."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation

from linli.core import dates
from linli.core.models import AuditLog
from linli.core.outbox import OutboxEvent
from linli.votes import services
from linli.votes.models import Decision, DecisionState, ElectorateUnit

from . import factories as f

pytestmark = pytest.mark.django_db


def test_create_refuses_a_matter_outside_article_278(tree):
    e = f.estate(tree, [("100.00", "a")])
    before = (Decision.objects.count(), AuditLog.objects.count())
    for bad in (0, 10, "x"):
        with pytest.raises(ValidationError) as exc:
            f.draft(tree, e, matter_type=bad)
        assert "matter_type" in exc.value.message_dict
    assert (Decision.objects.count(), AuditLog.objects.count()) == before


def test_create_out_of_scope_is_denied(tree):
    from linli.areas.models import Place

    other = Place.objects.get(pk=tree.building_b1.parent_id)
    with pytest.raises(PermissionDenied):
        services.decision_create(actor=tree.users["secretary_a1"], compound=other, matter_type=1, title="t", text="t")


def test_create_with_attachment_and_audit(tree):
    e = f.estate(tree, [("100.00", "a")])
    d = services.decision_create(
        actor=tree.users["secretary_a1"], compound=e.compound, matter_type=5, title="t", text="x", attachments=[f.png()]
    )
    assert d.state == DecisionState.DRAFT and d.attachments.count() == 1
    assert AuditLog.objects.filter(object_type="votes.decision", object_id=str(d.pk), action="create").exists()


def test_notice_shows_denominators_before_voting_opens(tree):
    e = f.estate(tree, [("100.00", "a"), ("80.50", "a"), ("90.00", "b"), ("70.00", "dev"), ("60.00", "dev")])
    d = f.noticed(tree, e)
    assert d.state == DecisionState.NOTICED and dates.today() < d.opens_on
    assert d.total_units == 5
    assert d.total_area == Decimal("400.50")
    assert d.total_heads == 3  # owner a (two units), owner b, the developer
    assert OutboxEvent.objects.filter(name="votes.decision.noticed").exists()


def test_notice_at_least_15_days_before_voting_opens(tree):
    e = f.estate(tree, [("100.00", "a")])
    d = f.draft(tree, e)
    today = dates.today()
    with pytest.raises(ValidationError) as exc:
        services.decision_notice(
            actor=tree.users["secretary_a1"],
            decision=d,
            opens_on=today + dt.timedelta(days=14),
            closes_on=today + dt.timedelta(days=20),
        )
    assert "opens_on" in exc.value.message_dict
    d = Decision.objects.get(pk=d.pk)
    assert d.state == DecisionState.DRAFT and not ElectorateUnit.objects.filter(decision=d).exists()
    services.decision_notice(
        actor=tree.users["secretary_a1"],
        decision=d,
        opens_on=today + dt.timedelta(days=15),
        closes_on=today + dt.timedelta(days=20),
    )


@override_settings(LINLI_VOTES_NOTICE_DAYS=7)
def test_notice_setting_never_shorter_than_the_rule():
    assert services.notice_days() == 15


@override_settings(LINLI_VOTES_NOTICE_DAYS=20)
def test_notice_setting_longer_than_the_rule_is_honoured(tree):
    assert services.notice_days() == 20
    e = f.estate(tree, [("100.00", "a")])
    d = f.draft(tree, e)
    today = dates.today()
    with pytest.raises(ValidationError):
        services.decision_notice(
            actor=tree.users["secretary_a1"],
            decision=d,
            opens_on=today + dt.timedelta(days=15),
            closes_on=today + dt.timedelta(days=30),
        )


def test_incomplete_electorate_lists_every_unit_without_area_or_owner(tree):
    e = f.estate(tree, [("100.00", "a"), (None, "b"), ("90.00", None), (None, None)])
    d = f.draft(tree, e)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.decision_notice(
            actor=tree.users["secretary_a1"],
            decision=d,
            opens_on=dates.today() + dt.timedelta(days=15),
            closes_on=dates.today() + dt.timedelta(days=20),
        )
    messages = exc.value.message_dict["electorate"]
    assert "3" in messages[0]
    assert any("1栋1单元102" in m and "no area" in m for m in messages)
    assert any("1栋1单元103" in m and "no owner" in m for m in messages)
    assert any("1栋1单元104" in m and "no area" in m and "no owner" in m for m in messages)
    assert not ElectorateUnit.objects.filter(decision=d).exists()
    d = Decision.objects.get(pk=d.pk)
    assert d.state == DecisionState.DRAFT


def test_area_is_registered_else_surveyed_else_contract_and_the_source_is_recorded(tree):
    e = f.estate(tree, [])
    for source in ("registered", "surveyed", "contract"):
        h = f.house(e, area="88.00", source=source)
        f.own(e, source, h)
    d = f.noticed(tree, e)
    assert sorted(ElectorateUnit.objects.filter(decision=d).values_list("area_source", flat=True)) == [
        "contract",
        "registered",
        "surveyed",
    ]


def test_headcount_one_owner_of_several_units_counts_once_in_the_electorate(tree):
    e = f.estate(tree, [("100.00", "a"), ("100.00", "a"), ("100.00", "a"), ("100.00", "b")])
    d = f.noticed(tree, e)
    assert d.total_heads == 2 and d.total_units == 4
    assert len(set(ElectorateUnit.objects.filter(decision=d).values_list("holder", flat=True))) == 2


def test_headcount_developer_unsold_units_together_count_once_in_the_electorate(tree):
    e = f.estate(tree, [("100.00", "dev"), ("100.00", "dev"), ("100.00", "b")])
    d = f.noticed(tree, e)
    assert d.total_heads == 2
    assert set(ElectorateUnit.objects.filter(decision=d, is_developer=True).values_list("holder", flat=True)) == {0}


def test_co_owners_vote_once_through_designated_representative(tree):
    e = f.estate(tree, [("100.00", None)])
    h = e.houses[0]
    f.own(e, "x", h, kind="co_owner", share=Fraction(1, 2))
    f.own(e, "y", h, kind="co_owner", share=Fraction(1, 2))
    d = f.draft(tree, e)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.decision_notice(
            actor=tree.users["secretary_a1"],
            decision=d,
            opens_on=dates.today() + dt.timedelta(days=15),
            closes_on=dates.today() + dt.timedelta(days=20),
        )
    assert any("representative" in m for m in exc.value.message_dict["electorate"])
    stranger = f.owner(e, "z", h)
    with pytest.raises(ValidationError):
        services.representative_designate(actor=tree.users["secretary_a1"], decision=d, house=h, resident=stranger)
    services.representative_designate(actor=tree.users["secretary_a1"], decision=d, house=h, resident=e.owners["y"])
    d = services.decision_notice(
        actor=tree.users["secretary_a1"],
        decision=d,
        opens_on=dates.today() + dt.timedelta(days=15),
        closes_on=dates.today() + dt.timedelta(days=20),
    )
    unit = ElectorateUnit.objects.get(decision=d)
    assert unit.representative_id == e.owners["y"].pk and d.total_heads == 1


def test_open_not_before_the_notice_day(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.noticed(tree, e)
    with pytest.raises(ValidationError):
        services.decision_open(actor=tree.users["secretary_a1"], decision=d)
    f.shift(monkeypatch, d.opens_on)
    assert services.decision_open(actor=tree.users["secretary_a1"], decision=d).state == DecisionState.VOTING


def test_draft_cannot_open(tree):
    e = f.estate(tree, [("100.00", "a")])
    d = f.draft(tree, e)
    with pytest.raises(ValidationError):
        services.decision_open(actor=tree.users["secretary_a1"], decision=d)


def test_close_not_before_the_closing_day(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    with pytest.raises(ValidationError):
        services.decision_close(actor=tree.users["secretary_a1"], decision=d)
    f.shift(monkeypatch, d.closes_on)
    assert services.decision_close(actor=tree.users["secretary_a1"], decision=d).state == DecisionState.CLOSED


def test_publish_fixes_the_result_and_opens_the_objection_window(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a"), ("100.00", "b"), ("100.00", "c")])
    d = f.voting(tree, e, monkeypatch)
    for key in ("a", "b"):
        services.ballot_cast_online(actor=f.login(e, key), decision=d, choice="yes")
    d = f.close_and_publish(tree, d, monkeypatch)
    assert d.state == DecisionState.PUBLISHED and d.passed is True
    assert d.objections_until == d.published_on + dt.timedelta(days=services.objection_days())
    assert OutboxEvent.objects.filter(name="votes.decision.published").exists()
    with pytest.raises(ValidationError):
        services.decision_finalise(actor=tree.users["secretary_a1"], decision=d)
    f.shift(monkeypatch, d.objections_until + dt.timedelta(days=1))
    assert services.decision_finalise(actor=tree.users["secretary_a1"], decision=d).state == DecisionState.FINAL


def test_published_decision_is_immutable_corrections_are_new_records(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    with pytest.raises(ValidationError):
        services.decision_correct(actor=tree.users["secretary_a1"], decision=d)
    d = f.close_and_publish(tree, d, monkeypatch)
    for step in (services.decision_open, services.decision_close, services.decision_publish):
        with pytest.raises(ValidationError):
            step(actor=tree.users["secretary_a1"], decision=d)
    with pytest.raises(ValidationError):
        services.ballot_cast_online(actor=f.login(e, "a"), decision=d, choice="yes")
    with pytest.raises(ValidationError):
        services.decision_notice(
            actor=tree.users["secretary_a1"], decision=d, opens_on=d.opens_on, closes_on=d.closes_on
        )
    fix = services.decision_correct(actor=tree.users["secretary_a1"], decision=d, title="更正")
    assert fix.pk != d.pk and fix.corrects_id == d.pk and fix.state == DecisionState.DRAFT
    d = Decision.objects.get(pk=d.pk)
    assert d.state == DecisionState.PUBLISHED


def test_electorate_is_frozen_at_the_notice(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a"), ("100.00", "b")])
    d = f.noticed(tree, e)
    f.house(e, area="500.00")  # a unit recorded after the notice does not join this vote
    d = Decision.objects.get(pk=d.pk)
    assert d.total_units == 2 and ElectorateUnit.objects.filter(decision=d).count() == 2
