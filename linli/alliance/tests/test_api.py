import pytest
from django.utils import timezone

from linli.alliance.models import FundEntry

pytestmark = pytest.mark.django_db


def test_api_flow(client, tree, alliance, token_for):
    h = token_for("secretary_a1")
    r = client.get("/api/v1/alliance", **h)
    assert r.status_code == 200 and r.json()["count"] == 1
    base = f"/api/v1/alliance/{alliance.pk}"
    assert client.get(f"{base}/members", **h).json()["count"] == 2
    r = client.post(
        f"{base}/meetings",
        {"held_on": str(timezone.localdate()), "topic": "联席会", "attendee_ids": [alliance.m_dept.pk]},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    r = client.post(
        f"{base}/problems",
        {"title": "路灯", "description": "坏了", "place": tree.building_a1.code},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201
    pid = r.json()["id"]
    r = client.post(f"{base}/problems/{pid}/case", **h)
    assert r.status_code == 201 and r.json()["status"] == "rectifying" and r.json()["case_number"]
    r = client.post(f"{base}/problems/{pid}/solve", {"solution": "修好了"}, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["status"] == "solved"
    r = client.post(
        f"{base}/fund", {"kind": "raised", "amount": "100.00", "reason": "共建"}, content_type="application/json", **h
    )
    assert r.status_code == 201 and r.json()["balance_after"] == "100.00"
    r = client.post(
        f"{base}/fund", {"kind": "spent", "amount": "100.01", "reason": "超支"}, content_type="application/json", **h
    )
    assert r.status_code == 400 and "amount" in r.json()["error"]["fields"]
    assert FundEntry.objects.count() == 1


def test_api_scope(client, tree, alliance, token_for):
    h = token_for("secretary_a1")
    other = client.post("/api/v1/alliance", {"community": tree.comm_b1.code}, content_type="application/json", **h)
    assert other.status_code in (400, 403, 404)
    h2 = token_for("dept_other_staff")
    assert client.get(f"/api/v1/alliance/{alliance.pk}", **h2).status_code == 404
    h3 = token_for("dept_staff")  # a member organisation: view only
    r = client.post(
        f"/api/v1/alliance/{alliance.pk}/problems",
        {"title": "x", "description": "y"},
        content_type="application/json",
        **h3,
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
