"""Interop: drive our Open311 server with a client library nobody here wrote (``georeport`` 0.3.1, unchanged),
over real HTTP against ``live_server``, in both of its output formats.

georeport covers the service list, service definitions, request lists and single requests. It has no call for
discovery and none for posting a request (it only keeps the ``api_key``), so those two go through ``requests`` —
the HTTP library georeport itself uses — with the key and root address the library holds."""

import pytest
import requests
from georeport import GeoReport

from linli.workorders.models import Case, Source
from linli.workorders.open311 import services as o311

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_against_live_server(live_server, tree, fmt):
    _key, raw = o311.key_issue(actor=tree.users["dispatcher"], name="georeport", place=tree.street_a)
    client = GeoReport(f"{live_server.url}/open311/v2/", jurisdiction="340504", api_key=raw, output_format=fmt)

    # discovery (not in the library): the advertised endpoint is the root the library talks to
    resp = requests.get(f"{client.root_address}/discovery.{fmt}", timeout=10)
    assert resp.status_code == 200
    if fmt == "json":
        assert resp.json()["endpoints"][0]["url"].rstrip("/") == client.root_address

    services = client.get_service_list()
    by_code = {s["service_code"]: s for s in services}
    assert by_code["property-repair"]["service_name"] == "公共设施维修"
    assert by_code["property-repair"]["group"] == "物业管理"
    assert str(by_code["elevator"]["metadata"]).lower() == "true"

    definition = client.get_service_definition("property-repair")
    attributes = definition["attributes"]
    if fmt == "xml":  # xmltodict: <attributes><attribute>…</attribute>…</attributes>
        attributes = attributes["attribute"]
    codes = {a["code"] for a in attributes}
    assert {"case_type", "priority", "confidentiality"} <= codes

    # POST requests.{fmt} (not in the library): form-encoded with the library's api_key
    resp = requests.post(
        f"{client.root_address}/requests.{fmt}",
        timeout=10,
        data={
            "api_key": client.api_key,
            "jurisdiction_id": client.jurisdiction,
            "service_code": "property-repair",
            "address_id": tree.building_a1.code,
            "description": "2栋楼道灯坏了",
            "attribute[case_type]": "help",
            "first_name": "明",
            "last_name": "李",
            "media_url": "https://img.example.com/light.jpg",
        },
    )
    assert resp.status_code == 200, resp.text
    if fmt == "json":
        request_id = resp.json()[0]["service_request_id"]
    else:
        import xmltodict

        request_id = xmltodict.parse(resp.content)["service_requests"]["request"]["service_request_id"]
    case = Case.objects.get(number=request_id)
    assert case.source == Source.OPEN311 and case.reporter_name == "李明"

    # A POST without a valid key is refused in the spec's format.
    resp = requests.post(
        f"{client.root_address}/requests.{fmt}", timeout=10, data={"api_key": "nope", "service_code": "property-repair"}
    )
    assert resp.status_code == 403

    found = client.get_service_requests(service_request_id=request_id)
    if fmt == "xml" and isinstance(found, dict):  # xmltodict gives one <request> as a dict, several as a list
        found = [found]
    assert [r["service_request_id"] for r in found] == [request_id]

    listed = client.get_service_requests(service_code="property-repair", status="open")
    if fmt == "xml" and isinstance(listed, dict):
        listed = [listed]
    assert request_id in [r["service_request_id"] for r in listed]

    one = client.get_service_request(request_id)
    assert one["service_request_id"] == request_id and one["status"] == "open"
    assert one["service_code"] == "property-repair" and one["media_url"] == "https://img.example.com/light.jpg"
    assert "李明" not in str(one)

    with pytest.raises(requests.HTTPError):
        client.get_service_request("00000000")
