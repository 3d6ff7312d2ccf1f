"""Pages and API: in scope 200, out of scope 404, view-only 403, bad POSTs, constant query counts."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from linli.core import dates
from linli.core.permissions import restrict
from linli.core.testing import count_queries
from linli.orglife import services
from linli.orglife.models import Kind, Meeting, MeetingPhoto, Resolution

pytestmark = pytest.mark.django_db


def png():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 10)).save(buf, "PNG")
    return SimpleUploadedFile("合影.png", buf.getvalue(), content_type="image/png")


def yesterday():
    return dates.today() - dt.timedelta(days=1)


def theme_day(party, actor, org=None, members=None, **kw):
    org = org or party.branch
    members = party.full if members is None else members
    return services.meeting_record(
        actor=actor,
        org=org,
        kind=Kind.THEME_DAY,
        held_on=yesterday(),
        topic="主题党日",
        attendance={m.pk: "present" for m in members},
        **kw,
    )


def test_record_a_theme_day_through_the_form(client, party, secretary):
    client.force_login(secretary)
    url = reverse("orglife:meeting_record", args=[party.branch.pk]) + "?kind=theme_day"
    page = client.get(url)
    assert page.status_code == 200
    assert party.probationary[0].resident.name in page.content.decode()
    data = {
        "kind": "theme_day",
        "held_on": yesterday().isoformat(),
        "status": "held",
        "topic": "重温入党誓词",
        "address": "党群服务中心",
        "minutes": "纪要",
        "photos": [png()],
    }
    for m in party.full + party.probationary:
        data[f"att_{m.pk}"] = "present"
    data[f"att_{party.full[0].pk}"] = "leave"
    data[f"reason_{party.full[0].pk}"] = "出差"
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert (meeting.entitled_count, meeting.present_count) == (23, 22)
    detail = client.get(resp["Location"])
    assert detail.status_code == 200 and "重温入党誓词" in detail.content.decode()
    photo = MeetingPhoto.objects.get()
    img = client.get(reverse("orglife:photo", args=[photo.pk]))
    assert img.status_code == 200 and img["Content-Type"] == "image/png"
    cal = client.get(reverse("orglife:calendar", args=[party.branch.pk]))
    assert cal.status_code == 200 and "重温入党誓词" in cal.content.decode()


def test_future_date_in_the_form_is_a_field_error(client, party, secretary):
    client.force_login(secretary)
    url = reverse("orglife:meeting_record", args=[party.branch.pk]) + "?kind=theme_day"
    resp = client.post(
        url,
        {
            "kind": "theme_day",
            "held_on": (dates.today() + dt.timedelta(days=3)).isoformat(),
            "status": "held",
            "topic": "x",
        },
    )
    assert resp.status_code == 400 and Meeting.objects.count() == 0
    assert resp.context["form"].errors["held_on"]


def test_failed_resolution_shown_failed(client, party, secretary):
    client.force_login(secretary)
    url = reverse("orglife:meeting_record", args=[party.branch.pk]) + "?kind=general_assembly"
    data = {
        "kind": "general_assembly",
        "held_on": yesterday().isoformat(),
        "status": "held",
        "topic": "大会",
        "res_0_title": "关于推选优秀党员的决议",
        "res_0_yes": "10",
        "res_0_no": "2",
        "res_0_abstain": "1",
    }
    for i, m in enumerate(party.full):
        data[f"att_{m.pk}"] = "present" if i < 13 else "absent"
    resp = client.post(url, data)
    assert resp.status_code == 302
    res = Resolution.objects.get()
    assert (res.yes, res.base, res.passed) == (10, 21, False)
    assert 'data-testid="failed"' in client.get(resp["Location"]).content.decode()


def test_scope_and_rights(client, party, tree, secretary):
    m_a = theme_day(party, secretary)
    m_b = theme_day(party, tree.users["district_admin"], org=party.branch_b, members=party.full_b)
    client.force_login(secretary)
    assert client.get(reverse("orglife:meeting_detail", args=[m_a.pk])).status_code == 200
    assert client.get(reverse("orglife:meeting_detail", args=[m_b.pk])).status_code == 404
    assert client.get(reverse("orglife:calendar", args=[party.branch_b.pk])).status_code == 404
    client.force_login(tree.users["social_a1"])  # view-only
    assert client.get(reverse("orglife:meeting_detail", args=[m_a.pk])).status_code == 200
    assert client.get(reverse("orglife:meeting_record", args=[party.branch.pk])).status_code == 403
    client.force_login(tree.users["resident_a1"])  # holds no committee seat: sees nothing
    assert client.get(reverse("orglife:meeting_detail", args=[m_a.pk])).status_code == 404
    assert client.get(reverse("orglife:calendar", args=[party.branch.pk])).status_code == 404
    assert party.branch.name not in client.get(reverse("orglife:overview")).content.decode()
    client.force_login(tree.users["grid_a"])
    assert client.get(reverse("orglife:overview")).status_code == 403


def test_branch_secretary_records_with_their_own_login(client, party, tree):
    """A committee member's resident login reaches their branch (and its group), nothing else."""
    user = tree.users["resident_a1"]
    secretary = party.committee[0].resident
    secretary.account = user
    secretary.save(update_fields=["account"])
    other = theme_day(party, tree.users["district_admin"], org=party.branch_b, members=party.full_b)
    client.force_login(user)
    assert client.get(reverse("orglife:calendar", args=[party.branch.pk])).status_code == 200
    assert client.get(reverse("orglife:calendar", args=[party.group.pk])).status_code == 200
    assert client.get(reverse("orglife:calendar", args=[party.branch_b.pk])).status_code == 404
    assert client.get(reverse("orglife:meeting_detail", args=[other.pk])).status_code == 404
    m = theme_day(party, user)
    assert client.get(reverse("orglife:meeting_detail", args=[m.pk])).status_code == 200
    assert services.may_add(user, Meeting, party.group)
    assert not services.may_add(user, Meeting, party.branch_b)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        theme_day(party, user, org=party.branch_b, members=party.full_b)
    overview = client.get(reverse("orglife:overview")).content.decode()
    assert party.branch.name in overview and party.branch_b.name not in overview
    # The seat ends: so does the access.
    from linli.party.models import CommitteeSeat

    CommitteeSeat.objects.filter(member=party.committee[0]).update(is_active=False)
    assert client.get(reverse("orglife:calendar", args=[party.branch.pk])).status_code == 404
    assert not services.may_add(user, Meeting, party.branch)
    # Still a member of the branch: they read its meeting records (全程纪实), nothing more.
    assert client.get(reverse("orglife:meeting_detail", args=[m.pk])).status_code == 200
    assert client.get(reverse("orglife:meeting_detail", args=[other.pk])).status_code == 404
    from linli.orglife.models import Talk

    assert not restrict(Talk.objects.all(), user).exists()


def test_members_read_their_own_branchs_meeting_records_only(client, party, tree, secretary):
    """A member without a seat opens the meetings behind their score card; not other branches', not talks."""
    user = tree.users["resident_a1"]
    plain = party.full[10].resident  # a member with no committee seat
    plain.account = user
    plain.save(update_fields=["account"])
    mine = theme_day(party, secretary)
    theirs = theme_day(party, tree.users["district_admin"], org=party.branch_b, members=party.full_b)
    client.force_login(user)
    assert client.get(reverse("orglife:meeting_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("orglife:meeting_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("orglife:meeting_record", args=[party.branch.pk])).status_code in (403, 404)
    assert not services.may_add(user, Meeting, party.branch)
    party.full[10].__class__.objects.filter(pk=party.full[10].pk).update(is_active=False)  # membership ends
    from linli.core.permissions import forget_bindings

    forget_bindings(user)
    assert client.get(reverse("orglife:meeting_detail", args=[mine.pk])).status_code == 404


def test_a_member_reads_their_branchs_evaluation_and_only_their_own_entry(client, party, tree, secretary):
    """The grade on a member's score card links to the evaluation: the member opens it and sees their own entry
    (self-assessment, votes, grade), not their fellow members', and changes nothing."""
    user = tree.users["resident_a1"]
    me = party.full[10]
    me.resident.account = user
    me.resident.save(update_fields=["account"])
    ev = services.evaluation_start(actor=secretary, org=party.branch, year=dates.today().year)
    other = ev.entries.exclude(member=me).select_related("member__resident").first()
    services.evaluation_entry_update(actor=secretary, entry=ev.entries.get(member=me), self_assessment="我的自评")
    services.evaluation_entry_update(actor=secretary, entry=other, self_assessment="别人的自评")
    client.force_login(user)
    resp = client.get(reverse("orglife:evaluation_detail", args=[ev.pk]))
    assert resp.status_code == 200
    assert [e.member_id for e in resp.context["entries"]] == [me.pk] and not resp.context["may_change"]
    body = resp.content.decode()
    assert "我的自评" in body and "别人的自评" not in body and other.member.resident.name not in body
    resp = client.post(reverse("orglife:evaluation_detail", args=[ev.pk]), {"step": "start_peer_review"})
    assert resp.status_code == 403
    ev.refresh_from_db()
    assert ev.state == "self_review"
    # Another branch's evaluation stays closed to them.
    theirs = services.evaluation_start(actor=tree.users["district_admin"], org=party.branch_b, year=dates.today().year)
    assert client.get(reverse("orglife:evaluation_detail", args=[theirs.pk])).status_code == 404


def test_overview_shows_branches_in_scope_with_missing_counts(client, party, secretary):
    client.force_login(secretary)
    resp = client.get(reverse("orglife:overview"))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert party.branch.name in body and party.group.name in body and party.branch_b.name not in body


def test_list_page_and_api_constant_queries(client, party, secretary, token_for):
    client.force_login(secretary)
    headers = token_for("secretary_a1")
    theme_day(party, secretary, photo_files=[png()])
    client.get("/api/v1/orglife/meetings", **headers)  # warm-up: the token's first use is recorded once
    with count_queries() as one:
        assert client.get(reverse("orglife:meeting_list")).status_code == 200
    with count_queries() as one_api:
        assert client.get("/api/v1/orglife/meetings", **headers).status_code == 200
    for _i in range(6):
        theme_day(party, secretary)
    with count_queries() as many:
        assert client.get(reverse("orglife:meeting_list")).status_code == 200
    with count_queries() as many_api:
        resp = client.get("/api/v1/orglife/meetings", **headers)
    assert resp.json()["count"] == 7
    assert many.count == one.count and many_api.count == one_api.count


def test_api_detail_and_compliance(client, party, secretary, token_for):
    m = theme_day(party, secretary)
    headers = token_for("secretary_a1")
    body = client.get(f"/api/v1/orglife/meetings/{m.pk}", **headers).json()
    assert body["entitled_count"] == 23 and len(body["attendance"]) == 23
    cal = client.get(f"/api/v1/orglife/orgs/{party.branch.pk}/compliance?year={yesterday().year}", **headers)
    assert cal.status_code == 200
    items = {i["kind"]: i for i in cal.json()["items"]}
    assert len(items["committee"]["cells"]) == 12
    cell = next(c for c in items["theme_day"]["cells"] if c["start"] <= yesterday().isoformat() <= c["end"])
    assert cell["state"] == "done" and cell["records"] == [m.pk]
    out = client.get(f"/api/v1/orglife/orgs/{party.branch_b.pk}/compliance", **headers)
    assert out.status_code == 404 and "error" in out.json()
    assert client.get("/api/v1/orglife/meetings?year=99999", **headers).status_code == 400


def test_evaluation_pages(client, party, secretary):
    client.force_login(secretary)
    year = dates.today().year
    resp = client.post(reverse("orglife:evaluation_start", args=[party.branch.pk]), {"year": year})
    assert resp.status_code == 302
    page = client.get(resp["Location"])
    assert page.status_code == 200
    ev = page.context["ev"]
    entry = page.context["entries"][0]
    client.post(resp["Location"], {f"self_assessment_{entry.pk}": "认真学习"})
    entry.refresh_from_db()
    assert entry.self_assessment == "认真学习"
    client.post(resp["Location"], {"step": "start_peer_review"})
    ev.refresh_from_db()
    assert ev.state == "peer_review"


def test_planned_meeting_recorded_as_held_later(client, party, secretary):
    import datetime as dt

    from linli.orglife.models import Status

    m = services.meeting_record(
        actor=secretary,
        org=party.branch,
        kind=Kind.PARTY_LECTURE,
        held_on=yesterday(),
        topic="党课",
        status=Status.PLANNED,
    )
    client.force_login(secretary)
    url = reverse("orglife:meeting_mark_held", args=[m.pk])
    assert 'data-testid="mark-held"' in client.get(reverse("orglife:meeting_detail", args=[m.pk])).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and len(page.context["checklist"]) == 23
    bad = client.post(url, {f"att_{party.outsider.pk}": "present"})  # not entitled: simply not on the list
    assert bad.status_code == 302
    m.refresh_from_db()
    assert (m.status, m.entitled_count, m.present_count) == (Status.HELD, 23, 0)
    future = services.meeting_record(
        actor=secretary,
        org=party.branch,
        kind=Kind.PARTY_LECTURE,
        topic="下月党课",
        held_on=dates.today() + dt.timedelta(days=10),
        status=Status.PLANNED,
    )
    resp = client.post(reverse("orglife:meeting_mark_held", args=[future.pk]), {})
    assert resp.status_code == 400
    future.refresh_from_db()
    assert future.status == Status.PLANNED
    client.force_login(party.tree.users["social_a1"])
    assert client.get(url).status_code in (302, 403)


def test_calendar_page_shows_last_months_missing_committee_red(client, party, secretary):
    """Issue 5, "What I will check": a branch with a missing 支委会 last month shows red on its calendar."""
    import re

    from linli.orglife import periods

    today = dates.today()
    last = periods.previous_period(periods.MONTH, today)
    client.force_login(secretary)
    html = client.get(reverse("orglife:calendar", args=[party.branch.pk]), {"year": last.start.year}).content.decode()
    cell = re.search(rf'<span class="([^"]*)" data-testid="cell-committee-{re.escape(last.key)}"', html)
    assert cell is not None and "ol-missing" in cell.group(1).split()
    # And the legend explains the colour; a make-up this month turns it into "held late" (not red).
    assert 'class="ol-chip ol-missing"' in html
    services.meeting_record(
        actor=secretary,
        org=party.branch,
        kind="committee",
        held_on=today,
        topic="补开",
        counts_for=last.end,
        attendance={m.pk: "present" for m in party.committee},
    )
    html = client.get(reverse("orglife:calendar", args=[party.branch.pk]), {"year": last.start.year}).content.decode()
    cell = re.search(rf'<span class="([^"]*)" data-testid="cell-committee-{re.escape(last.key)}"', html)
    assert "ol-overdue" in cell.group(1).split()


def test_party_menu_entries_only_for_party_members_among_residents(party, tree):
    from linli.core.context_processors import visible_menu

    def party_urls(user):
        for attr in ("_linli_in_party", "_linli_bindings"):
            user.__dict__.pop(attr, None)
        return {item["url"] for item in visible_menu(user)["party"]}

    user = tree.users["resident_a1"]
    overview = reverse("orglife:overview")
    assert overview not in party_urls(user) and reverse("party:mine") not in party_urls(user)
    party.full[10].resident.account = user
    party.full[10].resident.save(update_fields=["account"])
    assert {overview, reverse("orglife:meeting_list"), reverse("party:mine")} <= party_urls(user)
    assert overview in party_urls(tree.users["secretary_a1"])
