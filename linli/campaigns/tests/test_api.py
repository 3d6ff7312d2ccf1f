"""/api/v1/campaigns: the walk over the API (create → theme → start → inspection → work order → progress); the
error body on bad input with nothing written; scope; pagination."""

from __future__ import annotations

import pytest

from linli.core import dates

from ..models import Campaign, Finding, Inspection
from . import factories as f

pytestmark = pytest.mark.django_db
BASE = "/api/v1/campaigns"


def post(client, url, data, h):
    return client.post(url, data, content_type="application/json", **h)


def test_campaign_walk_over_the_api(client, tree, token_for):
    h = token_for("street_a")
    today = str(dates.today())
    resp = post(
        client, BASE, {"owner": tree.street_a.code, "title": "电梯安全", "starts_on": today, "ends_on": today}, h
    )
    assert resp.status_code == 201, resp.content
    cid = resp.json()["id"]
    resp = post(
        client,
        f"{BASE}/{cid}/themes",
        {"name": "电梯安全", "category": "elevator", "items": ["年检合格", "困人应急"]},
        h,
    )
    assert resp.status_code == 201, resp.content
    assert post(client, f"{BASE}/{cid}/start", {}, h).json()["state"] == "running"
    campaign = Campaign.objects.get(pk=cid)
    theme = campaign.themes.get()
    items = list(theme.items.all())
    hs = token_for("secretary_a1")
    checks = [{"item": items[0].pk, "passed": False, "note": "年检标志过期"}, {"item": items[1].pk, "passed": True}]
    resp = post(
        client,
        f"{BASE}/{cid}/inspections",
        {"compound": tree.compound_a1.code, "theme": theme.pk, "checks": checks},
        hs,
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["failed"] == 1 and body["findings"][0]["status"] == "open" and body["located"] == "compound"
    fid = body["findings"][0]["id"]
    resp = post(client, f"{BASE}/findings/{fid}/case", {}, hs)
    assert resp.status_code == 201, resp.content
    case_id = resp.json()["case_id"]
    from linli.workorders.models import Case

    assert Case.objects.get(pk=case_id).category.code == "elevator"
    progress = client.get(f"{BASE}/{cid}/progress", **h).json()
    assert progress["total"]["findings"] == 1 and progress["total"]["cases_open"] == 1
    assert progress["streets"][0]["code"] == tree.street_a.code
    listed = client.get(f"{BASE}?page_size=1", **h).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == cid
    findings = client.get(f"{BASE}/{cid}/findings", **hs).json()
    assert findings["results"][0]["case_id"] == case_id
    assert post(client, f"{BASE}/{cid}/close", {}, h).json()["state"] == "closed"


def test_bad_inspections_over_the_api_write_nothing(client, tree, token_for):
    c = f.campaign(tree)
    theme = f.theme(c)
    items = list(theme.items.all())
    h = token_for("district_admin")
    all_pass = [{"item": i.pk, "passed": True} for i in items]
    outside = tree.building_b1.parent.code
    resp = post(client, f"{BASE}/{c.pk}/inspections", {"compound": outside, "theme": theme.pk, "checks": all_pass}, h)
    assert resp.status_code == 400
    assert "compound" in resp.json()["error"]["fields"]
    stray = [{**all_pass[0], "note": "有问题"}, *all_pass[1:]]
    resp = post(
        client, f"{BASE}/{c.pk}/inspections", {"compound": tree.compound_a1.code, "theme": theme.pk, "checks": stray}, h
    )
    assert resp.status_code == 400 and "results" in resp.json()["error"]["fields"]
    assert not Inspection.objects.exists() and not Finding.objects.exists()


def test_scope_over_the_api(client, tree, token_for):
    c = f.campaign(tree)
    assert client.get(f"{BASE}/{c.pk}", **token_for("secretary_a1")).status_code == 200
    assert client.get(f"{BASE}/{c.pk}", **token_for("resident_a1")).status_code == 404
    resp = post(client, f"{BASE}/{c.pk}/close", {}, token_for("secretary_a1"))
    assert resp.status_code == 404
    rates = client.get(f"{BASE}/complaint-rate?months=12", **token_for("street_a")).json()
    assert rates.get("compounds") is not None, rates
    assert {r["code"] for r in rates["compounds"]} == {tree.compound_a1.code, tree.building_a2.parent.code}
