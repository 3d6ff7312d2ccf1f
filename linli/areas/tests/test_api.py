import pytest

pytestmark = pytest.mark.django_db


def test_grid_worker_lists_only_their_grid_buildings(tree, client, token_for):
    headers = token_for("grid_a")
    resp = client.get("/api/v1/places?level=5", **headers)
    assert resp.status_code == 200, resp.content
    codes = {p["code"] for p in resp.json()["results"]}
    assert codes == {tree.building_a1.code}


def test_district_admin_filters_by_place_prefix(tree, client, token_for):
    headers = token_for("district_admin")
    resp = client.get(f"/api/v1/places?under={tree.street_b.code}&level=5", **headers)
    assert {p["code"] for p in resp.json()["results"]} == {tree.building_b1.code}
    assert resp.json()["count"] == 1


def test_bad_input_has_one_error_body_and_writes_nothing(tree, client, token_for):
    from linli.areas.models import Place

    headers = token_for("district_admin")
    n = Place.objects.count()
    for payload in (
        {"parent": tree.street_a.code, "code": "340504002005", "name": "错社区"},  # wrong street prefix
        {"parent": tree.street_a.code, "code": "12", "name": "短"},
        {"parent": tree.street_a.code, "code": tree.comm_a1.code, "name": "重复"},
        {"parent": "abc", "name": "x"},
        {"parent": tree.comm_a1.code, "name": "长" * 61},
        {"parent": tree.comm_a1.code},
    ):
        resp = client.post("/api/v1/places", payload, content_type="application/json", **headers)
        assert resp.status_code == 400, (payload, resp.content)
        body = resp.json()
        assert set(body["error"]) == {"code", "message", "fields"}
        assert body["error"]["fields"], body
    assert Place.objects.count() == n


def test_unauthenticated_gets_401_error_body(client):
    resp = client.get("/api/v1/places")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "unauthenticated"


def test_openapi_is_valid(client):
    from openapi_spec_validator import validate

    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    validate(resp.json())
