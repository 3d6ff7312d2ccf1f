import pytest

from linli.core.validators import credit_code_check_char
from linli.orgs.models import Organisation

pytestmark = pytest.mark.django_db

VALID_CREDIT = "91340500MA2N" + "00001"
VALID_CREDIT = VALID_CREDIT + credit_code_check_char(VALID_CREDIT)


def test_create_property_company_with_compounds(tree, client, token_for):
    h = token_for("district_admin")
    resp = client.post(
        "/api/v1/organisations",
        {
            "kind": "property",
            "name": "雨山物业",
            "area": tree.district.code,
            "credit_code": VALID_CREDIT,
            "contact_phone": "0555-2345678",
            "managed_compounds": [tree.compound_a1.code],
        },
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["managed_compounds"] == [tree.compound_a1.code]


def test_bad_credit_code_phone_and_compounds_write_nothing(tree, client, token_for):
    h = token_for("district_admin")
    n = Organisation.objects.count()
    bad = [
        {"credit_code": VALID_CREDIT[:-1] + ("0" if VALID_CREDIT[-1] != "0" else "1")},
        {"contact_phone": "12345"},
        {"managed_compounds": [tree.building_a1.code]},
        {"kind": "department", "managed_compounds": [tree.compound_a1.code]},
        {"area": tree.building_a1.code},
        {"name": "名" * 101},
    ]
    for override in bad:
        body = {"kind": "property", "name": "坏物业", "area": tree.district.code, **override}
        resp = client.post("/api/v1/organisations", body, content_type="application/json", **h)
        assert resp.status_code == 400, (override, resp.content)
        assert resp.json()["error"]["fields"], override
    assert Organisation.objects.count() == n


def test_department_staff_see_their_own_organisation(tree, client, token_for):
    h = token_for("dept_staff")
    names = {o["name"] for o in client.get("/api/v1/organisations", **h).json()["results"]}
    assert names == {tree.dept.name}


def test_community_sees_district_departments_but_cannot_edit_them(tree, client, token_for):
    h = token_for("secretary_a1")
    names = {o["name"] for o in client.get("/api/v1/organisations", **h).json()["results"]}
    assert tree.dept.name in names
    resp = client.patch(
        f"/api/v1/organisations/{tree.dept.pk}", {"contact_name": "改"}, content_type="application/json", **h
    )
    assert resp.status_code == 403
