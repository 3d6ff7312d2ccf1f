"""What residents type reaches the public Open311 feed safely (issue #11 items 6 and 7): control characters are
cleaned on the way in and stripped on the way out, so one report cannot break the XML feed for every consumer;
personal numbers are masked however they are written."""

from xml.etree import ElementTree as ET

import pytest

from linli.workorders import services as wo
from linli.workorders.models import Case, CaseEvent
from linli.workorders.open311 import services as o311

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


def test_control_characters_are_cleaned_when_a_case_is_created(tree):
    case = wo.case_create(
        actor=tree.users["secretary_a1"],
        category="municipal-light",
        title="路灯\x00不亮\x1b",
        description="灯\x00\x01\x1b坏了\n第二行\t完",
        place=tree.building_a1,
        source="counter",
        address="1号楼\x0b门口",
        reporter_name="王\x01小明",
    )
    case.refresh_from_db()
    assert case.title == "路灯不亮" and case.description == "灯坏了\n第二行\t完"
    assert case.address == "1号楼门口" and case.reporter_name == "王小明"
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_sign(actor=tree.users["property_staff"], case=case, note="已安排\x07电工")
    assert case.events.filter(note="已安排电工").exists()


def test_a_report_posted_with_control_characters_keeps_the_feed_readable(tree, client):
    _key, raw = o311.key_issue(actor=tree.users["dispatcher"], name="12345 app", place=tree.street_a)
    resp = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": raw,
            "service_code": "property-repair",
            "address_id": tree.building_a1.code,
            "description": "楼道灯\x01\x1b坏了",
            "first_name": "小\x02明",
        },
    )
    assert resp.status_code == 200, resp.content
    case = Case.objects.get(number=resp.json()[0]["service_request_id"])
    assert case.description == "楼道灯坏了" and "\x02" not in case.reporter_name
    root = ET.fromstring(client.get(f"{BASE}/requests.xml").content)
    assert "楼道灯坏了" in [r.findtext("description") for r in root.iter("request")]


def test_a_stored_row_with_control_characters_does_not_break_the_xml_feed(tree, client):
    case = wo.case_create(
        actor=tree.users["secretary_a1"],
        category="property-repair",
        title="楼道灯",
        description="楼道灯坏了",
        place=tree.building_a1,
        source="counter",
        reporter_name="王小明",
    )
    # written before input was cleaned (PostgreSQL text cannot hold NUL itself; the other controls it can)
    Case.objects.filter(pk=case.pk).update(description="灯\x01坏\x1b了 电话138.1234.5678")
    CaseEvent.objects.filter(case=case, action="create").update(note="已\x0b安排", public=True)
    for url in (f"{BASE}/requests.xml", f"{BASE}/requests/{case.number}.xml"):
        resp = client.get(url)
        assert resp.status_code == 200
        root = ET.fromstring(resp.content)  # parses: nothing XML 1.0 cannot hold
        request = next(r for r in root.iter("request") if r.findtext("service_request_id") == case.number)
        assert request.findtext("description") == "灯坏了 电话138****5678"
        assert request.findtext("status_notes") == "已安排"
    doc = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert doc[0]["description"] == "灯\x01坏\x1b了 电话138****5678"  # JSON escapes them
