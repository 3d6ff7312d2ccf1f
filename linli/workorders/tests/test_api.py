"""/api/v1/workorders: list (filters, scope, constant queries), detail (timeline, reporter), create, steps, 409s."""

import io
import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.workorders import services as wo
from linli.workorders.models import Case, CaseAttachment, State

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workorders"


def report(tree, **kw):
    kw.setdefault("category", "illegal-building")
    kw.setdefault("description", "3栋楼顶有人在搭彩钢棚")
    kw.setdefault("title", "楼顶违章搭建")
    return wo.case_create(actor=tree.users["resident_a1"], place=tree.building_a1, case_type="complaint", **kw)


def post(client, url, data, headers):
    return client.post(url, data, content_type="application/json", **headers)


def test_create_and_walk_through_the_api(tree, client, token_for):
    resident, secretary, prop = token_for("resident_a1"), token_for("secretary_a1"), token_for("property_staff")
    resp = post(
        client,
        f"{BASE}/cases",
        {
            "category": "property-repair",
            "title": "楼道灯坏了",
            "description": "<b>2栋</b>楼道灯不亮",
            "place": tree.building_a1.code,
            "case_type": "help",
        },
        resident,
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    pk = body["id"]
    assert body["state"] == "accepted" and body["description"] == "<b>2栋</b>楼道灯不亮"  # as stored, not rendered
    assert body["allowed_actions"] == ["cancel"] and body["reporter"]["name"]
    assert resp["Content-Type"].startswith("application/json")

    # A step the state machine does not offer: 409 naming the allowed ones.
    resp = post(client, f"{BASE}/cases/{pk}/complete", {"reply": "x"}, secretary)
    assert resp.status_code == 409
    err = resp.json()["error"]
    assert err["code"] == "conflict" and err["allowed"] == ["whistle", "dispatch", "cancel", "merge"]
    assert "dispatch" in err["message"] and "whistle" in err["message"]

    resp = post(client, f"{BASE}/cases/{pk}/dispatch", {"lead_org": tree.property_co.pk}, secretary)
    assert resp.status_code == 200, resp.content
    assert resp.json()["state"] == "dispatched" and resp.json()["lead_org_name"] == tree.property_co.name
    for step, data in (("sign", {}), ("start", {}), ("complete", {"reply": "已更换灯泡"})):
        resp = post(client, f"{BASE}/cases/{pk}/{step}", data, prop)
        assert resp.status_code == 200, (step, resp.content)
    resp = post(client, f"{BASE}/cases/{pk}/evaluate", {"verdict": "satisfied", "reasons": ["处理及时"]}, resident)
    assert resp.status_code == 200 and resp.json()["verdict"] == "satisfied"
    resp = post(client, f"{BASE}/cases/{pk}/archive", {}, secretary)
    assert resp.status_code == 200 and resp.json()["state"] == "archived"
    actions = [e["action"] for e in resp.json()["timeline"]]
    assert actions == ["create", "dispatch", "sign", "start", "complete", "evaluate", "archive"]
    # Archived: nothing left to do, and the 409 says so.
    resp = post(client, f"{BASE}/cases/{pk}/cancel", {"reason": "x"}, secretary)
    assert resp.status_code == 409 and resp.json()["error"]["allowed"] == []


def test_bad_input_is_400_with_fields_and_changes_nothing(tree, client, token_for):
    headers = token_for("resident_a1")
    before = Case.objects.count()
    good = {"category": "noise", "title": "噪音", "description": "夜间施工", "place": tree.building_a1.code}
    resp = post(client, f"{BASE}/cases", {**good, "description": "x" * 4001}, headers)
    assert resp.status_code == 400 and "description" in resp.json()["error"]["fields"]
    resp = post(client, f"{BASE}/cases", {**good, "category": "no-such"}, headers)
    assert resp.status_code == 400 and "category" in resp.json()["error"]["fields"]
    resp = post(client, f"{BASE}/cases", {**good, "place": "999999999999"}, headers)
    assert resp.status_code == 400 and "place" in resp.json()["error"]["fields"]
    # A resident files as themselves: a reporter's phone from them is refused (代办 is for staff; #11 item 14).
    resp = post(client, f"{BASE}/cases", {**good, "reporter_phone": "12345"}, headers)
    assert resp.status_code == 400 and {"reporter_name", "reporter_phone"} & set(resp.json()["error"]["fields"])
    # Another street's building: not the resident's to report.
    resp = post(client, f"{BASE}/cases", {**good, "place": tree.building_b1.code}, headers)
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    resp = client.post(f"{BASE}/cases", "not json", content_type="application/json", **headers)
    assert resp.status_code == 400
    assert Case.objects.count() == before


def test_scope_permissions_and_404(tree, client, token_for):
    case = report(tree)
    other = wo.case_create(
        actor=tree.users["district_admin"],
        category="noise",
        title="噪音",
        description="d",
        place=tree.building_b1,
        source="hotline",
    )
    # role × scope: who finds the case at all (404 out of scope), who may act (403 / 409)
    expect = {
        "secretary_a1": 200,
        "street_a": 200,
        "dispatcher": 200,
        "grid_a": 200,
        "resident_a1": 200,
        "dept_staff": 404,
        "property_staff": 404,
        "nobody": 404,
    }
    for username, status in expect.items():
        resp = client.get(f"{BASE}/cases/{case.pk}", **token_for(username))
        assert resp.status_code == status, (username, resp.status_code)
    resp = client.get(f"{BASE}/cases/{other.pk}", **token_for("secretary_a1"))
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
    # In scope but not this actor's step: 409 naming what they may do (nothing for a grid worker).
    resp = post(client, f"{BASE}/cases/{case.pk}/dispatch", {}, token_for("grid_a"))
    assert resp.status_code == 409 and resp.json()["error"]["allowed"] == []
    # Not a transition: the service's PermissionDenied is a 403.
    resp = post(client, f"{BASE}/cases/{case.pk}/supervise", {"note": "请加快"}, token_for("resident_a1"))
    assert resp.status_code == 403
    resp = post(client, f"{BASE}/cases/{case.pk}/supervise", {"note": "请加快"}, token_for("street_a"))
    assert resp.status_code == 200 and resp.json()["supervised"] is True
    assert client.get(f"{BASE}/cases").status_code == 401


def test_confidential_reporter_hidden_from_handlers_and_private_notes_from_the_reporter(tree, client, token_for):
    from linli.accounts.testing import system_user
    from linli.registry import services as reg

    own = reg.resident_create(actor=system_user(), name="刘居民", home=tree.house_a1, phone="13912345678")
    type(own).objects.filter(pk=own.pk).update(account=tree.users["resident_a1"])  # the phone comes from here
    case = report(tree, confidentiality="confidential")
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_note(actor=tree.users["secretary_a1"], case=case, note="内部：该户曾多次投诉", public=False)
    body = client.get(f"{BASE}/cases/{case.pk}", **token_for("property_staff")).json()
    assert body["reporter"] is None and "13912345678" not in str(body)
    body = client.get(f"{BASE}/cases/{case.pk}", **token_for("secretary_a1")).json()
    assert body["reporter"]["phone_masked"] == "139****5678"
    assert any(not e["public"] for e in body["timeline"])
    body = client.get(f"{BASE}/cases/{case.pk}", **token_for("resident_a1")).json()
    assert all(e["public"] for e in body["timeline"]) and "多次投诉" not in str(body)
    assert body["assignments"] == []


def test_list_filters_and_constant_query_count(tree, client, token_for):
    headers = token_for("secretary_a1")
    a = report(tree)
    b = report(tree, category="noise")
    wo.case_whistle(actor=tree.users["secretary_a1"], case=b, note="需区级协调")
    wo.case_dispatch(actor=tree.users["dispatcher"], case=b, lead_org=tree.dept)
    Case.objects.filter(pk=b.pk).update(sign_due="2020-01-01T00:00:00Z")

    def ids(query=""):
        resp = client.get(f"{BASE}/cases{query}", **headers)
        assert resp.status_code == 200, resp.content
        return {r["id"] for r in resp.json()["results"]}

    assert ids() == {a.pk, b.pk}
    assert ids("?state=accepted") == {a.pk}
    assert ids("?state=accepted&state=dispatched") == {a.pk, b.pk}
    assert ids("?category=noise") == {b.pk}
    assert ids("?category=illegal-building") == {a.pk}
    assert ids("?level=district") == {b.pk}
    assert ids("?overdue=true") == {b.pk}
    assert ids("?overdue=false") == {a.pk}
    assert ids(f"?under={tree.building_a1.code}") == {a.pk, b.pk}
    assert ids(f"?under={tree.building_a1b.code}") == set()
    resp = client.get(f"{BASE}/cases?under={tree.comm_a2.code}", **headers)  # not the secretary's community
    assert resp.status_code == 400 and "under" in resp.json()["error"]["fields"]
    today = timezone.localdate(a.created_at).isoformat()  # the filter counts days in Asia/Shanghai
    assert ids(f"?created_from={today}&created_to={today}") == {a.pk, b.pk}
    assert ids("?created_to=2020-01-01") == set()
    resp = client.get(f"{BASE}/cases?created_from=2026-02-01&created_to=2026-01-01", **headers)
    assert resp.status_code == 400
    resp = client.get(f"{BASE}/cases?state=bogus", **headers)
    assert resp.status_code == 400

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{BASE}/cases?page_size=100", **headers).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _ in range(15):
        c = report(tree, category="dogs")
        wo.case_dispatch(actor=tree.users["secretary_a1"], case=c, lead_org=tree.property_co)
    assert count() == small


def test_reference_lists(tree, client, token_for):
    headers = token_for("resident_a1")
    cats = client.get(f"{BASE}/categories", **headers).json()
    assert {"code": "elevator", "name": "电梯"}.items() <= next(c for c in cats if c["code"] == "elevator").items()
    levels = client.get(f"{BASE}/verdict-levels", **headers).json()
    assert [v["code"] for v in levels] == ["satisfied", "basic", "unsatisfied"]
    assert "问题未解决" in levels[2]["reasons"]


def test_whistle_merge_notes_extensions_urge(tree, client, token_for):
    secretary, prop, dispatcher = token_for("secretary_a1"), token_for("property_staff"), token_for("dispatcher")
    case, dup = report(tree), report(tree)
    resp = post(client, f"{BASE}/cases/{dup.pk}/merge", {"into": case.pk}, secretary)
    assert resp.status_code == 200 and resp.json()["state"] == "merged" and resp.json()["merged_into"] == case.number
    resp = post(client, f"{BASE}/cases/{case.pk}/merge", {"into": 999999}, secretary)
    assert resp.status_code == 400 and "into" in resp.json()["error"]["fields"]
    resp = post(client, f"{BASE}/cases/{case.pk}/whistle", {"note": ""}, secretary)
    assert resp.status_code == 400 and "note" in resp.json()["error"]["fields"]
    assert (
        post(client, f"{BASE}/cases/{case.pk}/dispatch", {"lead_org": tree.property_co.pk}, secretary).status_code
        == 200
    )
    assert post(client, f"{BASE}/cases/{case.pk}/sign", {}, prop).status_code == 200
    resp = post(client, f"{BASE}/cases/{case.pk}/notes", {"note": "已联系施工方"}, prop)
    assert resp.status_code == 201 and resp.json()["action"] == "note"
    resp = post(client, f"{BASE}/cases/{case.pk}/extensions", {"days": 3, "reason": "需采购"}, prop)
    assert resp.status_code == 201, resp.content
    ext = resp.json()["id"]
    resp = post(client, f"{BASE}/cases/{case.pk}/extensions/{ext}/decide", {"approve": True}, prop)
    assert resp.status_code == 403
    resp = post(client, f"{BASE}/cases/{case.pk}/extensions/{ext}/decide", {"approve": True}, secretary)
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    resp = post(client, f"{BASE}/cases/{case.pk}/extensions/999999/decide", {"approve": True}, secretary)
    assert resp.status_code == 404
    resp = post(client, f"{BASE}/cases/{case.pk}/urge", {"note": "请尽快"}, dispatcher)
    assert resp.status_code == 200
    resp = post(client, f"{BASE}/cases/{case.pk}/return", {"reason": "不属于物业职责"}, prop)
    assert resp.status_code == 200 and resp.json()["state"] == "accepted"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def test_attachments_multipart(tree, client, token_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = report(tree)
    headers = token_for("resident_a1")
    resp = client.post(
        f"{BASE}/cases/{case.pk}/attachments", {"files": [SimpleUploadedFile("a.png", _png(), "image/png")]}, **headers
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()[0]["content_type"] == "image/png"
    resp = client.post(
        f"{BASE}/cases/{case.pk}/attachments",
        {"files": [SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", "image/png")]},
        **headers,
    )
    assert resp.status_code == 400 and "attachments" in resp.json()["error"]["fields"]
    resp = client.post(
        f"{BASE}/cases/{case.pk}/attachments",
        {"kind": "after", "files": [SimpleUploadedFile("a.png", _png(), "image/png")]},
        **headers,
    )
    assert resp.status_code == 400
    resp = client.post(
        f"{BASE}/cases/{case.pk}/attachments",
        {"files": [SimpleUploadedFile("a.png", _png(), "image/png")]},
        **token_for("grid_a"),
    )
    assert resp.status_code == 403
    assert CaseAttachment.objects.filter(case=case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_signs_exactly_one_wins(tree, token_for):
    """Two staff of the lead department press 签收 at the same moment: one 200, one 409."""
    from linli.accounts import services as acc
    from linli.accounts.testing import PASSWORD, system_user

    second = acc.user_create(actor=system_user(), username="prop2", password=PASSWORD, home=tree.district)
    acc.binding_add(actor=system_user(), user=second, role="property_staff", organisation=tree.property_co)
    case = report(tree)
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    headers = [token_for("property_staff"), token_for("prop2")]
    barrier = threading.Barrier(2)
    results = []

    sqlite = connection.vendor == "sqlite"

    def press(h):
        try:
            barrier.wait(timeout=10)
            resp = Client().post(f"{BASE}/cases/{case.pk}/sign", {}, content_type="application/json", **h)
            if sqlite and resp.status_code == 503:
                # The in-memory test database is SQLite's shared cache, whose table locks fail at once
                # (SQLITE_LOCKED, an OperationalError answered 503 "try again" like any database error) instead
                # of waiting like a file database with IMMEDIATE transactions does in
                # production. Waiting is what a real SQLite would have done: ask again once the other is done.
                barrier.wait(timeout=10)
                resp = Client().post(f"{BASE}/cases/{case.pk}/sign", {}, content_type="application/json", **h)
            elif sqlite:
                barrier.wait(timeout=10)
            results.append((resp.status_code, resp.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(h,)) for h in headers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(code for code, _ in results)
    assert codes == [200, 409], results
    loser = next(body for code, body in results if code == 409)
    assert loser["error"]["code"] == "conflict"
    assert Case.objects.get(pk=case.pk).state == State.SIGNED
    assert Case.objects.get(pk=case.pk).events.filter(action="sign").count() == 1


def test_create_costs_a_fixed_small_number_of_queries(tree, client, token_for):
    headers = token_for("resident_a1")
    data = {"category": "noise", "title": "噪音", "description": "夜间施工", "place": tree.building_a1.code}
    post(client, f"{BASE}/cases", data, headers)
    with CaptureQueriesContext(connection) as ctx:
        resp = post(client, f"{BASE}/cases", data, headers)
    assert resp.status_code == 201 and resp.json()["timeline"][0]["action"] == "create"
    # token, place, category, role bindings, the resident's own record (the reporter), case INSERT, number UPDATE,
    # timeline + audit INSERTs, the outbox event INSERT (delivered after commit) (+ savepoint pair)
    assert len(ctx.captured_queries) <= 12


@pytest.mark.parametrize("source", ["iot", "open311"])
def test_sources_reserved_to_the_system_are_refused(tree, client, token_for, source):
    headers = token_for("secretary_a1")
    data = {
        "category": "noise",
        "title": "噪音",
        "description": "夜间施工",
        "place": tree.building_a1.code,
        "source": source,
    }
    resp = post(client, f"{BASE}/cases", data, headers)
    assert resp.status_code == 400, resp.content
    assert "source" in resp.json()["error"]["fields"]
    assert not Case.objects.exists()
    resp = post(client, f"{BASE}/cases", {**data, "source": "hotline", "external_ref": "12345-001"}, headers)
    assert resp.status_code == 201 and resp.json()["source"] == "hotline"
