import datetime as dt

import pytest
from django.utils import timezone

from linli.party.models import PartyMember

from .factories import JOINED, branch, inservice, members, resident

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def setup(tree):
    b = branch(tree, name="怡心花园党支部")
    b2 = branch(tree, place=tree.comm_a2, name="西苑新村党支部")
    ms = members(b, 2, home=tree.house_a1)
    members(b2, 3, home=tree.house_a2)
    return b, b2, ms


def test_list_orgs_in_scope_with_flags(client, tree, setup, token_for):
    b, b2, _ms = setup
    h = token_for("secretary_a1")
    body = client.get("/api/v1/party/orgs", **h).json()
    names = {o["name"] for o in body["results"]}
    assert b.name in names and b2.name not in names
    row = next(o for o in body["results"] if o["name"] == b.name)
    assert row["members"] == 2 and row["full_members"] == 2
    assert "too_few" in {f["code"] for f in row["flags"]}
    assert client.get(f"/api/v1/party/orgs/{b2.pk}", **h).status_code == 404
    detail = client.get(f"/api/v1/party/orgs/{b.pk}", **h).json()
    assert detail["committee"] == []
    wide = client.get("/api/v1/party/orgs", {"under": tree.street_a.code}, **token_for("street_a")).json()
    assert {b.name, b2.name} <= {o["name"] for o in wide["results"]}


def test_members_are_masked(client, tree, setup, token_for):
    _b, _b2, _ms = setup
    body = client.get("/api/v1/party/members", **token_for("secretary_a1")).json()
    assert body["count"] == 2
    row = body["results"][0]
    assert "*" in row["phone_masked"]
    assert not {"id_number", "phone", "id_masked", "id_cipher", "phone_cipher"} & set(row)
    assert client.get("/api/v1/party/members", **token_for("dept_staff")).json()["count"] == 0


def test_add_member_errors_use_the_standard_body(client, tree, setup, token_for):
    b, _b2, ms = setup
    h = token_for("secretary_a1")
    other = branch(tree, name="第二支部")
    resp = client.post(
        f"/api/v1/party/orgs/{other.pk}/members",
        {"resident_id": ms[0].resident_id, "joined_on": "2010-07-01"},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert "resident" in err["fields"] and err["code"]
    resp = client.post(
        f"/api/v1/party/orgs/{other.pk}/members", {"resident_id": "abc"}, content_type="application/json", **h
    )
    assert resp.status_code in (400, 422) and "error" in resp.json()
    r = resident(tree.house_a1)
    resp = client.post(
        f"/api/v1/party/orgs/{other.pk}/members",
        {"resident_id": r.pk, "joined_on": "2010-07-01", "full_on": "2011-07-01"},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 201, resp.content
    new = resp.json()
    resp = client.post(
        f"/api/v1/party/members/{new['id']}/transfer", {"to_org_id": b.pk}, content_type="application/json", **h
    )
    assert resp.status_code == 201
    assert PartyMember.objects.filter(resident=r).count() == 2
    assert JOINED


def test_inservice_api(client, tree, setup, token_for):
    ins = inservice(tree, reported_on=TODAY - dt.timedelta(days=300))
    h = token_for("secretary_a1")
    body = client.get("/api/v1/party/inservice", {"stale": "true"}, **h).json()
    assert [r["id"] for r in body["results"]] == [ins.pk] and body["results"][0]["stale"] is True
    resp = client.post(
        f"/api/v1/party/inservice/{ins.pk}/records",
        {"date": TODAY.isoformat(), "content": "巡逻", "hours": "2.5"},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 201, resp.content
    resp = client.post(
        f"/api/v1/party/inservice/{ins.pk}/records",
        {"date": TODAY.isoformat(), "content": "巡逻", "hours": "99"},
        content_type="application/json",
        **h,
    )
    assert resp.status_code in (400, 422) and "error" in resp.json()
    hours = client.get(f"/api/v1/party/inservice/{ins.pk}/hours", {"year": TODAY.year}, **h).json()
    assert hours["hours"] in ("2.5", 2.5)
    dept = client.get("/api/v1/party/inservice", **token_for("dept_staff")).json()
    assert dept["count"] == 1
    assert client.get("/api/v1/party/inservice", **token_for("dept_other_staff")).json()["count"] == 0
    r = resident(tree.house_a1)
    resp = client.post(
        "/api/v1/party/inservice",
        {"resident_id": r.pk, "community": tree.comm_a1.code, "employer_id": tree.dept.pk},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 201
    resp = client.post(
        "/api/v1/party/inservice",
        {"resident_id": r.pk, "community": tree.comm_a2.code, "employer_id": tree.dept.pk},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 400
