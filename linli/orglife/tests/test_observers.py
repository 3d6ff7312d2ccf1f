"""Probationary members (预备党员) attend a 支部党员大会 without a vote (列席, 党章 第七条): recorded as attending,
outside 应到 and the quorum — 8 full members of 15 present with 3 probationary members is a quorum on 15 with 8."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from linli.core import dates
from linli.orglife import entitlement, services
from linli.orglife.models import Attendance, Kind

from .factories import member, org, residents

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch15(tree):
    """A branch of 15 full members and 3 probationary members."""
    committee = org("community_committee", "雨秀社区党委", tree.comm_a1)
    b = org("branch", "西区党支部", tree.compound_a1, parent=committee)
    people = residents(tree.house_a1, [f"成员{i:02d}" for i in range(18)])
    full = [member(b, r) for r in people[:15]]
    probationary = [member(b, r, status="probationary") for r in people[15:]]
    return b, full, probationary


def _yesterday():
    return dates.today() - dt.timedelta(days=1)


def _record(secretary, b, full, probationary, present=8, status="present", **kw):
    att = {m.pk: ("present" if i < present else "absent") for i, m in enumerate(full)}
    att.update({m.pk: status for m in probationary})
    return services.meeting_record(
        actor=secretary,
        org=b,
        kind=Kind.GENERAL_ASSEMBLY,
        held_on=_yesterday(),
        topic="支部党员大会",
        attendance=att,
        **kw,
    )


@pytest.mark.parametrize("status", ["present", "attending"])
def test_probationary_members_attend_outside_the_base_and_the_quorum(secretary, branch15, status):
    b, full, probationary = branch15
    m = _record(secretary, b, full, probationary, status=status)
    assert (m.entitled_count, m.present_count, m.quorum_met) == (15, 8, True)
    rows = Attendance.objects.filter(meeting=m)
    assert rows.filter(status="attending").count() == 3
    assert set(rows.filter(status="attending").values_list("member_id", flat=True)) == {p.pk for p in probationary}
    assert rows.filter(status__in=("present", "absent", "leave")).count() == 15


def test_seven_of_fifteen_is_no_quorum_whatever_the_probationary_members(secretary, branch15):
    b, full, probationary = branch15
    m = _record(secretary, b, full, probationary, present=7)
    assert (m.entitled_count, m.present_count, m.quorum_met) == (15, 7, False)
    with pytest.raises(ValidationError):
        _record(
            secretary,
            b,
            full,
            probationary,
            present=7,
            resolutions=[{"title": "决议", "yes": 7, "no": 0, "abstain": 0}],
        )


def test_the_votes_of_a_resolution_are_the_full_members_present_only(secretary, branch15):
    """8 full members present + 3 attending: 9 votes would count an observer's vote."""
    b, full, probationary = branch15
    with pytest.raises(ValidationError) as exc:
        _record(secretary, b, full, probationary, resolutions=[{"title": "决议", "yes": 9, "no": 0, "abstain": 0}])
    assert "resolutions" in exc.value.message_dict
    m = _record(secretary, b, full, probationary, resolutions=[{"title": "决议", "yes": 8, "no": 0, "abstain": 0}])
    res = m.resolutions.get()
    assert (res.base, res.passed) == (15, True)


def test_a_probationary_member_who_did_not_come_is_not_recorded(secretary, branch15):
    b, full, probationary = branch15
    att = {m.pk: "present" for m in full[:8]}
    att[probationary[0].pk] = "attending"
    att[probationary[1].pk] = "absent"
    m = services.meeting_record(
        actor=secretary, org=b, kind=Kind.GENERAL_ASSEMBLY, held_on=_yesterday(), topic="支部党员大会", attendance=att
    )
    assert list(Attendance.objects.filter(meeting=m, status="attending").values_list("member_id", flat=True)) == [
        probationary[0].pk
    ]
    assert not Attendance.objects.filter(meeting=m, member=probationary[1]).exists()


def test_a_full_member_cannot_be_recorded_as_attending_without_a_vote(secretary, branch15):
    b, full, _probationary = branch15
    att = {m.pk: "present" for m in full[:8]}
    att[full[9].pk] = "attending"
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            actor=secretary,
            org=b,
            kind=Kind.GENERAL_ASSEMBLY,
            held_on=_yesterday(),
            topic="支部党员大会",
            attendance=att,
        )
    assert full[9].resident.name in " ".join(exc.value.message_dict["attendance"])


def test_other_meetings_expect_the_probationary_members(branch15):
    b, _full, probationary = branch15
    assert not entitlement.observers(b, Kind.THEME_DAY).exists()
    assert {p.pk for p in probationary} <= set(entitlement.entitled(b, Kind.THEME_DAY).values_list("pk", flat=True))
    assert {p.pk for p in entitlement.observers(b, Kind.GENERAL_ASSEMBLY)} == {p.pk for p in probationary}


def test_the_form_records_them_as_attending_and_the_record_shows_it(client, tree, secretary, branch15, token_for):
    b, full, probationary = branch15
    client.force_login(secretary)
    url = f"/orglife/orgs/{b.pk}/record/?kind=general_assembly"
    page = client.get(url).content.decode()
    assert 'data-testid="observers"' in page and f'name="obs_{probationary[0].pk}"' in page
    assert f'name="att_{probationary[0].pk}"' not in page  # not in the 应到 checklist
    data = {"kind": "general_assembly", "held_on": _yesterday().isoformat(), "status": "held", "topic": "支部党员大会"}
    data.update({f"att_{m.pk}": "present" if i < 8 else "absent" for i, m in enumerate(full)})
    data.update({f"obs_{m.pk}": "1" for m in probationary})
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    meeting = b.orglife_meetings.get()
    assert (meeting.entitled_count, meeting.present_count, meeting.quorum_met) == (15, 8, True)
    detail = client.get(r["Location"]).content.decode()
    assert detail.count('data-testid="observer"') == 3 and "列席" in detail
    assert "8 / 15" in detail
    body = client.get(f"/api/v1/orglife/meetings/{meeting.pk}", **token_for("secretary_a1")).json()
    assert sorted(a["status"] for a in body["attendance"]).count("attending") == 3
