"""/api/v1/selections: the walk (hold → nominate → accept → open → vote → announce → ballot with counts), the
error body on bad input (a second vote, a vote outside the window, a nominee out of scope), ``under`` and paging."""

from __future__ import annotations

import datetime as dt

import pytest

from ..models import Nomination, Vote

pytestmark = pytest.mark.django_db
BASE = "/api/v1/selections"


def post(client, url, data, h):
    return client.post(url, data, content_type="application/json", **h)


def test_selection_walk_over_the_api(client, tree, me, today, make_resident, token_for):
    h = token_for("secretary_a1")
    resp = post(
        client,
        BASE,
        {
            "place": tree.compound_a1.code,
            "kind": "good_neighbour",
            "title": "好邻居",
            "period": "2026",
            "rules": "一人一票",
            "seats": 1,
            "nominate_from": "2026-06-01",
            "nominate_until": "2026-06-03",
            "vote_from": "2026-06-04",
            "vote_until": "2026-06-10",
        },
        h,
    )
    assert resp.status_code == 201, resp.content
    sid = resp.json()["id"]
    zhang = make_resident("张三")
    elsewhere = make_resident("外人", home=tree.house_a2)
    bad = post(client, f"{BASE}/{sid}/nominations", {"resident_id": elsewhere.pk, "reason": "x"}, h)
    assert bad.status_code == 400 and "resident" in bad.json()["error"]["fields"]
    n = post(client, f"{BASE}/{sid}/nominations", {"resident_id": zhang.pk, "reason": "热心"}, h)
    assert n.status_code == 201, n.content
    nid = n.json()["id"]
    assert post(client, f"{BASE}/nominations/{nid}/accept", {}, h).json()["state"] == "accepted"
    assert post(client, f"{BASE}/{sid}/open-vote", {}, h).json()["state"] == "voting"

    rh = token_for("resident_a1")
    early = post(client, f"{BASE}/{sid}/votes", {"nomination_id": nid}, rh)
    assert early.status_code == 400 and "selection" in early.json()["error"]["fields"]
    today.set(dt.date(2026, 6, 4))
    assert post(client, f"{BASE}/{sid}/votes", {"nomination_id": nid}, rh).status_code == 201
    again = post(client, f"{BASE}/{sid}/votes", {"nomination_id": nid}, rh)
    assert again.status_code == 400 and "voter" in again.json()["error"]["fields"]
    assert Vote.objects.count() == 1
    ballot = client.get(f"{BASE}/{sid}/ballot", **rh).json()
    assert ballot[0]["votes"] is None  # no counts before the announcement

    assert post(client, f"{BASE}/{sid}/announce", {}, h).status_code == 400
    today.set(dt.date(2026, 6, 11))
    assert post(client, f"{BASE}/{sid}/announce", {}, h).json()["state"] == "publicity"
    ballot = client.get(f"{BASE}/{sid}/ballot", **rh).json()
    assert ballot == [
        {
            "id": nid,
            "name": "张三",
            "building_name": tree.building_a1.name,
            "reason": "热心",
            "votes": 1,
            "rank": 1,
            "is_winner": True,
        }
    ]


def test_resident_cannot_manage_and_outsiders_see_nothing(client, tree, make_selection, token_for):
    s = make_selection()
    rh = token_for("resident_a1")
    assert client.get(f"{BASE}/{s.pk}", **rh).status_code == 200
    assert client.get(f"{BASE}/{s.pk}/nominations", **rh).status_code == 403
    assert post(client, f"{BASE}/{s.pk}/open-vote", {}, rh).status_code == 403
    assert client.get(f"{BASE}/{s.pk}", **token_for("dept_staff")).status_code == 404


def test_resident_nominates_over_the_api(client, tree, me, today, make_selection, token_for):
    s = make_selection()
    rh = token_for("resident_a1")
    resp = post(
        client,
        f"{BASE}/{s.pk}/nominations",
        {"name": "李阿姨", "building": tree.building_a1.code, "reason": "照顾老人"},
        rh,
    )
    assert resp.status_code == 201, resp.content
    assert Nomination.objects.get().channel == "resident"
    bad = post(
        client, f"{BASE}/{s.pk}/nominations", {"name": "某", "building": tree.building_a2.code, "reason": "x"}, rh
    )
    assert bad.status_code == 400 and Nomination.objects.count() == 1


def test_list_under_and_paging(client, tree, make_selection, token_for):
    make_selection()
    make_selection(place=tree.compound_a1, title="小区评选")
    h = token_for("secretary_a1")
    body = client.get(f"{BASE}?under={tree.compound_a1.code}", **h).json()
    assert [s["title"] for s in body["results"]] == ["小区评选"]
    body = client.get(f"{BASE}?page_size=1", **h).json()
    assert body["count"] == 2 and len(body["results"]) == 1
    assert client.get(f"{BASE}?under=999", **h).status_code == 400
