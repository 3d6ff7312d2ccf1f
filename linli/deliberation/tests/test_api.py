"""/api/v1/deliberation: the same services and selectors; error bodies; ``under`` and pagination."""

from __future__ import annotations

import pytest

from linli.core import dates

from ..models import Matter, MatterState
from . import factories as f

pytestmark = pytest.mark.django_db
BASE = "/api/v1/deliberation"


def test_meeting_walk_over_the_api(client, tree, token_for):
    h = token_for("secretary_a1")
    resp = client.post(
        f"{BASE}/meetings",
        {
            "compound": tree.compound_a1.code,
            "kind": "tripartite",
            "title": "三方议事",
            "scheduled_on": str(dates.today()),
        },
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 201, resp.content
    mid = resp.json()["id"]
    for seat, name in (("party", "王书记"), ("property", "李经理"), ("committee", "赵主任")):
        r = client.post(
            f"{BASE}/meetings/{mid}/seats", {"seat": seat, "name": name}, content_type="application/json", **h
        )
        assert r.status_code == 201
    detail = client.get(f"{BASE}/meetings/{mid}", **h).json()
    assert detail["missing_seats"] == [] and len(detail["seats"]) == 3
    matter = client.post(
        f"{BASE}/matters", {"place": tree.building_a1.code, "title": "楼道灯坏"}, content_type="application/json", **h
    ).json()
    r = client.post(f"{BASE}/meetings/{mid}/agenda", {"matter_id": matter["id"]}, content_type="application/json", **h)
    assert r.status_code == 201
    r = client.post(
        f"{BASE}/meetings/{mid}/hold",
        {"held_on": str(dates.today()), "minutes": "纪要"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 200 and r.json()["state"] == "held"
    r = client.post(
        f"{BASE}/matters/{matter['id']}/solve",
        {"meeting_id": mid, "resolution": "已修"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 200 and r.json()["state"] == "solved" and r.json()["outcome"] == "meeting"
    cal = client.get(f"{BASE}/calendar", **h).json()
    assert any(row["compound_code"] == tree.compound_a1.code for row in cal)
    figures = client.get(f"{BASE}/figures", **h).json()
    assert figures[0]["name"] == "total" and figures[0]["solved"] == 1


def test_errors_and_scope(client, tree, token_for):
    h = token_for("secretary_a1")
    bad = client.post(
        f"{BASE}/meetings",
        {"compound": tree.comm_a1.code, "kind": "tripartite", "title": "x", "scheduled_on": str(dates.today())},
        content_type="application/json",
        **h,
    )
    assert bad.status_code == 400 and "compound" in bad.json()["error"]["fields"]
    matter = f.matter(tree)
    r = client.post(f"{BASE}/matters/{matter.pk}/decline", {"reason": "重复"}, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["state"] == "declined"
    r = client.post(f"{BASE}/matters/{matter.pk}/hand-over", **h)
    assert r.status_code == 400 and r.json()["error"]["code"]
    other = token_for("dept_other_staff")
    assert client.get(f"{BASE}/matters/{matter.pk}", **other).status_code == 404
    assert client.get(f"{BASE}/matters", **other).json()["results"] == []
    grid = token_for("grid_a")
    m2 = f.matter(tree)
    assert (
        client.post(
            f"{BASE}/matters/{m2.pk}/decline", {"reason": "x"}, content_type="application/json", **grid
        ).status_code
        == 403
    )
    assert Matter.objects.get(pk=m2.pk).state == MatterState.RAISED


def test_lists_take_under_and_pages(client, tree, token_for):
    h = token_for("district_admin")
    for i in range(3):
        f.matter(tree, actor=tree.users["district_admin"], title=f"a{i}")
    f.matter(tree, actor=tree.users["district_admin"], place=tree.building_a2.parent, title="b")
    r = client.get(f"{BASE}/matters", {"under": tree.comm_a1.code, "page_size": 2}, **h).json()
    assert r["count"] == 3 and len(r["results"]) == 2
    assert client.get(f"{BASE}/matters", {"under": "999999"}, **h).status_code == 400
    r = client.get(f"{BASE}/matters", {"state": "open"}, **h).json()
    assert r["count"] == 4


def test_raise_from_a_work_order_over_the_api(client, tree, token_for):
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
    h = token_for("secretary_a1")
    r = client.post(f"{BASE}/matters", {"title": "停车", "from_case_id": case.pk}, content_type="application/json", **h)
    assert r.status_code == 201 and r.json()["from_case_id"] == case.pk and r.json()["source"] == "workorder"
    r = client.post(f"{BASE}/matters", {"title": "停车"}, content_type="application/json", **h)
    assert r.status_code == 400 and "place" in r.json()["error"]["fields"]
    other = token_for("dept_other_staff")
    body = {"title": "x", "from_case_id": case.pk}
    r = client.post(f"{BASE}/matters", body, content_type="application/json", **other)
    assert r.status_code == 404


def test_api_lists_cost_the_same_for_more_rows(client, tree, token_for):
    from linli.core.testing import count_queries

    h = token_for("secretary_a1")
    f.matter(tree)
    f.meeting(tree)
    for path in ("/matters", "/meetings"):
        client.get(BASE + path, **h)
    with count_queries() as few:
        for path in ("/matters", "/meetings"):
            assert client.get(BASE + path, **h).status_code == 200
    for i in range(10):
        f.matter(tree, title=f"m{i}")
        f.meeting(tree, title=f"会{i}")
    with count_queries() as many:
        for path in ("/matters", "/meetings"):
            client.get(BASE + path, **h)
    assert many.count == few.count


def test_participant_removed_only_before_the_meeting(tree):
    from django.core.exceptions import ValidationError

    from .. import services
    from ..models import Participant

    sec = tree.users["secretary_a1"]
    m = f.meeting(tree)
    f.three_seats(tree, m)
    p = Participant.objects.filter(meeting=m).first()
    services.participant_remove(actor=sec, participant=p)
    assert Participant.objects.filter(meeting=m).count() == 2
    services.meeting_hold(actor=sec, meeting=m, held_on=dates.today(), minutes="纪要")
    with pytest.raises(ValidationError):
        services.participant_remove(actor=sec, participant=Participant.objects.filter(meeting=m).first())
    assert Participant.objects.filter(meeting=m).count() == 2


def test_put_a_matter_to_an_owners_vote_over_the_api(client, tree, token_for):
    matter = f.matter(tree)
    h = token_for("secretary_a1")
    bad = client.post(f"{BASE}/matters/{matter.pk}/to-vote", {"matter_type": 10}, content_type="application/json", **h)
    assert bad.status_code in (400, 422)
    resp = client.post(f"{BASE}/matters/{matter.pk}/to-vote", {"matter_type": 6}, content_type="application/json", **h)
    assert resp.status_code == 200, resp.content
    assert resp.json()["state"] == "voting" and resp.json()["decision_id"]
    decision = client.get(f"/api/v1/votes/{resp.json()['decision_id']}", **h).json()
    assert decision["state"] == "draft" and decision["matter_type"] == 6 and decision["title"] == matter.title
