"""The phone pages and the API of 红色物业."""

from __future__ import annotations

from decimal import Decimal

from linli.property.models import EvaluationAnswer, ServiceContract
from linli.property.tests.test_property import contract, household_for, open_round


def test_public_compound_page_shows_contract_fees_and_evaluation(client, tree):
    contract(tree)
    rnd = open_round(tree)
    resp = client.get(f"/property/compound/{tree.compound_a1.pk}/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert tree.property_co.name in body and "0555-2345678" in body and "1.20" in body
    assert f"/property/evaluate/{rnd.pk}/" in body


def test_resident_evaluates_from_the_phone(client, tree):
    rnd = open_round(tree)
    household_for(tree)
    client.force_login(tree.users["resident_a1"])
    items = list(rnd.items.all())
    resp = client.post(f"/property/evaluate/{rnd.pk}/", {f"item_{items[0].pk}": "5"})
    assert resp.status_code == 200 and EvaluationAnswer.objects.count() == 0  # a question unanswered
    resp = client.post(f"/property/evaluate/{rnd.pk}/", {f"item_{i.pk}": "4" for i in items})
    assert resp.status_code == 302 and EvaluationAnswer.objects.count() == 1


def test_staff_record_contract_with_pickers(client, tree):
    client.force_login(tree.users["secretary_a1"])
    assert client.get("/property/manage/contracts/new/").status_code == 200
    resp = client.post(
        "/property/manage/contracts/new/",
        {
            "company": tree.property_co.pk,
            "compound": tree.compound_a1.code,
            "starts_on": "2026-01-01",
            "ends_on": "2028-12-31",
            "standard": "2",
            "hotline": "0555-2345678",
            "fee_residential": "1.35",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    c = ServiceContract.objects.get()
    assert c.fees.get().rate == Decimal("1.35")
    assert client.get("/property/manage/").status_code == 200


def test_manage_forbidden_for_residents(client, tree):
    client.force_login(tree.users["resident_a1"])
    assert client.get("/property/manage/").status_code == 403
    assert client.get("/property/manage/contracts/new/").status_code == 403


def test_round_results_page_and_out_of_scope(client, tree):
    rnd = open_round(tree)
    client.force_login(tree.users["secretary_a1"])
    assert client.get(f"/property/manage/rounds/{rnd.pk}/").status_code == 200
    client.force_login(tree.users["dept_staff"])
    assert client.get(f"/property/manage/rounds/{rnd.pk}/").status_code == 404


def test_api_compound_and_answer(client, tree, token_for):
    contract(tree)
    rnd = open_round(tree)
    household_for(tree)
    headers = token_for("resident_a1")
    data = client.get(f"/api/v1/property/compounds/{tree.compound_a1.pk}", **headers).json()
    assert data["company"] == tree.property_co.name and data["open_round_id"] == rnd.pk
    assert {f["category"] for f in data["fees"]} == {"residential", "garage"}
    stars = [{"question": i.pk, "stars": 5} for i in rnd.items.all()]
    resp = client.post(
        f"/api/v1/property/rounds/{rnd.pk}/answer", {"stars": stars}, content_type="application/json", **headers
    )
    assert resp.status_code == 201
    resp = client.post(
        f"/api/v1/property/rounds/{rnd.pk}/answer", {"stars": stars}, content_type="application/json", **headers
    )
    assert resp.status_code == 400 and "error" in resp.json()
    staff = token_for("secretary_a1")
    result = client.get(f"/api/v1/property/rounds/{rnd.pk}", **staff).json()
    assert result["answers"] == 1 and result["score"] == "5.00"
    assert client.get("/api/v1/property/contracts", **staff).json()["count"] == 1
