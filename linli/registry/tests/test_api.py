"""/api/v1/residents and /api/v1/households: thin over services and selectors, masked, scoped, audited reveal."""

import datetime as dt
import json

import pytest

from linli.accounts.testing import system_user
from linli.core.models import AuditLog
from linli.core.testing import count_queries
from linli.registry import services
from linli.registry.care_tags import ensure_care_tags
from linli.registry.models import CareTag, HouseholdMember, Resident

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"
PHONE = "13812345678"
ID2 = "440524188001010014"
PHONE2 = "13987654321"
SECRETS = (ID, PHONE, ID2, PHONE2)


def make(tree, actor="secretary_a1", **kw):
    kw.setdefault("name", "张三丰")
    kw.setdefault("home", tree.house_a1)
    return services.resident_create(actor=tree.users[actor], **kw)


@pytest.fixture
def world(tree):
    ensure_care_tags()
    root = system_user()
    a1 = make(tree, id_number=ID, phone=PHONE)
    a2 = make(tree, name="李四", home=tree.house_a2, id_number=ID2, phone=PHONE2, actor="district_admin")
    tags = {t.code: t for t in CareTag.objects.all()}
    services.tag_assign(actor=root, resident=a1, tag=tags["elderly_alone"], since=dt.date(2024, 1, 1))
    services.tag_assign(actor=root, resident=a1, tag=tags["subsistence"], since=dt.date(2024, 1, 1))
    return {"a1": a1, "a2": a2}


def post(client, url, body, auth):
    return client.post(url, json.dumps(body), content_type="application/json", **auth)


def patch(client, url, body, auth):
    return client.patch(url, json.dumps(body), content_type="application/json", **auth)


def ids(resp):
    return {r["id"] for r in resp.json()["results"]}


def test_list_is_scoped_and_masked(client, tree, world, token_for):
    auth = token_for("grid_a")
    r = client.get("/api/v1/residents", **auth)
    assert r.status_code == 200
    assert ids(r) == {world["a1"].pk}
    row = r.json()["results"][0]
    assert row["id_masked"] == "110105********002X" and row["phone_masked"] == "138****5678"
    assert not any(k in row for k in ("id_cipher", "id_hash", "phone_cipher", "phone_hash", "id_last4"))
    assert all(s not in r.content.decode() for s in SECRETS)


def test_list_filters(client, tree, world, token_for):
    auth = token_for("district_admin")
    a1, a2 = world["a1"].pk, world["a2"].pk
    assert ids(client.get(f"/api/v1/residents?under={tree.comm_a2.code}", **auth)) == {a2}
    assert ids(client.get("/api/v1/residents?q=zsf", **auth)) == {a1}
    assert ids(client.get(f"/api/v1/residents?q={ID}", **auth)) == {a1}
    assert ids(client.get("/api/v1/residents?q=4321", **auth)) == {a2}
    assert ids(client.get("/api/v1/residents?tag=subsistence", **auth)) == {a1}
    assert ids(client.get("/api/v1/residents?age_band=80%2B", **auth)) >= {a2}
    assert ids(client.get("/api/v1/residents?age_max=5", **auth)) == set()
    assert ids(client.get("/api/v1/residents?status=floating", **auth)) == set()
    r = client.get("/api/v1/residents?under=999999999999", **auth)
    assert r.status_code == 400 and "under" in r.json()["error"]["fields"]
    r = client.get("/api/v1/residents?age_min=30&age_max=20", **auth)
    assert r.status_code == 400
    r = client.get("/api/v1/residents?age_band=old", **auth)
    assert r.status_code == 400


def test_sensitive_tags_hidden_from_grid_workers_and_building_heads(client, tree, world, token_for):
    a1 = world["a1"].pk
    for name in ("grid_a", "head_a1"):
        auth = token_for(name)
        body = client.get(f"/api/v1/residents/{a1}", **auth).json()
        assert [t["code"] for t in body["care_groups"]] == ["elderly_alone"], name
        listed = client.get("/api/v1/residents", **auth).json()["results"]
        assert all("低保" not in json.dumps(row, ensure_ascii=False) for row in listed)
        r = client.get("/api/v1/residents?tag=subsistence", **auth)
        assert r.status_code == 400 and "tag" in r.json()["error"]["fields"], name  # unknown, not empty
    body = client.get(f"/api/v1/residents/{a1}", **token_for("social_a1")).json()
    assert {t["code"] for t in body["care_groups"]} == {"elderly_alone", "subsistence"}


def test_out_of_scope_is_404(client, tree, world, token_for):
    auth = token_for("grid_a")
    a2 = world["a2"].pk
    assert client.get(f"/api/v1/residents/{a2}", **auth).status_code == 404
    assert patch(client, f"/api/v1/residents/{a2}", {"notes": "x"}, auth).status_code == 404
    r = post(client, f"/api/v1/residents/{a2}/reveal", {"field": "id_number"}, auth)
    assert r.status_code == 404 and ID2 not in r.content.decode()
    assert not AuditLog.objects.filter(action="unmask").exists()


def test_reveal_with_the_right_is_audited(client, tree, world, token_for):
    auth = token_for("grid_a")
    a1 = world["a1"].pk
    r = post(client, f"/api/v1/residents/{a1}/reveal", {"field": "id_number", "purpose": "入户核查"}, auth)
    assert r.status_code == 200 and r.json() == {"value": ID}
    assert "no-store" in r["Cache-Control"]
    r = post(client, f"/api/v1/residents/{a1}/reveal", {"field": "phone"}, auth)
    assert r.status_code == 400 and PHONE not in r.content.decode()  # no purpose: refused, nothing recorded
    assert r.json()["error"]["fields"].keys() == {"purpose"}
    assert AuditLog.objects.filter(action="unmask").count() == 1
    r = post(client, f"/api/v1/residents/{a1}/reveal", {"field": "phone", "purpose": "  电话回访 "}, auth)
    assert r.json() == {"value": PHONE}
    rows = AuditLog.objects.filter(action="unmask", object_id=str(a1), actor_name="grid_a")
    assert rows.count() == 2 and any("入户核查" in row.note for row in rows)
    r = post(client, f"/api/v1/residents/{a1}/reveal", {"field": "name"}, auth)
    assert r.status_code == 400


def test_reveal_without_the_right_is_403(client, tree, world, token_for):
    a1 = world["a1"].pk
    for name in ("head_a1", "street_a"):
        r = post(client, f"/api/v1/residents/{a1}/reveal", {"field": "id_number"}, token_for(name))
        assert r.status_code == 403, name
        assert ID not in r.content.decode()
    assert not AuditLog.objects.filter(action="unmask").exists()


def test_create_and_patch(client, tree, token_for):
    auth = token_for("grid_a")
    r = post(
        client,
        "/api/v1/residents",
        {"name": "王五", "id_number": ID.lower(), "phone": PHONE, "home": tree.house_a1.code},
        auth,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["id_masked"] == "110105********002X" and body["gender"] == "F"
    assert body["home_code"] == tree.house_a1.code
    assert ID not in r.content.decode() and PHONE not in r.content.decode()
    pk = body["id"]
    r = patch(client, f"/api/v1/residents/{pk}", {"residence_status": "floating", "employer": "钢铁厂"}, auth)
    assert r.status_code == 200 and r.json()["residence_status"] == "floating"
    assert r.json()["id_masked"] == "110105********002X"  # kept
    r = patch(client, f"/api/v1/residents/{pk}", {"phone": "12345"}, auth)
    assert r.status_code == 400 and "phone" in r.json()["error"]["fields"]
    assert Resident.objects.get(pk=pk).phone_masked == "138****5678"
    r = post(client, "/api/v1/residents", {"name": "赵六", "home": tree.house_a2.code}, auth)  # outside the grid
    assert r.status_code == 400 and "home" in r.json()["error"]["fields"]
    r = post(client, "/api/v1/residents", {"name": "赵六", "id_number": ID, "home": tree.house_a1.code}, auth)
    assert r.status_code == 400 and "id_number" in r.json()["error"]["fields"]  # one person, one record
    assert ID not in r.content.decode()
    r = post(client, "/api/v1/residents", {"name": "赵六", "registered_at": tree.comm_a1.code}, token_for("social_a1"))
    assert r.status_code == 201 and r.json()["home_code"] is None
    r = patch(client, f"/api/v1/residents/{pk}", {"notes": "x"}, token_for("head_a1"))
    assert r.status_code == 403


def test_list_query_count_is_constant(client, tree, world, token_for):
    auth = token_for("secretary_a1")
    client.get("/api/v1/residents", **auth)
    with count_queries() as small:
        client.get("/api/v1/residents", **auth)
    root = system_user()
    tag = CareTag.objects.get(code="oldest_old")
    for i in range(10):
        r = make(tree, name=f"测试{i}")
        services.tag_assign(actor=root, resident=r, tag=tag, since=dt.date(2024, 1, 1))
    with count_queries() as big:
        resp = client.get("/api/v1/residents", **auth)
    assert resp.json()["count"] == 11
    assert big.count == small.count


def test_households(client, tree, world, token_for):
    auth = token_for("secretary_a1")
    a1 = world["a1"]
    r = post(client, "/api/v1/households", {"house": tree.house_a1.code, "head": a1.pk, "since": "2020-01-01"}, auth)
    assert r.status_code == 201, r.content
    h = r.json()
    assert h["head_id"] == a1.pk and [m["resident_id"] for m in h["members"]] == [a1.pk]
    child = make(tree, name="张小三")
    r = post(
        client,
        f"/api/v1/households/{h['id']}/members",
        {"resident": child.pk, "relation": "child", "since": "2021-01-01"},
        auth,
    )
    assert r.status_code == 201 and len(r.json()["members"]) == 2
    member = HouseholdMember.objects.get(resident=child)
    r = post(client, f"/api/v1/households/{h['id']}/members/{member.pk}/move-out", {"until": "2020-06-01"}, auth)
    assert r.status_code == 400 and "until" in r.json()["error"]["fields"]
    r = post(client, f"/api/v1/households/{h['id']}/members/{member.pk}/move-out", {"until": "2023-06-30"}, auth)
    assert r.status_code == 200
    rows = {m["resident_id"]: m for m in r.json()["members"]}
    assert rows[child.pk]["until"] == "2023-06-30"  # history kept
    listed = client.get(f"/api/v1/households?under={tree.comm_a1.code}", **auth).json()
    assert [x["id"] for x in listed["results"]] == [h["id"]]
    r = post(client, "/api/v1/households", {"house": tree.house_a1.code, "head": world["a2"].pk}, auth)
    assert r.status_code == 400 and "head" in r.json()["error"]["fields"]  # out of scope = unknown
    other = services.household_create(actor=tree.users["district_admin"], house=tree.house_a2, head=world["a2"])
    assert client.get(f"/api/v1/households/{other.pk}", **token_for("grid_a")).status_code == 404
    assert client.get(f"/api/v1/households/{h['id']}", **token_for("grid_a")).status_code == 200
    r = post(
        client,
        f"/api/v1/households/{h['id']}/members",
        {"resident": child.pk, "relation": "child", "since": "2024-01-01"},
        token_for("head_a1"),
    )
    assert r.status_code == 403


@pytest.mark.parametrize(
    "username",
    [
        "district_admin",
        "street_a",
        "secretary_a1",
        "social_a1",
        "grid_a",
        "head_a1",
        "dept_staff",
        "property_staff",
        "resident_a1",
        "nobody",
    ],
)
def test_no_full_number_in_any_api_response(client, tree, world, token_for, username):
    a1 = world["a1"]
    h = services.household_create(actor=tree.users["secretary_a1"], house=tree.house_a1, head=a1)
    auth = token_for(username)
    for url in (
        "/api/v1/residents",
        f"/api/v1/residents?q={ID}",
        f"/api/v1/residents?q={PHONE}",
        f"/api/v1/residents/{a1.pk}",
        f"/api/v1/residents/{world['a2'].pk}",
        "/api/v1/households",
        f"/api/v1/households/{h.pk}",
    ):
        body = client.get(url, **auth).content.decode()
        assert all(s not in body for s in SECRETS), (username, url)
        assert "gAAAAA" not in body, (username, url)
    body = patch(client, f"/api/v1/residents/{a1.pk}", {"notes": "矩阵"}, auth).content.decode()
    assert all(s not in body for s in SECRETS), username


def test_duplicate_outside_scope_is_not_described(client, tree, world, token_for):
    """Issue 11 item 8: the grid worker learns that ID2 is registered, not where, as whom or under which record."""
    auth = token_for("grid_a")
    r = post(client, "/api/v1/residents", {"name": "赵六", "id_number": ID2, "home": tree.house_a1.code}, auth)
    assert r.status_code == 400
    body = json.dumps(r.json(), ensure_ascii=False)
    assert "id_number" in r.json()["error"]["fields"]
    assert world["a2"].id_masked not in body and ID2[-4:] not in body and world["a2"].name not in body
    assert f"#{world['a2'].pk}" not in body and "数据管理员" in body
    mine = world["a1"]
    r = patch(client, f"/api/v1/residents/{mine.pk}", {"id_number": ID2}, auth)
    body = json.dumps(r.json(), ensure_ascii=False)
    assert r.status_code == 400 and ID2[-4:] not in body and f"#{world['a2'].pk}" not in body
