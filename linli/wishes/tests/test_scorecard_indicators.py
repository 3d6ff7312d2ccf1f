"""The score cards' micro-wish indicators (``wishes.member_fulfilled``, ``wishes.inservice_fulfilled``,
``wishes.branch_fulfilled`` in linli/scorecards/builtin.py) on wishes walked through this app's services: only
confirmed wishes count, in the year they were confirmed, once per wish whatever the share; withdrawn claims and
wishes fulfilled but not yet confirmed do not count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.orglife.tests.factories import member as party_member
from linli.orglife.tests.factories import org as party_org
from linli.points.tests.factories import resident_with_login
from linli.registry import services as reg
from linli.scorecards.providers import providers, subjects
from linli.wishes import services
from linli.wishes.models import Wish

from .test_wishes import png

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def world(tree):
    from linli.party import services as party

    root = system_user()
    w = type("World", (), {})()
    w.needy = reg.resident_create(actor=root, name="张秀英", home=tree.house_a1)
    committee = party_org("community_committee", "雨秀社区党委", tree.comm_a1)
    w.branch = party_org("branch", "怡心花园党支部", tree.compound_a1, parent=committee)
    w.branch_b = party_org(
        "branch",
        "半山花园党支部",
        tree.comm_b1,
        parent=party_org("community_committee", "半山花园社区党委", tree.comm_b1),
    )
    w.u1, r1 = resident_with_login("m1", tree.house_a1, name="党员甲")
    w.u2, r2 = resident_with_login("m2", tree.house_a1, name="党员乙")
    w.u3, r3 = resident_with_login("m3", tree.house_b1, name="党员丙")
    w.ui, ri = resident_with_login("ins", tree.house_a2, name="在职丁")
    # Registered through the party app only (political status left blank): they may claim as party members.
    w.m1, w.m2 = party_member(w.branch, r1), party_member(w.branch, r2)
    w.m3 = party_member(w.branch_b, r3)
    # An in-service member reports as a party member; the community's record of them may say otherwise later (the
    # employer's branch keeps their membership): only the 在职党员 registration then makes them a claimer.
    type(ri).objects.filter(pk=ri.pk).update(political_status="cpc_member")
    ri.refresh_from_db()
    w.ins = party.inservice_report(actor=root, resident=ri, community=tree.comm_a1, employer=tree.dept)
    type(ri).objects.filter(pk=ri.pk).update(political_status="masses")
    return w


def _wish(tree, world, title):
    sec = tree.users["secretary_a1"]
    wish = services.wish_submit(actor=sec, resident=world.needy, title=title, need="…", estimated_value=Decimal("80"))
    return services.wish_approve(actor=sec, wish=wish)


def _done(tree, wish, fulfiller, confirm=True):
    wish = services.wish_fulfil(actor=fulfiller, wish=Wish.objects.get(pk=wish.pk), photos=[png()])
    if confirm:
        wish = services.wish_confirm(actor=tree.users["secretary_a1"], wish=wish)
    return wish


@pytest.fixture
def wishes(tree, world):
    w1 = _wish(tree, world, "轮椅一台")  # m1 whole
    services.claim(actor=world.u1, wish=w1, kind="party_member")
    _done(tree, w1, world.u1)
    w2 = _wish(tree, world, "冬衣两件")  # m1 and m2 half each
    services.claim(actor=world.u1, wish=w2, kind="party_member", share="50")
    services.claim(actor=world.u2, wish=w2, kind="party_member", share="50")
    _done(tree, w2, world.u2)
    w3 = _wish(tree, world, "陪同就医")  # m2, fulfilled but not confirmed yet
    services.claim(actor=world.u2, wish=w3, kind="party_member")
    _done(tree, w3, world.u2, confirm=False)
    w4 = _wish(tree, world, "辅导功课")  # m1 withdrew; the in-service member did it
    c = services.claim(actor=world.u1, wish=w4, kind="party_member")
    services.claim_withdraw(actor=world.u1, claim=c)
    services.claim(actor=world.ui, wish=w4, kind="in_service")
    _done(tree, w4, world.ui)
    w5 = _wish(tree, world, "修理台灯")  # m2, confirmed last year
    services.claim(actor=world.u2, wish=w5, kind="party_member")
    _done(tree, w5, world.u2)
    last_year = timezone.make_aware(dt.datetime(YEAR - 1, 12, 30, 10, 0))
    Wish.objects.filter(pk=w5.pk).update(confirmed_at=last_year)
    w6 = _wish(tree, world, "买米一袋")  # a member of another community's branch
    services.claim(actor=world.u3, wish=w6, kind="party_member")
    _done(tree, w6, world.u3)
    return w1, w2, w3, w4, w5, w6


def _values(code, card_type, path, year=YEAR):
    subs = subjects.get(card_type)(path, year)
    return providers.get(code).fn(subs, year)


def test_member_fulfilled(tree, world, wishes):
    w1, w2, *_ = wishes
    values = _values("wishes.member_fulfilled", "member", tree.district.path)
    m1 = values[f"party.partymember:{world.m1.pk}"]
    m2 = values[f"party.partymember:{world.m2.pk}"]
    m3 = values[f"party.partymember:{world.m3.pk}"]
    assert (m1.value, m2.value, m3.value) == (Decimal(2), Decimal(1), Decimal(1))
    assert sorted(r["ref"] for r in m1.records) == sorted([f"wishes.wish:{w1.pk}", f"wishes.wish:{w2.pk}"])
    assert [r["label"] for r in m2.records] == ["冬衣两件 · 50.00%"]  # w3 unconfirmed, w5 of last year left out
    assert all(r["url"].endswith(f"/wishes/board/{r['ref'].split(':')[1]}/") for r in m1.records)  # the board page
    assert "2" in m1.display
    before = _values("wishes.member_fulfilled", "member", tree.district.path, YEAR - 1)
    assert before[f"party.partymember:{world.m2.pk}"].value == Decimal(1)
    assert before[f"party.partymember:{world.m1.pk}"].value == Decimal(0)
    # A community's run sees only its own members.
    assert set(_values("wishes.member_fulfilled", "member", tree.comm_a1.path)) == {
        f"party.partymember:{world.m1.pk}",
        f"party.partymember:{world.m2.pk}",
    }


def test_inservice_fulfilled(tree, world, wishes):
    values = _values("wishes.inservice_fulfilled", "inservice", tree.comm_a1.path)
    ins = values[f"party.inservicemember:{world.ins.pk}"]
    assert ins.value == Decimal(1) and [r["label"] for r in ins.records] == ["辅导功课 · 100.00%"]
    assert set(values) == {f"party.inservicemember:{world.ins.pk}"}


def test_branch_fulfilled_counts_each_wish_once(tree, world, wishes):
    w1, w2, *_ = wishes
    values = _values("wishes.branch_fulfilled", "branch", tree.district.path)
    a = values[f"party.partyorg:{world.branch.pk}"]
    assert a.value == Decimal(2)  # w1, w2 (claimed by two of its members, counted once)
    assert {r["ref"] for r in a.records} == {f"wishes.wish:{w1.pk}", f"wishes.wish:{w2.pk}"}
    assert values[f"party.partyorg:{world.branch_b.pk}"].value == Decimal(1)


def test_claiming_as_party_member_needs_a_party_registration(tree, world):
    plain, _ = resident_with_login("plain", tree.house_a1, name="群众戊")
    wish = _wish(tree, world, "理发")
    with pytest.raises(services.ValidationError):
        services.claim(actor=plain, wish=wish, kind="party_member")
    with pytest.raises(services.ValidationError):
        services.claim(actor=world.ui, wish=wish, kind="party_member")  # reported in service, not in a branch here
    assert {k for k, _l, _o in services.claim_options(world.u1)} >= {"party_member", "in_service"}
