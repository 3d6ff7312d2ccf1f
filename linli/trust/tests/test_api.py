"""/api/v1/trust: the same services and selectors; error bodies; amounts as strings."""

from __future__ import annotations

import pytest

from ..models import Entry, FeeBill
from .factories import account, months_ago, png

pytestmark = pytest.mark.django_db
BASE = "/api/v1/trust"


def test_bill_pay_close_and_download_over_the_api(client, tree, token_for):
    acc = account(tree)
    staff, sec, resident = token_for("property_staff"), token_for("secretary_a1"), token_for("resident_a1")
    period = months_ago(3)
    resp = client.post(
        f"{BASE}/{acc.pk}/bills", {"period": f"{period:%Y-%m}"}, content_type="application/json", **staff
    )
    assert resp.status_code == 201, resp.content
    assert resp.json() == {"bills": 1, "total": "120.83"}
    bill = FeeBill.objects.get()
    resp = client.post(
        f"{BASE}/bills/{bill.pk}/collections",
        {"amount": "120.83", "date": str(period)},
        content_type="application/json",
        **staff,
    )
    assert resp.status_code == 201 and resp.json()["amount"] == "120.83"
    resp = client.post(
        f"{BASE}/{acc.pk}/expenditures",
        {
            "date": str(period),
            "category": "5001",
            "amount": "50.00",
            "payee": "保洁",
            "approver": "赵某",
            "receipt": png(),
        },
        **staff,
    )
    assert resp.status_code == 201, resp.content
    resp = client.post(f"{BASE}/{acc.pk}/close", {"month": f"{period:%Y-%m}"}, content_type="application/json", **sec)
    assert resp.status_code == 201, resp.content
    st = resp.json()
    assert st["income"] == "120.83" and st["spending"] == "50.00" and st["arrears_rate"] == "0.0000"
    doc = client.get(f"{BASE}/statements/{st['id']}/ledger", **resident).json()
    assert doc["head"] == st["head_hash"] and len(doc["entries"]) == 3
    assert client.get(f"{BASE}/{acc.pk}", **resident).json()["head_seq"] == 3


def test_errors_are_clear_and_nothing_is_written(client, tree, token_for):
    acc = account(tree)
    sec, staff = token_for("secretary_a1"), token_for("property_staff")
    resp = client.post(
        f"{BASE}/{acc.pk}/journal",
        {
            "date": str(acc.opened_on),
            "kind": "opening",
            "lines": [{"code": "1001", "debit": "100.00"}, {"code": "4003", "credit": "90.00"}],
        },
        content_type="application/json",
        **sec,
    )
    assert resp.status_code == 400 and "lines" in resp.json()["error"]["fields"]
    resp = client.post(
        f"{BASE}/{acc.pk}/journal",
        {
            "date": str(acc.opened_on),
            "kind": "opening",
            "lines": [{"code": "1001", "debit": "-100.00"}, {"code": "4003", "credit": "-100.00"}],
        },
        content_type="application/json",
        **sec,
    )
    assert resp.status_code in (400, 422)
    resp = client.post(
        f"{BASE}/{acc.pk}/expenditures",
        {"date": str(months_ago(1)), "category": "5001", "amount": "50.00", "payee": "保洁", "approver": "赵某"},
        **staff,
    )
    assert resp.status_code == 400 and "receipt" in resp.json()["error"]["fields"]
    assert Entry.objects.count() == 0
    assert client.get(f"{BASE}/{acc.pk}", **token_for("dept_staff")).status_code == 404
