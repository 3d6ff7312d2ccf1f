"""A resident always reports as themselves (issue #11 item 14): the 代办 fields (someone else's name and phone) are
for staff only — hidden and ignored on the resident's form, refused on the API — and the resident always sees
their own case afterwards; staff keep them."""

import pytest
from django.urls import reverse

from linli.accounts.testing import system_user
from linli.registry import services as reg
from linli.workorders.models import Case

pytestmark = pytest.mark.django_db

API = "/api/v1/workorders"


@pytest.fixture
def me(tree):
    """resident_a1 with their own record (name and phone)."""
    user = tree.users["resident_a1"]
    record = reg.resident_create(actor=system_user(), name="刘居民", home=tree.house_a1, phone="13700001111")
    type(record).objects.filter(pk=record.pk).update(account=user)
    user.refresh_from_db()
    return user


def test_the_residents_form_has_no_proxy_fields_and_ignores_them(client, tree, me):
    client.force_login(me)
    page = client.get(reverse("workorders:report")).content.decode()
    assert 'name="reporter_name"' not in page and 'name="reporter_phone"' not in page
    resp = client.post(
        reverse("workorders:report"),
        {
            "category": "noise",
            "case_type": "complaint",
            "title": "夜间噪音",
            "description": "楼上装修",
            "place": [tree.comm_a1.code, tree.compound_a1.code],
            "confidentiality": "none",
            "reporter_name": "张三",
            "reporter_phone": "13912345678",
        },
    )
    assert resp.status_code == 302
    case = Case.objects.get()
    assert case.reporter == me and case.reporter_resident.account_id == me.pk
    assert case.reporter_name == "" and not case.reporter_phone_cipher  # nobody else's name or phone
    assert "夜间噪音" in client.get(reverse("workorders:my_cases")).content.decode()
    resp = client.get(reverse("workorders:case_detail", args=[case.pk]))
    assert resp.status_code == 200 and "夜间噪音" in resp.content.decode() and "张三" not in resp.content.decode()


def test_the_api_refuses_proxy_fields_from_a_resident_and_files_under_their_own_name(client, tree, me, token_for):
    auth = token_for("resident_a1")
    body = {
        "category": "property-repair",
        "title": "楼道灯坏了",
        "description": "2栋楼道灯不亮",
        "place": tree.building_a1.code,
        "case_type": "help",
    }
    for extra in ({"reporter_name": "张三"}, {"reporter_phone": "13912345678"}, {"source": "counter"}):
        resp = client.post(f"{API}/cases", {**body, **extra}, content_type="application/json", **auth)
        assert resp.status_code == 400, (extra, resp.content)
        assert resp.json()["error"]["fields"].keys() & {"reporter_name", "source"}
    assert not Case.objects.exists()
    resp = client.post(f"{API}/cases", body, content_type="application/json", **auth)
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    case = Case.objects.get(pk=pk)
    assert case.reporter == me and case.reporter_resident.account_id == me.pk and case.reporter_name == ""
    mine = client.get(f"{API}/cases/{pk}", **auth)
    assert mine.status_code == 200 and mine.json()["reporter"]["name"] == "刘居民"


def test_staff_keep_the_proxy_fields(client, tree, token_for):
    resp = client.post(
        f"{API}/cases",
        {
            "category": "noise",
            "title": "噪音",
            "description": "电话反映夜间施工",
            "place": tree.compound_a1.code,
            "case_type": "complaint",
            "source": "counter",
            "reporter_name": "王阿姨",
            "reporter_phone": "13800138000",
        },
        content_type="application/json",
        **token_for("secretary_a1"),
    )
    assert resp.status_code == 201, resp.content
    case = Case.objects.get()
    assert case.reporter_name == "王阿姨" and case.reporter_phone_masked == "138****8000" and case.reporter is None
