"""Services: every step's happy path, and each bad input refused with a field error, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from linli.core.models import AuditLog, OutboxEvent
from linli.core.testing import RowSnapshot  # noqa: F401 - the shared helper family; counts below are explicit

from .. import services
from ..models import Channel, Nomination, NominationState, Objection, Selection, SelectionState, Vote

pytestmark = pytest.mark.django_db


def counts():
    return (Selection.objects.count(), Nomination.objects.count(), Vote.objects.count(), AuditLog.objects.count())


def refused(call, field):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        call()
    assert field in exc.value.message_dict, exc.value.message_dict
    assert counts() == before
    return exc.value.message_dict[field][0]


def test_create_is_audited_and_published(tree, make_selection):
    s = make_selection()
    assert s.state == SelectionState.NOMINATING and s.scope_path == tree.comm_a1.path
    assert AuditLog.objects.filter(object_type="selections.selection", object_id=str(s.pk), action="create").exists()
    assert OutboxEvent.objects.filter(name="selections.selection.created").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nominate_until": dt.date(2026, 5, 30)}, "nominate_until"),
        ({"vote_from": dt.date(2026, 6, 2)}, "vote_from"),
        ({"vote_until": dt.date(2026, 6, 6)}, "vote_until"),
        ({"seats": 0}, "seats"),
        ({"publicity_days": 1}, "publicity_days"),
        ({"title": "  "}, "title"),
    ],
)
def test_create_refuses_bad_input(make_selection, change, field):
    refused(lambda: make_selection(**change), field)


def test_create_only_at_a_community_or_compound_in_scope(tree, make_selection):
    refused(lambda: make_selection(place=tree.building_a1), "place")
    with pytest.raises(PermissionDenied):
        make_selection(place=tree.comm_a2.parent.children.exclude(pk=tree.comm_a1.pk).first() or tree.comm_b1)
    with pytest.raises(PermissionDenied):
        make_selection(place=tree.comm_b1)


def test_staff_nominate_a_resident_and_review(tree, make_selection, make_resident):
    actor = tree.users["secretary_a1"]
    s = make_selection()
    n = services.nominate(actor=actor, selection=s, resident=make_resident("张三"), reason="热心肠")
    assert n.channel == Channel.STAFF and n.state == NominationState.PENDING and n.name == "张三"
    assert n.building == tree.building_a1
    n = services.nomination_accept(actor=actor, nomination=n)
    assert n.state == NominationState.ACCEPTED and n.reviewed_by == actor
    assert AuditLog.objects.filter(action="nomination_accept", object_id=str(n.pk)).exists()
    refused(lambda: services.nomination_accept(actor=actor, nomination=n), "state")


def test_nominee_out_of_scope_is_refused(tree, make_selection, make_resident):
    s = make_selection()
    elsewhere = make_resident("外人", home=tree.house_a2)  # community A2
    message = refused(
        lambda: services.nominate(actor=tree.users["secretary_a1"], selection=s, resident=elsewhere, reason="x"),
        "resident",
    )
    assert "not in the place" in message or "不在" in message
    refused(
        lambda: services.nominate(actor=tree.users["district_admin"], selection=s, resident=elsewhere, reason="x"),
        "resident",
    )


def test_same_nominee_twice_is_refused(tree, make_selection, make_resident):
    actor = tree.users["secretary_a1"]
    s = make_selection()
    r = make_resident()
    services.nominate(actor=actor, selection=s, resident=r, reason="一")
    refused(lambda: services.nominate(actor=actor, selection=s, resident=r, reason="二"), "nominee")


def test_nominations_only_in_their_window(tree, today, make_selection, make_resident):
    s = make_selection()
    r = make_resident()
    today.set(s.nominate_until + dt.timedelta(days=1))
    refused(
        lambda: services.nominate(actor=tree.users["secretary_a1"], selection=s, resident=r, reason="x"),
        "selection",
    )


def test_resident_nominates_by_name_and_building_then_staff_links(tree, me, make_selection, make_resident):
    s = make_selection()
    user = tree.users["resident_a1"]
    n = services.nominate(actor=user, selection=s, name="楼下李阿姨", building=tree.building_a1, reason="照顾老人")
    assert n.channel == Channel.RESIDENT and n.resident is None and n.building == tree.building_a1
    actor = tree.users["secretary_a1"]
    refused(lambda: services.nomination_accept(actor=actor, nomination=n), "resident")
    li = make_resident("李阿姨")
    n = services.nomination_accept(actor=actor, nomination=n, resident=li)
    assert n.resident == li and n.state == NominationState.ACCEPTED
    # a building outside the selection's place
    refused(
        lambda: services.nominate(actor=user, selection=s, name="某人", building=tree.building_a2, reason="x"),
        "building",
    )


def test_login_without_record_or_elsewhere_cannot_nominate(tree, make_selection):
    s = make_selection()
    refused(
        lambda: services.nominate(
            actor=tree.users["resident_a1"], selection=s, name="某人", building=tree.building_a1, reason="x"
        ),
        "selection",
    )
    with pytest.raises(PermissionDenied):
        services.nominate(actor=tree.users["nobody"], selection=s, name="某人", building=tree.building_a1, reason="x")


def test_reject_needs_a_reason_and_is_audited(tree, make_selection, make_resident):
    actor = tree.users["secretary_a1"]
    s = make_selection()
    n = services.nominate(actor=actor, selection=s, resident=make_resident(), reason="x")
    refused(lambda: services.nomination_reject(actor=actor, nomination=n, reason=" "), "reason")
    n = services.nomination_reject(actor=actor, nomination=n, reason="不符合条件")
    assert n.state == NominationState.REJECTED
    assert AuditLog.objects.filter(action="nomination_reject", object_id=str(n.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.nomination_reject(actor=tree.users["grid_a"], nomination=n, reason="x")


def test_open_vote_needs_every_nomination_reviewed(tree, make_selection, make_resident):
    actor = tree.users["secretary_a1"]
    s = make_selection()
    refused(lambda: services.selection_open_vote(actor=actor, selection=s), "state")
    n = services.nominate(actor=actor, selection=s, resident=make_resident(), reason="x")
    refused(lambda: services.selection_open_vote(actor=actor, selection=s), "state")
    services.nomination_accept(actor=actor, nomination=n)
    s = services.selection_open_vote(actor=actor, selection=s)
    assert s.state == SelectionState.VOTING


def test_one_vote_per_resident(tree, me, in_vote):
    _s, noms = in_vote
    user = tree.users["resident_a1"]
    v = services.vote_cast(actor=user, nomination=noms[0])
    assert v.resident == me
    row = AuditLog.objects.get(action="vote", object_id=str(v.pk))
    assert "nomination" not in (row.after or {})  # the choice is not in the audit trail
    message = refused(lambda: services.vote_cast(actor=user, nomination=noms[1]), "voter")
    assert "already" in message or "已经" in message


def test_database_refuses_a_second_vote(tree, me, in_vote):
    s, noms = in_vote
    Vote.objects.create(selection=s, nomination=noms[0], resident=me)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(selection=s, nomination=noms[1], resident=me)


def test_vote_outside_the_window_is_refused(tree, me, today, in_vote):
    s, noms = in_vote
    user = tree.users["resident_a1"]
    today.set(s.vote_from - dt.timedelta(days=1))
    refused(lambda: services.vote_cast(actor=user, nomination=noms[0]), "selection")
    today.set(s.vote_until + dt.timedelta(days=1))
    refused(lambda: services.vote_cast(actor=user, nomination=noms[0]), "selection")


def test_vote_refused_before_the_vote_opens(tree, me, make_selection, make_resident):
    actor = tree.users["secretary_a1"]
    s = make_selection()
    n = services.nominate(actor=actor, selection=s, resident=make_resident(), reason="x")
    refused(lambda: services.vote_cast(actor=tree.users["resident_a1"], nomination=n), "selection")


def test_vote_needs_a_linked_local_resident(tree, make_resident, in_vote):
    _s, noms = in_vote
    refused(lambda: services.vote_cast(actor=tree.users["resident_a1"], nomination=noms[0]), "voter")
    outsider = tree.users["secretary_a1"]
    make_resident("外社区", home=tree.house_a2, account=outsider)
    refused(lambda: services.vote_cast(actor=outsider, nomination=noms[0]), "voter")


def test_vote_for_a_nominee_off_the_ballot_is_refused(tree, me, make_resident, in_vote):
    s, _noms = in_vote
    other = Nomination.objects.create(
        selection=s, name="未审核", reason="x", channel="staff", state="rejected", review_reason="不符合"
    )
    refused(lambda: services.vote_cast(actor=tree.users["resident_a1"], nomination=other), "nomination")


def test_announce_counts_ranks_and_ties(tree, today, voter, in_vote):
    s, noms = in_vote
    actor = tree.users["secretary_a1"]
    refused(lambda: services.selection_announce(actor=actor, selection=s), "state")
    for i, target in enumerate([0, 0, 0, 1, 2]):
        services.vote_cast(actor=voter(f"v{i}"), nomination=noms[target])
    today.set(s.vote_until + dt.timedelta(days=1))
    s = services.selection_announce(actor=actor, selection=s)
    assert s.state == SelectionState.PUBLICITY and s.announced_on == today.day
    assert s.publicity_until == today.day + dt.timedelta(days=s.publicity_days)
    rows = {n.name: (n.votes, n.rank, n.is_winner) for n in Nomination.objects.filter(selection=s)}
    # two seats; 李四 and 王五 tie on the second: both win
    assert rows == {"张三": (3, 1, True), "李四": (1, 2, True), "王五": (1, 2, True)}
    assert OutboxEvent.objects.filter(name="selections.selection.announced").exists()
    assert AuditLog.objects.filter(action="selection_announce", object_id=str(s.pk)).exists()


def test_no_vote_no_win():
    from ..services.selections import rank_nominations

    a, b = Nomination(pk=1, votes=2), Nomination(pk=2, votes=0)
    rank_nominations([a, b], 2)
    assert (a.is_winner, b.is_winner) == (True, False)


def test_objection_and_finalise_windows(tree, me, today, in_vote):
    s, noms = in_vote
    actor = tree.users["secretary_a1"]
    user = tree.users["resident_a1"]
    refused(lambda: services.objection_raise(actor=user, selection=s, text="有异议"), "selection")
    services.vote_cast(actor=user, nomination=noms[0])
    today.set(s.vote_until + dt.timedelta(days=1))
    s = services.selection_announce(actor=actor, selection=s)
    o = services.objection_raise(
        actor=user, selection=s, text="有异议", nomination=Nomination.objects.get(pk=noms[0].pk)
    )
    assert Objection.objects.filter(pk=o.pk).exists()
    refused(lambda: services.selection_finalise(actor=actor, selection=s), "state")
    today.set(s.publicity_until + dt.timedelta(days=1))
    before = Objection.objects.count()
    with pytest.raises(ValidationError):
        services.objection_raise(actor=user, selection=s, text="晚了")
    assert Objection.objects.count() == before
    s = services.selection_finalise(actor=actor, selection=s)
    assert s.state == SelectionState.FINAL and s.finalised_on == today.day


def test_honours_of_a_winner_and_their_household(tree, me, today, in_vote, root):
    from linli.registry.models import Household, HouseholdMember

    from .. import selectors

    s, noms = in_vote
    actor = tree.users["secretary_a1"]
    services.vote_cast(actor=tree.users["resident_a1"], nomination=noms[0])
    today.set(s.vote_until + dt.timedelta(days=1))
    services.selection_announce(actor=actor, selection=s)
    winner = Nomination.objects.get(pk=noms[0].pk).resident
    assert [n.pk for n in selectors.honours(actor, winner)] == [noms[0].pk]
    assert list(selectors.honours(actor, me)) == []
    assert list(selectors.honours(tree.users["dept_staff"], winner)) == []
    # a household's win shows on each current member's page
    hh = Household.objects.create(number="H1", house=tree.house_a1, head=me, scope_path=tree.house_a1.path)
    HouseholdMember.objects.create(
        household=hh, resident=me, relation="self", since=dt.date(2020, 1, 1), scope_path=tree.house_a1.path
    )
    Nomination.objects.create(
        selection=s, household=hh, name="王家", reason="x", channel="staff", state="accepted", is_winner=True, votes=1
    )
    assert len(selectors.honours(actor, me)) == 1


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("secretary_a1", True),
        ("grid_a", True),
        ("head_a1", True),
        ("property_staff", True),
        ("resident_a1", True),
        ("dept_staff", False),
        ("nobody", False),
    ],
)
def test_who_sees_a_community_selection(tree, make_selection, user, sees):
    from .. import selectors

    s = make_selection()
    assert selectors.selections(tree.users[user]).filter(pk=s.pk).exists() is sees


def test_a_resident_elsewhere_does_not_see_it(tree, make_selection):
    from .. import selectors

    other = make_selection(place=tree.comm_a2, actor=tree.users["district_admin"])
    assert selectors.selections(tree.users["district_admin"]).filter(pk=other.pk).exists()
    for name in ("resident_a1", "grid_a", "property_staff"):
        assert not selectors.selections(tree.users[name]).filter(pk=other.pk).exists()
