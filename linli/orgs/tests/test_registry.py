"""The organisations registry: location in the place tree, search by name or credit code, one record per code."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from linli.accounts.testing import system_user
from linli.core.models import AuditLog
from linli.core.testing import count_queries
from linli.core.validators import credit_code_check_char
from linli.orgs import services
from linli.orgs.models import Organisation, OrgKind

pytestmark = pytest.mark.django_db


def code(body17: str) -> str:
    return body17 + credit_code_check_char(body17)


CODE_A = code("91340504MA2T0P1X1")
CODE_B = code("52340504MA2T0P1X2")


def form(tree, **overrides):
    data = {
        "kind": "stationed",
        "name": "马鞍山市第九中学",
        "short_name": "九中",
        "credit_code": CODE_A,
        "area": tree.comm_a1.code,
        "location": tree.compound_a1.code,
        "managed_compounds": "",
        "contact_name": "",
        "contact_phone": "",
        "address": "湖东中路88号",
    }
    data.update(overrides)
    return data


def test_create_with_location_through_the_page_and_detail_shows_it(tree, client):
    client.force_login(tree.users["secretary_a1"])
    resp = client.post(reverse("orgs:create"), form(tree))
    assert resp.status_code == 302, resp.context["form"].errors
    org = Organisation.objects.get(name="马鞍山市第九中学")
    assert org.location == tree.compound_a1 and org.kind == OrgKind.STATIONED
    row = AuditLog.objects.get(object_type="orgs.organisation", object_id=str(org.pk), action="create")
    assert row.after["location_id"] == tree.compound_a1.pk
    body = client.get(reverse("orgs:detail", args=[org.pk])).content.decode()
    assert "雨秀社区 怡心花园" in body and tree.compound_a1.code in body
    edit = client.get(reverse("orgs:edit", args=[org.pk])).content.decode()
    assert f'value="{tree.compound_a1.code}"' in edit


@pytest.mark.parametrize("where", ["outside_area", "out_of_scope", "unknown", "malformed"])
def test_bad_location_is_a_field_error_and_writes_nothing(tree, client, where):
    client.force_login(tree.users["secretary_a1"])
    location = {
        "outside_area": tree.building_a2.code,  # a building of community A2, the area is A1
        "out_of_scope": tree.house_b1.code,  # street B: the secretary of A1 cannot see it
        "unknown": "340504001001999",
        "malformed": "abc",
    }[where]
    if where == "outside_area":
        client.force_login(tree.users["district_admin"])  # sees A2, but the area served is A1
    n, audits = Organisation.objects.count(), AuditLog.objects.count()
    resp = client.post(reverse("orgs:create"), form(tree, location=location))
    assert resp.status_code == 200
    assert resp.context["form"].errors.get("location"), resp.context["form"].errors
    assert Organisation.objects.count() == n and AuditLog.objects.count() == audits


def test_service_checks_the_location_and_the_credit_code(tree):
    root = system_user()
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(
            actor=root, area=tree.comm_a1, kind="enterprise", name="甲", location=tree.house_b1
        )
    assert "location" in exc.value.message_dict
    org = services.organisation_create(
        actor=root, area=tree.comm_a1, kind="enterprise", name="甲", credit_code=CODE_A.lower(), location=tree.house_a1
    )
    assert org.credit_code == CODE_A
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(actor=root, area=tree.comm_a1, kind="enterprise", name="乙", credit_code=CODE_A)
    assert list(exc.value.message_dict) == ["credit_code"]
    # moving the area away from the location is refused; clearing the location is allowed
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=root, organisation=org, area=tree.comm_b1)
    assert "location" in exc.value.message_dict
    org = services.organisation_update(actor=root, organisation=org, area=tree.comm_b1, location=None)
    assert org.location is None and org.area == tree.comm_b1
    org = services.organisation_update(actor=root, organisation=org, name="甲公司")
    assert org.location is None


def test_api_location_search_and_duplicate_code(tree, client, token_for):
    h = token_for("district_admin")
    body = {
        "kind": "social",
        "name": "雨秀志愿者协会",
        "area": tree.comm_a1.code,
        "credit_code": CODE_B,
        "location": tree.building_a1.code,
    }
    resp = client.post("/api/v1/organisations", body, content_type="application/json", **h)
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["location_code"] == tree.building_a1.code and data["location_name"] == "1栋"

    resp = client.post("/api/v1/organisations", {**body, "name": "另一个协会"}, content_type="application/json", **h)
    assert resp.status_code == 400
    assert "credit_code" in resp.json()["error"]["fields"]

    resp = client.post(
        "/api/v1/organisations",
        {**body, "name": "第三", "credit_code": "", "location": tree.house_b1.code},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 400 and "location" in resp.json()["error"]["fields"]

    found = client.get("/api/v1/organisations", {"q": CODE_B[:10]}, **h).json()["results"]
    assert [o["name"] for o in found] == ["雨秀志愿者协会"]
    found = client.get("/api/v1/organisations", {"q": "志愿者"}, **h).json()["results"]
    assert [o["name"] for o in found] == ["雨秀志愿者协会"]

    resp = client.patch(f"/api/v1/organisations/{data['id']}", {"location": ""}, content_type="application/json", **h)
    assert resp.status_code == 200 and resp.json()["location_code"] is None


def test_page_search_by_credit_code_and_constant_queries(tree, client):
    root = system_user()
    services.organisation_create(
        actor=root, area=tree.comm_a1, kind="enterprise", name="雨秀超市", credit_code=CODE_A, location=tree.house_a1
    )
    client.force_login(tree.users["district_admin"])
    resp = client.get(reverse("orgs:list"), {"q": CODE_A})
    assert [o.name for o in resp.context["object_list"]] == ["雨秀超市"]
    resp = client.get(reverse("orgs:list"), {"q": CODE_A[:8].lower()})
    assert [o.name for o in resp.context["object_list"]] == ["雨秀超市"]
    with count_queries() as small:
        client.get(reverse("orgs:list"))
    for i in range(8):
        services.organisation_create(
            actor=root, area=tree.comm_a1, kind="enterprise", name=f"店{i}", location=tree.compound_a1
        )
    with count_queries() as large:
        client.get(reverse("orgs:list"))
    assert small.count == large.count
