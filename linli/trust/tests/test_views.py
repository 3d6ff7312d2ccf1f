import datetime as dt
import json

import pytest
from django.urls import reverse

from linli.accounts.testing import PASSWORD

from .. import services
from ..models import Entry, FeeBill
from .factories import account, bill, months_ago, png, spend

pytestmark = pytest.mark.django_db


def login(client, name):
    assert client.login(username=name, password=PASSWORD)
    return client


def closed(tree):
    acc = account(tree)
    services.close_month(actor=tree.users["secretary_a1"], account=acc, month=months_ago(3))
    b = bill(tree, acc)
    services.collect(
        actor=tree.users["property_staff"], bill=b, amount="50.00", date=months_ago(2) + dt.timedelta(days=1)
    )
    spend(tree, acc)
    return acc, services.close_month(actor=tree.users["secretary_a1"], account=acc, month=months_ago(2))


def test_resident_sees_statement_without_debtor_names_and_receipt_one_tap_away(tree, client):
    acc, st = closed(tree)
    login(client, "resident_a1")
    resp = client.get(reverse("trust:accounts"))
    assert resp.status_code == 302 and resp.url == reverse("trust:account", args=[acc.pk])
    page = client.get(resp.url).content.decode()
    assert reverse("trust:statement", args=[st.pk]) in page
    assert "120.83" in page  # their own bill
    page = client.get(reverse("trust:statement", args=[st.pk])).content.decode()
    assert st.head_hash in page and "300.00" in page
    body = page[page.index("<h1") : page.index('data-testid="statement-head"')]
    assert "resident_a1" not in body and "101" not in body  # no unit or name of a debtor
    receipt = Entry.objects.get(kind="expense").receipt
    assert reverse("trust:receipt", args=[receipt.pk]) in page
    resp = client.get(reverse("trust:receipt", args=[receipt.pk]))
    assert resp.status_code == 200 and resp["X-Content-Type-Options"] == "nosniff"
    doc = json.loads(client.get(reverse("trust:statement_json", args=[st.pk])).content)
    assert doc["head"] == st.head_hash
    assert client.get(reverse("trust:verifier")).content.startswith(b"#!/usr/bin/env python3")
    csv_body = b"".join(client.get(reverse("trust:account_csv", args=[acc.pk])).streaming_content).decode()
    assert csv_body.count("\n") == acc.head_seq + 1
    assert client.get(reverse("trust:bill", args=[acc.pk])).status_code == 403
    assert client.get(reverse("trust:collect", args=[acc.pk])).status_code == 403


def test_out_of_scope_is_404(tree, client):
    acc, st = closed(tree)
    login(client, "dept_staff")
    assert client.get(reverse("trust:account", args=[acc.pk])).status_code in (403, 404)
    assert client.get(reverse("trust:statement", args=[st.pk])).status_code in (403, 404)


def test_property_staff_bills_collects_and_spends_through_pages(tree, client):
    acc = account(tree)
    login(client, "property_staff")
    period = months_ago(1)
    resp = client.post(reverse("trust:bill", args=[acc.pk]), {"period": f"{period:%Y-%m}"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    b = FeeBill.objects.get()
    resp = client.post(
        reverse("trust:collect", args=[acc.pk]), {"bill": b.pk, "amount": "120.83", "date": period.isoformat()}
    )
    assert resp.status_code == 302
    b.refresh_from_db()
    assert b.outstanding == 0
    data = {
        "date": period.isoformat(),
        "category": "5001",
        "amount": "88.00",
        "payee": "保洁",
        "memo": "清洗",
        "approver": "赵某",
    }
    resp = client.post(reverse("trust:spend", args=[acc.pk]), data)
    assert resp.status_code == 400
    assert "收据" in resp.content.decode() or "receipt" in resp.content.decode()
    resp = client.post(reverse("trust:spend", args=[acc.pk]), {**data, "receipt": png()})
    assert resp.status_code == 302
    resp = client.post(reverse("trust:spend", args=[acc.pk]), {**data, "amount": "-3", "receipt": png()})
    assert resp.status_code == 400
    assert Entry.objects.count() == 3
    page = client.get(reverse("trust:account", args=[acc.pk])).content.decode()
    assert 'data-testid="entries"' in page


def test_unit_without_area_shows_a_clear_error(tree, client):
    acc = account(tree)
    tree.house_a1.area = None
    tree.house_a1.save(update_fields=["area"])
    login(client, "property_staff")
    resp = client.post(reverse("trust:bill", args=[acc.pk]), {"period": f"{months_ago(1):%Y-%m}"})
    assert resp.status_code == 400 and "101" in resp.content.decode()
    assert FeeBill.objects.count() == 0


def test_secretary_closes_a_month_and_reverses(tree, client):
    acc = account(tree)
    e = spend(tree, acc)
    login(client, "secretary_a1")
    resp = client.post(reverse("trust:reverse", args=[e.pk]), {"date": e.date.isoformat(), "reason": "重复"})
    assert resp.status_code == 302
    resp = client.post(reverse("trust:close", args=[acc.pk]), {"month": f"{months_ago(3):%Y-%m}"})
    assert resp.status_code == 302 and "/statements/" in resp.url
    resp = client.get(reverse("trust:account_create"))
    assert resp.status_code == 200
