"""Pages: in scope 200, out of scope 404, view-only 403 on writes; htmx fragments; constant query counts on
lists; the resident's phone form; one-click hand-over."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.core import dates
from linli.core.testing import count_queries

from .. import services
from ..models import Matter, MatterState, Meeting, MeetingState
from . import factories as f

pytestmark = pytest.mark.django_db


def login(client, tree, name):
    client.force_login(tree.users[name])
    return client


def test_meeting_pages_in_and_out_of_scope(client, tree):
    m = f.meeting(tree)
    login(client, tree, "secretary_a1")
    assert client.get(reverse("deliberation:meetings")).status_code == 200
    page = client.get(reverse("deliberation:meeting", args=[m.pk]))
    assert page.status_code == 200 and m.title in page.content.decode()
    partial = client.get(reverse("deliberation:meetings"), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content
    for name in ("dept_staff", "nobody", "resident_a1"):
        login(client, tree, name)
        assert client.get(reverse("deliberation:meeting", args=[m.pk])).status_code == 404
    login(client, tree, "grid_a")  # view only
    assert client.get(reverse("deliberation:meeting", args=[m.pk])).status_code == 200
    assert client.post(reverse("deliberation:cancel", args=[m.pk]), {"reason": "x"}).status_code == 403


def test_meeting_list_query_count_is_constant(client, tree):
    login(client, tree, "secretary_a1")
    f.meeting(tree)
    url = reverse("deliberation:meetings")
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for i in range(15):
        m = f.meeting(tree, title=f"议事{i}")
        services.agenda_add(actor=tree.users["secretary_a1"], meeting=m, title="议题")
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


def test_matter_list_query_count_is_constant(client, tree):
    login(client, tree, "secretary_a1")
    f.matter(tree)
    url = reverse("deliberation:matters")
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for i in range(15):
        f.matter(tree, title=f"议题{i}")
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


def test_plan_and_hold_a_meeting_through_the_pages(client, tree):
    login(client, tree, "secretary_a1")
    resp = client.post(
        reverse("deliberation:meeting_create"),
        {"compound": tree.compound_a1.code, "kind": "tripartite", "title": "三方议事", "scheduled_on": dates.today()},
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    m = Meeting.objects.get()
    bad = client.post(
        reverse("deliberation:meeting_create"),
        {"compound": tree.comm_a1.code, "kind": "tripartite", "title": "x", "scheduled_on": dates.today()},
    )
    assert bad.status_code == 200 and Meeting.objects.count() == 1
    client.post(reverse("deliberation:seats_suggested", args=[m.pk]))
    assert m.seats.filter(seat="property", organisation=tree.property_co).exists()
    client.post(reverse("deliberation:seat_add", args=[m.pk]), {"seat": "party", "name": "王书记"})
    client.post(reverse("deliberation:seat_add", args=[m.pk]), {"seat": "committee", "name": "赵主任"})
    matter = f.matter(tree)
    client.post(reverse("deliberation:agenda_add", args=[m.pk]), {"matter": matter.pk})
    assert Matter.objects.get(pk=matter.pk).state == MatterState.DISCUSSING
    resp = client.post(reverse("deliberation:hold", args=[m.pk]), {"held_on": dates.today(), "minutes": "纪要"})
    assert resp.status_code == 302 and Meeting.objects.get(pk=m.pk).state == MeetingState.HELD
    resp = client.post(
        reverse("deliberation:matter_solve", args=[matter.pk]), {"meeting": m.pk, "resolution": "当场解决"}
    )
    assert Matter.objects.get(pk=matter.pk).state == MatterState.SOLVED
    assert client.get(reverse("deliberation:calendar")).status_code == 200
    assert client.get(reverse("deliberation:figures")).status_code == 200


def test_resident_phone_form_and_their_matter(client, tree):
    login(client, tree, "resident_a1")
    page = client.get(reverse("deliberation:matter_create"))
    assert page.status_code == 200 and "picker" not in page.content.decode().split("<main")[-1]
    resp = client.post(
        reverse("deliberation:matter_create"), {"title": "电梯经常坏", "description": "2号电梯每周停两次"}
    )
    assert resp.status_code == 302
    matter = Matter.objects.get()
    assert matter.place == tree.house_a1 and matter.source == "resident"
    assert client.get(reverse("deliberation:matter", args=[matter.pk])).status_code == 200
    assert client.post(reverse("deliberation:matter_hand_over", args=[matter.pk])).status_code == 403
    bad = client.post(reverse("deliberation:matter_create"), {"title": "", "description": ""})
    assert bad.status_code == 200 and Matter.objects.count() == 1
    login(client, tree, "dept_other_staff")
    assert client.get(reverse("deliberation:matter", args=[matter.pk])).status_code == 404


def test_one_click_hand_over(client, tree):
    matter = f.matter(tree)
    login(client, tree, "secretary_a1")
    page = client.get(reverse("deliberation:matter", args=[matter.pk])).content.decode()
    assert 'data-testid="to-vote"' in page
    assert client.post(reverse("deliberation:matter_hand_over", args=[matter.pk])).status_code == 302
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.state == MatterState.HANDED and matter.case_id
    page = client.get(reverse("deliberation:matter", args=[matter.pk])).content.decode()
    assert reverse("workorders:case_detail", args=[matter.case_id]) in page


def test_raise_a_matter_from_a_work_order(client, tree):
    from linli.workorders import services as wo

    case = wo.case_create(
        actor=tree.users["secretary_a1"],
        category="other",
        title="小区停车难",
        description="晚上没有车位",
        place=tree.building_a1,
        source="counter",
        reporter_name="张三",
    )
    login(client, tree, "secretary_a1")
    url = reverse("deliberation:matter_create") + f"?case={case.pk}"
    page = client.get(url).content.decode()
    assert case.number in page and "小区停车难" in page
    assert client.post(url, {"title": "停车位规划", "description": ""}).status_code == 302
    matter = Matter.objects.get()
    assert matter.from_case == case and matter.source == "workorder" and matter.place == tree.building_a1
    login(client, tree, "dept_other_staff")
    assert client.get(url).status_code in (403, 404)


def test_put_to_an_owners_vote_from_the_matter_page(client, tree):
    from linli.votes.models import Decision

    matter = f.matter(tree)
    login(client, tree, "secretary_a1")
    bad = client.post(reverse("deliberation:matter_to_vote", args=[matter.pk]), {"matter_type": "12"})
    assert bad.status_code == 302 and not Decision.objects.exists()
    resp = client.post(reverse("deliberation:matter_to_vote", args=[matter.pk]), {"matter_type": "5"})
    decision = Decision.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("votes:decision", args=[decision.pk])
    page = client.get(reverse("deliberation:matter", args=[matter.pk])).content.decode()
    assert 'data-testid="matter-decision"' in page
