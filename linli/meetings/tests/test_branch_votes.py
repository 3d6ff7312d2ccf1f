"""An online meeting hosted by a party branch counts the branch, not the invitation list (domain rules §2,
支部工作条例): every active full member is 应到 whether or not they have a login, only full members vote, and a
resolution passes with yes votes from more than half of them — 10 of 21 fails even when only 16 were invited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from linli.meetings import services
from linli.meetings.models import Meeting, Outcome, State
from linli.party import services as party
from linli.party.tests.factories import branch, members

from .factories import resident_user

pytestmark = pytest.mark.django_db

JOINED = dt.date(2015, 7, 1)


@pytest.fixture
def branch_meeting(tree):
    """A branch of 21 full members — 15 with a login, 6 without — and a probationary member with a login; an open
    online 支部党员大会 with two motions, the whole branch invited (16 invitees: those with a login)."""
    sec = tree.users["secretary_a1"]
    org = branch(tree)
    members(org, 6, home=tree.house_a1)
    full = []
    for _ in range(15):
        user = resident_user(tree.house_a1)
        party.member_add(
            actor=sec,
            org=org,
            resident=user.resident,
            joined_on=JOINED,
            status="full",
            full_on=JOINED + dt.timedelta(days=365),
        )
        full.append(user)
    probationary = resident_user(tree.house_a1)
    party.member_add(
        actor=sec, org=org, resident=probationary.resident, joined_on=timezone.localdate(), status="probationary"
    )
    now = timezone.now()
    m = services.meeting_create(
        actor=sec,
        place=None,
        host_kind="party_branch",
        party_org=org,
        title="支部党员大会",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=2),
    )
    first = services.item_add(actor=sec, meeting=m, title="发展对象表决")
    second = services.item_add(actor=sec, meeting=m, title="年度工作计划")
    assert len(services.invite_branch(actor=sec, meeting=m, org=org)) == 16
    services.meeting_schedule(actor=sec, meeting=m)
    services.meeting_open(actor=sec, meeting=m)
    m.refresh_from_db()
    return m, full, probationary, first, second


def test_branch_meeting_counts_every_full_member_and_ten_of_21_fails(tree, branch_meeting):
    m, full, probationary, first, second = branch_meeting
    for user in full[:10]:
        services.check_in(actor=user, meeting=m)
    services.check_in(actor=probationary, meeting=m)
    # 应到 is the 21 full members (not the 16 invitees); the probationary member is not counted present.
    assert services.attendance(m) == (21, 10)
    with pytest.raises(ValidationError) as exc:
        services.vote(actor=full[0], item=first, choice="yes")
    text = " ".join(exc.value.message_dict["quorum"])
    assert "10" in text and "21" in text and "11" in text

    services.check_in(actor=full[10], meeting=m)
    assert services.attendance(m) == (21, 11)
    with pytest.raises(ValidationError) as exc:
        services.vote(actor=probationary, item=first, choice="yes")
    assert m.party_org.name in " ".join(exc.value.message_dict["invitee"])  # "only full members of … vote"

    for user in full[:10]:
        services.vote(actor=user, item=first, choice="yes")  # 10 yes: a majority of the 16 invited, not of 应到
    services.vote(actor=full[10], item=first, choice="no")
    for user in full[:11]:
        services.vote(actor=user, item=second, choice="yes")  # 11 of 21
    services.meeting_close(actor=tree.users["secretary_a1"], meeting=m)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.yes_count, first.base_count, first.outcome) == (10, 21, Outcome.FAILED)
    assert (second.yes_count, second.base_count, second.outcome) == (11, 21, Outcome.PASSED)
    m.refresh_from_db()
    assert m.state == State.CLOSED and (m.frozen_invitees, m.frozen_attendees) == (21, 11)


def test_branch_meeting_page_explains_the_count(client, tree, branch_meeting):
    m, full, *_ = branch_meeting
    services.check_in(actor=full[0], meeting=m)
    client.force_login(full[0])
    html = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert 'data-testid="branch-rule"' in html
    assert "21" in html


def test_branch_meeting_refuses_a_weaker_rule(tree):
    org = branch(tree)
    now = timezone.now()
    common = {
        "actor": tree.users["secretary_a1"],
        "place": None,
        "host_kind": "party_branch",
        "party_org": org,
        "title": "支部党员大会",
        "starts_at": now,
        "ends_at": now + dt.timedelta(hours=1),
    }
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(**common, majority_base="attendees")
    assert "majority_base" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(**common, quorum_numerator=1, quorum_denominator=3)
    assert "quorum_numerator" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.meeting_create(**common, quorum_numerator=1, quorum_denominator=2, quorum_strict=False)
    # Raising the quorum is allowed; a council keeps its free choice of base.
    assert services.meeting_create(**common, quorum_numerator=2, quorum_denominator=3).pk
    assert services.meeting_create(
        actor=tree.users["secretary_a1"],
        place=tree.comm_a1,
        host_kind="residents_council",
        host_name="议事会",
        title="议事会",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
        majority_base="attendees",
    ).pk
    assert Meeting.objects.count() == 2


def test_minutes_list_a_checked_in_probationary_member_as_attending_without_a_vote(client, tree, branch_meeting):
    m, full, probationary, _first, _second = branch_meeting
    services.check_in(actor=full[0], meeting=m)
    services.check_in(actor=probationary, meeting=m)
    client.force_login(tree.users["secretary_a1"])
    html = client.get(f"/meetings/{m.pk}/minutes/").content.decode()
    attending = html.split('data-testid="attending"')[1].split("</span>")[0]
    assert probationary.resident.name in attending and full[0].resident.name not in attending
    assert "列席" in attending
