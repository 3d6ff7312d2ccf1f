"""Open311 GeoReport v2 at /open311/v2/: discovery, services, definitions, POST with api_key, GET with every
filter, tokens, JSON and XML, the spec's error bodies, keys issued and revoked (audited), nothing private leaks."""

import datetime as dt
import json
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import timezone

from linli.core.models import AuditLog
from linli.workorders import services as wo
from linli.workorders.models import Case, Category, Open311Key, Source
from linli.workorders.open311 import services as o311

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


@pytest.fixture
def key(tree):
    key, raw = o311.key_issue(actor=tree.users["dispatcher"], name="12345 app", place=tree.street_a)
    key.raw = raw
    return key


@pytest.fixture
def located(tree):
    """Buildings with coordinates: A1's compound near (31.650, 118.500), A2's about 2 km north."""
    from linli.areas.models import Place

    Place.objects.filter(pk=tree.building_a1.pk).update(latitude=Decimal("31.650000"), longitude=Decimal("118.500000"))
    Place.objects.filter(pk=tree.building_a2.pk).update(latitude=Decimal("31.668000"), longitude=Decimal("118.500000"))
    Place.objects.filter(pk=tree.building_b1.pk).update(latitude=Decimal("31.650500"), longitude=Decimal("118.500500"))
    return tree


def errors_of(resp, fmt="json"):
    if fmt == "xml":
        root = ET.fromstring(resp.content)
        assert root.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]
    return [(e["code"], e["description"]) for e in resp.json()]


def post(client, fmt="json", **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def test_discovery_and_services_in_both_formats(tree, client):
    doc = client.get(f"{BASE}/discovery.json").json()
    assert doc["endpoints"][0]["url"].endswith("/open311/v2/")
    assert doc["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    root = ET.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/specification").text.startswith("http")

    resp = client.get(f"{BASE}/services.json")
    assert resp["Content-Type"].startswith("application/json")
    services = resp.json()
    codes = [s["service_code"] for s in services]
    assert "elevator" in codes and "property-repair" in codes
    repair = next(s for s in services if s["service_code"] == "property-repair")
    assert repair == {
        "service_code": "property-repair",
        "service_name": "公共设施维修",
        "description": "公共设施维修",
        "metadata": True,
        "type": "realtime",
        "keywords": "物业管理",
        "group": "物业管理",
    }
    Category.objects.filter(code="elevator").update(is_public=False)
    Category.objects.filter(code="noise").update(is_active=False)
    codes = [s["service_code"] for s in client.get(f"{BASE}/services.json").json()]
    assert "elevator" not in codes and "noise" not in codes

    xml = client.get(f"{BASE}/services.xml")
    assert xml["Content-Type"].startswith("text/xml")
    assert xml.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(xml.content)
    assert root.tag == "services"
    first = root.find("service")
    assert first.findtext("metadata") == "true" and first.findtext("type") == "realtime"


def test_service_definition(tree, client):
    doc = client.get(f"{BASE}/services/property-repair.json").json()
    assert doc["service_code"] == "property-repair"
    attrs = {a["code"]: a for a in doc["attributes"]}
    assert set(attrs) == {"case_type", "priority", "confidentiality"}
    assert attrs["case_type"]["datatype"] == "singlevaluelist" and attrs["case_type"]["variable"] is True
    assert {"key": "complaint"}.items() <= attrs["case_type"]["values"][2].items()
    root = ET.fromstring(client.get(f"{BASE}/services/property-repair.xml").content)
    assert root.tag == "service_definition"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")][:2] == ["consult", "help"]
    resp = client.get(f"{BASE}/services/no-such.xml")
    assert resp.status_code == 404 and errors_of(resp, "xml")[0][0] == 404
    Category.objects.filter(code="elevator").update(is_public=False)
    assert client.get(f"{BASE}/services/elevator.json").status_code == 404


def test_post_needs_a_valid_key(tree, client, key):
    good = {"service_code": "property-repair", "address_id": tree.building_a1.code, "description": "楼道灯坏了"}
    before = Case.objects.count()
    for fmt in ("json", "xml"):
        resp = post(client, fmt, **good)
        assert resp.status_code == 403 and errors_of(resp, fmt)[0][0] == 403
        resp = post(client, fmt, api_key="wrong", **good)
        assert resp.status_code == 403
    o311.key_revoke(actor=tree.users["district_admin"], key=key)
    resp = post(client, api_key=key.raw, **good)
    assert resp.status_code == 403
    assert Case.objects.count() == before


def test_post_by_address_id_then_read_it_back(tree, client, key):
    resp = post(
        client,
        api_key=key.raw,
        service_code="property-repair",
        address_id=tree.building_a1.code,
        description="<script>alert(1)</script> 楼道灯坏了",
        first_name="小明",
        last_name="王",
        phone="13912345678",
        email="wang@example.com",
        media_url="https://img.example.com/a.jpg",
        **{"attribute[case_type]": "complaint", "attribute[priority]": "urgent"},
    )
    assert resp.status_code == 200, resp.content
    answer = resp.json()[0]
    case = Case.objects.get(number=answer["service_request_id"])
    assert case.source == Source.OPEN311 and case.place == tree.building_a1 and case.case_type == "complaint"
    assert case.priority == "urgent" and case.reporter_name == "王小明" and case.reporter_phone_masked == "139****5678"
    assert case.open311.media_url == "https://img.example.com/a.jpg" and case.open311.key == key
    assert AuditLog.objects.filter(action="create", object_id=str(case.pk)).exists()

    # The token maps to the id (we answer synchronously).
    doc = client.get(f"{BASE}/tokens/{answer['token']}.json").json()
    assert doc == [{"service_request_id": case.number, "token": answer["token"]}]
    assert client.get(f"{BASE}/tokens/nope.json").status_code == 404

    # Handled by the property company: open → closed, expected = the handling deadline, agency = the lead.
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_note(actor=tree.users["secretary_a1"], case=case, note="内部：回访电话 13912345678", public=False)
    wo.case_sign(actor=tree.users["property_staff"], case=case, note="已安排电工")
    doc = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert len(doc) == 1
    req = doc[0]
    assert req["status"] == "open" and req["status_notes"] == "已安排电工"
    assert req["agency_responsible"] == tree.property_co.name
    assert req["expected_datetime"] and req["expected_datetime"].endswith("+08:00")
    assert dt.datetime.fromisoformat(req["expected_datetime"]) == case.handle_due.replace(microsecond=0)
    assert req["requested_datetime"].endswith("+08:00") and req["media_url"] == "https://img.example.com/a.jpg"
    assert req["description"] == "<script>alert(1)</script> 楼道灯坏了"  # data, returned as-is, never rendered
    assert req["address_id"] == tree.building_a1.code and req["service_code"] == "property-repair"
    text = json.dumps(doc, ensure_ascii=False)
    for private in ("王小明", "13912345678", "139****5678", "回访电话", "wang@example.com"):
        assert private not in text
    wo.case_complete(actor=tree.users["property_staff"], case=case, reply="已更换灯泡")
    root = ET.fromstring(client.get(f"{BASE}/requests/{case.number}.xml").content)
    assert root.tag == "service_requests"
    assert root.findtext("request/status") == "closed" and root.findtext("request/status_notes") == "已更换灯泡"
    assert client.get(f"{BASE}/requests/00000.json").status_code == 404


def test_post_by_lat_long_finds_the_nearest_compound_in_the_keys_area(located, client, key):
    tree = located
    resp = post(
        client, api_key=key.raw, service_code="noise", lat="31.650100", long="118.500050", description="夜间施工噪音"
    )
    assert resp.status_code == 200, resp.content
    case = Case.objects.get(number=resp.json()[0]["service_request_id"])
    # building B1 is nearer but in street B, outside the key's area; A1's compound wins.
    assert case.place == tree.compound_a1 and case.lat == Decimal("31.650100")
    resp = post(client, api_key=key.raw, service_code="noise", lat="31.900000", long="118.900000", description="x")
    assert resp.status_code == 400
    resp = post(client, api_key=key.raw, service_code="noise", lat="31.65", description="x")
    assert resp.status_code == 400
    resp = post(client, api_key=key.raw, service_code="noise", lat="abc", long="1", description="x")
    assert resp.status_code == 400


def test_post_by_address_string(tree, client, key):
    resp = post(
        client,
        api_key=key.raw,
        service_code="noise",
        address_string="平湖街道怡心花园3栋楼下",
        description="广场舞噪音",
    )
    assert resp.status_code == 200, resp.content
    case = Case.objects.get(number=resp.json()[0]["service_request_id"])
    assert case.place == tree.compound_a1 and case.address == "平湖街道怡心花园3栋楼下"
    resp = post(client, api_key=key.raw, service_code="noise", address_string="半山花园", description="x")
    assert resp.status_code == 400  # street B: not this key's area


def test_post_bad_input_is_400_in_the_spec_format_and_changes_nothing(tree, client, key):
    before = Case.objects.count()
    good = {"api_key": key.raw, "service_code": "noise", "address_id": tree.building_a1.code, "description": "x"}
    bad = [
        {"service_code": ""},
        {"service_code": "no-such"},
        {"address_id": ""},
        {"address_id": tree.building_b1.code},  # outside the key's area
        {"address_id": "abc"},
        {"description": "长" * 4001},
        {"media_url": "javascript:alert(1)"},
        {"media_url": "https://" + "a" * 1000 + ".com"},
        {"attribute[case_type]": "bribe"},
        {"phone": "12345"},
        {"first_name": "x" * 60},
    ]
    for change in bad:
        for fmt in ("json", "xml"):
            resp = post(client, fmt, **{**good, **change})
            assert resp.status_code == 400, (change, resp.content)
            (code, description), *_ = errors_of(resp, fmt)
            assert code == 400 and description
    Category.objects.filter(code="noise").update(is_public=False)
    assert post(client, **good).status_code == 400
    assert Case.objects.count() == before


def test_get_requests_filters(tree, client, key):
    def make(code, **kw):
        resp = post(client, api_key=key.raw, service_code=code, address_id=tree.building_a1.code, description="d", **kw)
        return Case.objects.get(number=resp.json()[0]["service_request_id"])

    a, _b, c = make("noise"), make("dogs"), make("noise")
    wo.case_cancel(actor=tree.users["secretary_a1"], case=c, reason="重复")
    old = make("noise")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=120))
    hidden = wo.case_create(
        actor=tree.users["secretary_a1"],
        category="noise",
        title="t",
        description="d",
        place=tree.building_a1,
        source="patrol",
    )
    Category.objects.filter(code="dogs").update(is_public=False)

    def ids(query="", fmt="json"):
        resp = client.get(f"{BASE}/requests.{fmt}{query}")
        assert resp.status_code == 200, resp.content
        if fmt == "xml":
            return {r.findtext("service_request_id") for r in ET.fromstring(resp.content).findall("request")}
        return {r["service_request_id"] for r in resp.json()}

    assert ids() == {a.number, c.number, hidden.number}  # 90 days by default; public categories only
    assert ids(fmt="xml") == ids()
    assert ids("?status=open") == {a.number, hidden.number}
    assert ids("?status=closed") == {c.number}
    assert ids("?status=open,closed") == {a.number, c.number, hidden.number}
    assert ids("?service_code=dogs") == set()
    assert ids(f"?service_request_id={old.number},{a.number}&status=closed") == {old.number, a.number}
    start = (timezone.now() - dt.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - dt.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert ids(f"?start_date={start}&end_date={end}") == {old.number}
    assert ids(f"?start_date={start}") == {old.number}
    assert len(ids("?page_size=1")) == 1 and ids("?page_size=1&page=2") != ids("?page_size=1")
    for bad in (
        "?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "?start_date=yesterday",
        "?end_date=2026-01-01&start_date=2026-02-01",
        "?status=pending",
        "?page=0",
        "?page_size=5000",
        "?page=x",
    ):
        for fmt in ("json", "xml"):
            resp = client.get(f"{BASE}/requests.{fmt}{bad}")
            assert resp.status_code == 400, (bad, resp.content)
            assert errors_of(resp, fmt)[0][0] == 400


def test_get_requests_query_count_is_constant(tree, client, key):
    from linli.core.testing import count_queries

    def count():
        with count_queries() as q:
            assert client.get(f"{BASE}/requests.json").status_code == 200
        return q.count

    post(client, api_key=key.raw, service_code="noise", address_id=tree.building_a1.code, description="d")
    small = count()
    for _ in range(10):
        case = wo.case_create(
            actor=tree.users["secretary_a1"],
            category="noise",
            title="t",
            description="d",
            place=tree.building_a1,
            source="patrol",
        )
        wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    assert count() == small


def test_unknown_format_method_and_garbage_never_5xx(tree, client, key):
    assert client.get(f"{BASE}/services.html").status_code == 404
    resp = client.delete(f"{BASE}/requests.json")
    assert resp.status_code == 405 and errors_of(resp)[0][0] == 405
    for query in (
        "?start_date=%00",
        "?service_request_id=" + "9" * 500,
        "?start_date=9999-99-99",
        "?start_date=0001-01-01T00:00:00-23:59",
        "?page_size=-1",
    ):
        assert client.get(f"{BASE}/requests.json{query}").status_code < 500
    resp = client.post(f"{BASE}/requests.json", data=b"\xff\xfe", content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 403


def test_keys_page_command_and_audit(tree, client):
    client.force_login(tree.users["secretary_a1"])
    assert client.get(f"{BASE}/keys/").status_code == 403
    client.force_login(tree.users["dispatcher"])
    resp = client.get(f"{BASE}/keys/")
    assert resp.status_code == 200
    resp = client.post(f"{BASE}/keys/", {"name": "城市服务App", "place": tree.district.code})
    assert resp.status_code == 200 and not resp.context["errors"], resp.context["errors"]
    key = Open311Key.objects.get(name="城市服务App")
    raw = resp.context["raw"]
    assert raw and key.key_hash == Open311Key.hash(raw) and raw not in str(AuditLog.objects.values_list())
    assert AuditLog.objects.filter(action="open311_key_issue", object_id=str(key.pk)).exists()
    assert not key.account.has_usable_password() or not key.account.check_password("")
    assert key.account.rolebindings.count() == 0 if hasattr(key.account, "rolebindings") else True
    resp = client.post(f"{BASE}/keys/", {"name": "", "place": tree.district.code})
    assert resp.status_code == 200 and resp.context["errors"]["name"]
    resp = client.post(f"{BASE}/keys/{key.pk}/revoke")
    assert resp.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at and key.revoked_by == tree.users["dispatcher"]
    assert AuditLog.objects.filter(action="open311_key_revoke", object_id=str(key.pk)).exists()
    client.force_login(tree.users["district_admin"])
    assert client.post(f"{BASE}/keys/{key.pk}/revoke").status_code == 302

    from io import StringIO

    out = StringIO()
    call_command(
        "open311_keys", "issue", "--name", "cli", "--place", tree.comm_a1.code, "--by", "district_admin", stdout=out
    )
    cli = Open311Key.objects.get(name="cli")
    assert cli.key_hash == Open311Key.hash(out.getvalue().strip().splitlines()[-1])
    call_command("open311_keys", "revoke", "--prefix", cli.prefix, "--by", "district_admin", stdout=out)
    cli.refresh_from_db()
    assert cli.revoked_at is not None
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("open311_keys", "issue", "--name", "x", "--place", tree.comm_a1.code, "--by", "resident_a1")
