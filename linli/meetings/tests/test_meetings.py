from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.models import AuditLog
from linli.core.testing import count_queries
from linli.meetings import selectors, services
from linli.meetings.models import (
    AgendaItem,
    Choice,
    Meeting,
    State,
    Tally,
    Vote,
    majority_base_count,
    quorum_met,
    quorum_needed,
)
from linli.notifications.models import Notification

from .factories import meeting, resident_user

pytestmark = pytest.mark.django_db


# -- arithmetic -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "yes,base,passed",
    [(10, 21, False), (11, 21, True), (5, 10, False), (6, 10, True), (0, 0, False), (1, 1, True), (1, 2, False)],
)
def test_more_than_half_excludes_exactly_half(yes, base, passed):
    assert Tally(yes, 0, 0, base).passed is passed


def test_needed_is_the_smallest_majority():
    assert Tally(0, 0, 0, 21).needed == 11
    assert Tally(0, 0, 0, 20).needed == 11


@pytest.mark.parametrize(
    "att,inv,num,den,strict,ok",
    [
        (5, 10, 1, 2, True, False),
        (6, 10, 1, 2, True, True),
        (5, 10, 1, 2, False, True),
        (14, 21, 2, 3, False, True),
        (13, 21, 2, 3, False, False),
        (14, 21, 2, 3, True, False),
        (0, 10, 0, 2, True, True),
        (0, 0, 1, 2, True, False),
    ],
)
def test_quorum_integer_arithmetic(att, inv, num, den, strict, ok):
    assert quorum_met(attendees=att, invitees=inv, numerator=num, denominator=den, strict=strict) is ok
    need = quorum_needed(invitees=inv, numerator=num, denominator=den, strict=strict)
    if inv:
        assert quorum_met(attendees=need, invitees=inv, numerator=num, denominator=den, strict=strict)
        if need:
            assert not quorum_met(attendees=need - 1, invitees=inv, numerator=num, denominator=den, strict=strict)


def test_majority_bases():
    assert majority_base_count("invitees", invitees=21, attendees=15, cast=12) == 21
    assert majority_base_count("attendees", invitees=21, attendees=15, cast=12) == 15
    assert majority_base_count("votes_cast", invitees=21, attendees=15, cast=12) == 12


# -- state machine and notification -------------------------------------------------------------------------


def test_schedule_notifies_invitees_and_needs_agenda_and_invitees(tree):
    sec = tree.users["secretary_a1"]
    now = timezone.now()
    m = services.meeting_create(
        actor=sec,
        place=tree.comm_a1,
        title="议事会",
        host_kind="residents_council",
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1, hours=1),
    )
    with pytest.raises(ValidationError) as err:
        services.meeting_schedule(actor=sec, meeting=m)
    assert {"invitees", "items"} <= set(err.value.message_dict)
    m.refresh_from_db()
    assert m.state == State.DRAFT
    services.item_add(actor=sec, meeting=m, title="议题一")
    u = resident_user(tree.house_a1)
    services.invite(actor=sec, meeting=m, users=[u])
    services.meeting_schedule(actor=sec, meeting=m)
    m.refresh_from_db()
    assert m.state == State.SCHEDULED
    assert Notification.objects.filter(user=u, kind="meetings.invited").count() == 1
    # Agenda is fixed once open.
    services.meeting_open(actor=sec, meeting=m)
    with pytest.raises(ValidationError):
        services.item_add(actor=sec, meeting=m, title="临时议题")


def test_bad_input_changes_nothing(tree):
    sec = tree.users["secretary_a1"]
    now = timezone.now()
    n_meetings, n_audit = Meeting.objects.count(), AuditLog.objects.count()
    for bad in (
        {"ends_at": now - dt.timedelta(hours=1)},
        {"host_kind": "party_branch"},
        {"host_ref": "nonsense"},
        {"host_ref": "orgs.organisation:999999"},
        {"quorum_numerator": 3, "quorum_denominator": 2},
        {"colour": "red"},
    ):
        attrs = {
            "title": "x",
            "host_kind": "residents_council",
            "starts_at": now,
            "ends_at": now + dt.timedelta(hours=1),
        }
        attrs.update(bad)
        with pytest.raises(ValidationError):
            services.meeting_create(actor=sec, place=tree.comm_a1, **attrs)
    assert Meeting.objects.count() == n_meetings and AuditLog.objects.count() == n_audit


def test_host_ref_to_a_real_body(tree):
    now = timezone.now()
    m = services.meeting_create(
        actor=tree.users["secretary_a1"],
        place=tree.compound_a1,
        title="业委会会议",
        host_kind="other",
        host_ref=f"orgs.organisation:{tree.property_co.pk}",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
    )
    assert m.scope_path == tree.compound_a1.path


def test_out_of_scope_host_refused(tree):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=tree.users["secretary_a1"],
            place=tree.comm_b1,
            title="x",
            starts_at=now,
            ends_at=now + dt.timedelta(hours=1),
        )
    for name in ("resident_a1", "grid_a", "dept_staff"):
        with pytest.raises(PermissionDenied):
            services.meeting_create(
                actor=tree.users[name],
                place=tree.comm_a1,
                title="x",
                starts_at=now,
                ends_at=now + dt.timedelta(hours=1),
            )


# -- check-in and votes ------------------------------------------------------------------------------------


def test_only_invitees_check_in_and_only_in_window(tree):
    m, users = meeting(tree, n_invitees=2)
    stranger = resident_user(tree.house_a1)
    with pytest.raises(ValidationError) as err:
        services.check_in(actor=stranger, meeting=m)
    assert "invitee" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.check_in(actor=users[0], meeting=m, now=m.ends_at + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.check_in(actor=users[0], meeting=m, now=m.starts_at - dt.timedelta(minutes=1))
    inv = services.check_in(actor=users[0], meeting=m)
    assert inv.checked_in_at is not None
    assert services.check_in(actor=users[0], meeting=m).checked_in_at == inv.checked_in_at  # idempotent


def test_vote_without_quorum_is_refused_with_a_clear_message(tree):
    m, users = meeting(tree, n_invitees=4)
    item = m.items.get()
    services.check_in(actor=users[0], meeting=m)
    services.check_in(actor=users[1], meeting=m)  # 2 of 4: exactly half is not a quorum
    with pytest.raises(ValidationError) as err:
        services.vote(actor=users[0], item=item, choice="yes")
    msg = err.value.message_dict["quorum"][0]
    assert "2" in msg and "4" in msg and "3" in msg
    assert not Vote.objects.exists()
    services.check_in(actor=users[2], meeting=m)
    assert services.vote(actor=users[0], item=item, choice="yes").choice == "yes"


def test_vote_rules(tree):
    m, users = meeting(tree, n_invitees=3)
    item = m.items.get()
    with pytest.raises(ValidationError):  # not checked in
        services.vote(actor=users[0], item=item, choice="yes")
    for u in users:
        services.check_in(actor=u, meeting=m)
    with pytest.raises(ValidationError):
        services.vote(actor=users[0], item=item, choice="maybe")
    with pytest.raises(ValidationError):
        services.vote(actor=resident_user(tree.house_a1), item=item, choice="yes")
    services.vote(actor=users[0], item=item, choice="no")
    services.vote(actor=users[0], item=item, choice="yes")  # changed, still one vote
    assert Vote.objects.filter(item=item).count() == 1
    assert Vote.objects.get(item=item).choice == "yes"


def _run(tree, *, base, n=21, yes=10, no=5, abstain=2, present=None, quorum=(1, 2)):
    m, users = meeting(tree, n_invitees=n, majority_base=base, quorum_numerator=quorum[0], quorum_denominator=quorum[1])
    item = m.items.get()
    present = present if present is not None else yes + no + abstain
    for u in users[:present]:
        services.check_in(actor=u, meeting=m)
    choices = ["yes"] * yes + ["no"] * no + ["abstain"] * abstain
    for u, c in zip(users, choices, strict=False):
        services.vote(actor=u, item=item, choice=c)
    services.meeting_close(actor=tree.users["secretary_a1"], meeting=m)
    item.refresh_from_db()
    m.refresh_from_db()
    return m, item


def test_ten_of_twenty_one_invitees_fails(tree):
    m, item = _run(tree, base="invitees", yes=10, no=5, abstain=2, present=18)
    assert (item.yes_count, item.no_count, item.abstain_count, item.base_count) == (10, 5, 2, 21)
    assert item.outcome == "failed"
    assert m.state == State.CLOSED and m.frozen_invitees == 21 and m.frozen_attendees == 18


def test_same_votes_pass_on_votes_cast(tree):
    _m, item = _run(tree, base="votes_cast", yes=10, no=5, abstain=2)
    assert item.base_count == 17 and item.outcome == "passed"


def test_attendee_base_exact_half_fails(tree):
    _m, item = _run(tree, base="attendees", n=10, yes=3, no=3, abstain=0, present=6, quorum=(1, 2))
    assert item.base_count == 6 and item.outcome == "failed"


def test_results_frozen_after_close(tree):
    m, users = meeting(tree, n_invitees=1)
    item = m.items.get()
    services.check_in(actor=users[0], meeting=m)
    services.vote(actor=users[0], item=item, choice="yes")
    services.meeting_close(actor=tree.users["secretary_a1"], meeting=m)
    with pytest.raises(ValidationError):
        services.vote(actor=users[0], item=item, choice="no")
    m.refresh_from_db()
    assert services.tallies(m)[item.pk] == Tally(1, 0, 0, 1)
    with pytest.raises(ValidationError):
        services.meeting_open(actor=tree.users["secretary_a1"], meeting=m)


def test_secret_ballot_hides_who_voted_how(tree):
    m, users = meeting(tree, n_invitees=2, secret_ballot=True)
    item = m.items.get()
    for u in users:
        services.check_in(actor=u, meeting=m)
    for u in users:
        services.vote(actor=u, item=item, choice="yes")
    sec = tree.users["secretary_a1"]
    assert selectors.open_ballot(sec, m) == {}
    from linli.core.permissions import restrict

    assert restrict(Vote.objects.all(), users[0]).count() == 1  # only their own
    assert restrict(Vote.objects.all(), sec).count() == 0
    audit_rows = AuditLog.objects.filter(action="vote", object_type="meetings.vote")
    assert audit_rows.count() == 2 and all("choice" not in (r.after or {}) for r in audit_rows)


def test_open_ballot_shows_names(tree):
    m, users = meeting(tree, n_invitees=1)
    item = m.items.get()
    services.check_in(actor=users[0], meeting=m)
    services.vote(actor=users[0], item=item, choice="no")
    assert selectors.open_ballot(tree.users["secretary_a1"], m)[item.pk][0][1] == str(Choice.NO.label)


# -- party branch host ----------------------------------------------------------------------------------


def test_branch_meeting_invites_active_members_with_logins(tree):
    from linli.party import services as party
    from linli.party.tests.factories import branch, members

    org = branch(tree)
    ms = members(org, 3, home=tree.house_a1)
    u = resident_user(tree.house_a1)
    party.member_add(
        actor=tree.users["secretary_a1"],
        org=org,
        resident=u.resident,
        joined_on=dt.date(2015, 7, 1),
        status="full",
        full_on=dt.date(2016, 7, 1),
    )
    now = timezone.now()
    m = services.meeting_create(
        actor=tree.users["secretary_a1"],
        place=None,
        host_kind="party_branch",
        party_org=org,
        title="支部党员大会",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
    )
    assert m.scope_path == org.scope_path
    invited = services.invite_branch(actor=tree.users["secretary_a1"], meeting=m, org=org)
    assert [i.user_id for i in invited] == [u.pk]  # the three others have no login
    assert len(ms) == 3


# -- permissions and pages -------------------------------------------------------------------------------------


def test_visibility_matrix(tree):
    m, users = meeting(tree, n_invitees=1)
    from linli.core.permissions import restrict

    def sees(user):
        return restrict(Meeting.objects.filter(pk=m.pk), user).exists()

    assert sees(tree.users["secretary_a1"]) and sees(tree.users["street_a"]) and sees(tree.users["district_admin"])
    assert sees(users[0])
    for name in ("resident_a1", "grid_a", "dept_staff", "property_staff", "head_a1", "nobody"):
        assert not sees(tree.users[name]), name
    # In scope for a secretary of another community? No.
    other = resident_user(tree.house_b1)
    assert not sees(other)
    assert not restrict(AgendaItem.objects.filter(meeting=m), tree.users["resident_a1"]).exists()
    assert restrict(AgendaItem.objects.filter(meeting=m), users[0]).exists()


def test_chair_may_run_the_meeting(tree):
    chair = resident_user(tree.house_a1)
    m, users = meeting(tree, n_invitees=1, state="scheduled", chair=chair)
    services.meeting_open(actor=chair, meeting=m)
    with pytest.raises(PermissionDenied):
        services.meeting_close(actor=users[0], meeting=m)
    services.meeting_close(actor=chair, meeting=m)


def test_pages(client, tree):
    m, users = meeting(tree, n_invitees=3)
    client.force_login(users[0])
    assert client.get("/meetings/").status_code == 200
    r = client.get(f"/meetings/{m.pk}/")
    assert r.status_code == 200 and "增设电动车充电桩" in r.content.decode()
    assert client.get(f"/meetings/{m.pk}/manage/").status_code == 404
    client.post(f"/meetings/{m.pk}/check-in/")
    item = m.items.get()
    r = client.post(f"/meetings/{m.pk}/items/{item.pk}/vote/", {"choice": "yes"}, follow=True)
    assert not Vote.objects.exists()  # 1 of 3: no quorum
    assert "No quorum" in r.content.decode() or "法定人数" in r.content.decode()
    r = client.post(f"/meetings/{m.pk}/items/{item.pk}/vote/", {"choice": "yes"}, HTTP_HX_REQUEST="true")
    assert b'data-testid="vote-error"' in r.content and b"<html" not in r.content
    client.force_login(users[1])
    client.post(f"/meetings/{m.pk}/check-in/")
    r = client.post(f"/meetings/{m.pk}/items/{item.pk}/vote/", {"choice": "no"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b'id="live"' in r.content and b"<html" not in r.content
    assert Vote.objects.get().choice == "no"
    # Out of scope: 404.
    client.force_login(tree.users["resident_a1"])
    assert client.get(f"/meetings/{m.pk}/").status_code == 404
    # Host pages.
    client.force_login(tree.users["secretary_a1"])
    assert client.get(f"/meetings/{m.pk}/manage/").status_code == 200
    assert client.get("/meetings/new/").status_code == 200
    r = client.post(f"/meetings/{m.pk}/minutes/", {"minutes": "会议决定……", f"decision_{item.pk}": "同意增设"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.decision == "同意增设"
    client.post(f"/meetings/{m.pk}/close/")
    m.refresh_from_db()
    assert m.state == State.CLOSED


def test_create_page_posts(client, tree):
    client.force_login(tree.users["secretary_a1"])
    r = client.post(
        "/meetings/new/",
        {
            "title": "议事会",
            "host_kind": "residents_council",
            "place": tree.comm_a1.pk,
            "starts_at": "2030-01-01T09:00",
            "ends_at": "2030-01-01T08:00",
            "majority_base": "invitees",
            "quorum_numerator": 1,
            "quorum_denominator": 2,
        },
    )
    assert r.status_code == 200 and not Meeting.objects.exists()
    r = client.post(
        "/meetings/new/",
        {
            "title": "议事会",
            "host_kind": "residents_council",
            "place": tree.comm_a1.pk,
            "starts_at": "2030-01-01T09:00",
            "ends_at": "2030-01-01T10:00",
            "majority_base": "invitees",
            "quorum_numerator": 1,
            "quorum_denominator": 2,
            "quorum_strict": "on",
        },
    )
    assert r.status_code == 302
    assert Meeting.objects.get().scope_path == tree.comm_a1.path


def test_list_query_count_constant(client, tree):
    client.force_login(tree.users["secretary_a1"])
    meeting(tree, n_invitees=1)
    client.get("/meetings/")
    with count_queries() as small:
        client.get("/meetings/")
    for _ in range(3):
        meeting(tree, n_invitees=2)
    with count_queries() as big:
        client.get("/meetings/")
    assert big.count == small.count


def test_detail_query_count_constant(client, tree):
    m, users = meeting(tree, n_invitees=2, items=("a",))
    client.force_login(users[0])
    with count_queries() as small:
        client.get(f"/meetings/{m.pk}/", HTTP_HX_REQUEST="true")
    m2, users2 = meeting(tree, n_invitees=6, items=("a", "b", "c", "d"))
    client.force_login(users2[0])
    with count_queries() as big:
        client.get(f"/meetings/{m2.pk}/", HTTP_HX_REQUEST="true")
    assert big.count == small.count


# -- API ------------------------------------------------------------------------------------------------


def test_api(client, tree, token_for):
    m, users = meeting(tree, n_invitees=2)
    item = m.items.get()
    h = token_for(users[0].username)
    r = client.get("/api/v1/meetings?mine=true", **h)
    assert r.status_code == 200 and r.json()["count"] == 1
    r = client.post(f"/api/v1/meetings/{m.pk}/check-in", **h)
    assert r.status_code == 200 and r.json()["checked_in"] == 1
    r = client.post(
        f"/api/v1/meetings/{m.pk}/items/{item.pk}/vote", {"choice": "yes"}, content_type="application/json", **h
    )
    assert r.status_code == 400 and "quorum" in r.json()["error"]["fields"]
    r = client.post(
        f"/api/v1/meetings/{m.pk}/items/{item.pk}/vote", {"choice": "perhaps"}, content_type="application/json", **h
    )
    assert r.status_code == 400 and "choice" in r.json()["error"]["fields"]
    h2 = token_for(users[1].username)
    client.post(f"/api/v1/meetings/{m.pk}/check-in", **h2)
    r = client.post(
        f"/api/v1/meetings/{m.pk}/items/{item.pk}/vote", {"choice": "yes"}, content_type="application/json", **h
    )
    assert r.status_code == 201
    r = client.get(f"/api/v1/meetings/{m.pk}", **h)
    body = r.json()
    assert body["items"][0]["tally"] == {"yes": 1, "no": 0, "abstain": 0, "base": 2, "needed": 2, "passed": False}
    assert body["items"][0]["my_vote"] == "yes"
    out = token_for("resident_a1")
    assert client.get(f"/api/v1/meetings/{m.pk}", **out).status_code == 404
    r = client.get("/api/v1/meetings?under=340504002001", **token_for("secretary_a1"))
    assert r.status_code == 400


@pytest.mark.parametrize("when", ["9999-12-01T09:00", "0001-02-01T09:00"])
def test_meeting_times_outside_the_event_window_are_a_form_error(client, tree, when):
    """Typed dates are bounded (#11 item 13): a meeting in 9999 or year 1 is refused on the form, nothing saved."""
    from linli.meetings.models import Meeting

    client.force_login(tree.users["secretary_a1"])
    before = Meeting.objects.count()
    r = client.post(
        "/meetings/new/",
        {
            "title": "居民议事会",
            "host_kind": "residents_council",
            "host_name": "议事会",
            "place": tree.comm_a1.pk,
            "starts_at": when,
            "ends_at": when,
            "majority_base": "invitees",
            "quorum_numerator": 1,
            "quorum_denominator": 2,
        },
    )
    assert r.status_code == 200
    assert "starts_at" in r.context["form"].errors
    assert Meeting.objects.count() == before
