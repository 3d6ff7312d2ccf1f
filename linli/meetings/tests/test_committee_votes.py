"""An online meeting of an owners' committee counts the committee, not the invitation list nor the votes cast
(建房〔2009〕274号, domain rules §1): it meets with more than half of ALL its members present and decides with yes votes
from more than half of ALL its members. 7 members: 4 present is a quorum, 3 is not; 4 yes pass, 3 yes of 5 present
fail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.meetings import services
from linli.meetings.models import Outcome
from linli.owners import services as owners
from linli.owners.tests.factories import START, committee, own

from .factories import resident_user

pytestmark = pytest.mark.django_db


def _members(tree, n):
    c = committee(tree.compound_a1)
    users = []
    for _ in range(n):
        user = resident_user(tree.house_a1)
        own(user.resident, tree.house_a1)
        owners.seat_add(actor=system_user(), committee=c, resident=user.resident, since=START)
        users.append(user)
    return c, users


def _create(tree, c, **attrs):
    now = timezone.now()
    attrs.setdefault("host_ref", f"owners.ownerscommittee:{c.pk}")
    return services.meeting_create(
        actor=tree.users["secretary_a1"],
        place=tree.comm_a1,
        title="业委会会议",
        host_kind="owners_committee",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=2),
        **attrs,
    )


@pytest.fixture
def seven(tree):
    """A committee of 7 owners and an open online meeting of it with two motions, 6 of them invited and a guest."""
    c, users = _members(tree, 7)
    sec = tree.users["secretary_a1"]
    m = _create(tree, c)
    first = services.item_add(actor=sec, meeting=m, title="续聘物业服务企业的初步意见")
    second = services.item_add(actor=sec, meeting=m, title="公示维修资金使用情况")
    guest = resident_user(tree.house_a1)
    services.invite(actor=sec, meeting=m, users=[*users[:6], guest])
    services.meeting_schedule(actor=sec, meeting=m)
    services.meeting_open(actor=sec, meeting=m)
    m.refresh_from_db()
    return m, users, guest, first, second


def test_committee_meeting_belongs_to_its_compound(tree, seven):
    m, *_ = seven
    assert m.scope_path == tree.compound_a1.path and m.owners_committee_id is not None


def test_quorum_is_more_than_half_of_all_members(tree, seven):
    m, users, guest, first, _second = seven
    for u in users[:3]:
        services.check_in(actor=u, meeting=m)
    services.check_in(actor=guest, meeting=m)
    assert services.attendance(m) == (7, 3)  # all 7 members are 应到 (one not invited); the guest is not counted
    with pytest.raises(ValidationError) as exc:
        services.vote(actor=users[0], item=first, choice="yes")
    text = " ".join(exc.value.message_dict["quorum"])
    assert "3" in text and "7" in text and "4" in text
    services.check_in(actor=users[3], meeting=m)
    assert services.attendance(m) == (7, 4)
    assert services.vote(actor=users[0], item=first, choice="yes")
    with pytest.raises(ValidationError) as exc:
        services.vote(actor=guest, item=first, choice="yes")
    assert "invitee" in exc.value.message_dict


def test_four_yes_of_seven_pass_and_three_yes_of_five_present_fail(tree, seven):
    m, users, _guest, first, second = seven
    for u in users[:5]:
        services.check_in(actor=u, meeting=m)
    for u, c in zip(users[:5], ("yes", "yes", "yes", "yes", "no"), strict=True):
        services.vote(actor=u, item=first, choice=c)
    for u, c in zip(users[:5], ("yes", "yes", "yes", "no", "abstain"), strict=True):
        services.vote(actor=u, item=second, choice=c)  # a majority of the 5 present and of the 4 cast, not of 7
    services.meeting_close(actor=tree.users["secretary_a1"], meeting=m)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.yes_count, first.base_count, first.outcome) == (4, 7, Outcome.PASSED)
    assert (second.yes_count, second.base_count, second.outcome) == (3, 7, Outcome.FAILED)


@pytest.mark.parametrize(
    "bad",
    [
        {"majority_base": "votes_cast"},
        {"majority_base": "attendees"},
        {"quorum_numerator": 1, "quorum_denominator": 3},
        {"quorum_numerator": 1, "quorum_denominator": 2, "quorum_strict": False},
        {"host_ref": ""},
        {"host_ref": "orgs.organisation:1"},
    ],
)
def test_lower_rules_are_refused(tree, bad):
    c, _users = _members(tree, 5)
    with pytest.raises(ValidationError) as exc:
        _create(tree, c, **bad)
    assert set(exc.value.message_dict) & {"majority_base", "quorum_numerator", "host_ref"}


def test_a_higher_quorum_is_allowed(tree):
    c, _users = _members(tree, 5)
    m = _create(tree, c, quorum_numerator=2, quorum_denominator=3, quorum_strict=False)
    assert m.quorum_numerator == 2


def test_invite_the_whole_committee_and_the_pages(client, tree):
    c, _users = _members(tree, 5)
    sec = tree.users["secretary_a1"]
    client.force_login(sec)
    r = client.post(
        "/meetings/new/",
        {
            "title": "业委会例会",
            "host_kind": "owners_committee",
            "owners_committee": c.pk,
            "starts_at": "2030-01-01T09:00",
            "ends_at": "2030-01-01T10:00",
            "majority_base": "invitees",
            "quorum_numerator": 1,
            "quorum_denominator": 2,
            "quorum_strict": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    from linli.meetings.models import Meeting

    m = Meeting.objects.get(title="业委会例会")
    assert m.owners_committee_id == c.pk and m.host_name == c.name and m.scope_path == tree.compound_a1.path
    r = client.post(f"/meetings/{m.pk}/manage/", {"do": "invite", "committee": c.pk})
    assert r.status_code == 302 and m.invitees.count() == 5
    r = client.post(
        "/meetings/new/",
        {
            "title": "业委会临时会",
            "host_kind": "owners_committee",
            "place": tree.comm_a1.pk,
            "starts_at": "2030-01-01T09:00",
            "ends_at": "2030-01-01T10:00",
            "majority_base": "votes_cast",
            "quorum_numerator": 1,
            "quorum_denominator": 3,
            "quorum_strict": "on",
        },
    )
    assert r.status_code == 200 and not Meeting.objects.filter(title="业委会临时会").exists()
