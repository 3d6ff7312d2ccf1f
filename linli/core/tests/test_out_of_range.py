"""Dates at the ends of the calendar and bodies over the upload limit are refused cleanly (issue 11 item 12).

Each of these was a 500: a day in year 9999 moved by a day, a day in year 1 converted to UTC, a party term five
years after 9999, a 3 MB body read by the API.
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

FAR = ("9999-12-01", "9999-12-31", "0001-02-01", "0001-01-01")


def _error_body(resp, status=400):
    assert resp.status_code == status, (resp.status_code, resp.content[:300])
    body = resp.json()
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


def test_a_body_over_the_upload_limit_is_413_with_the_error_body(client, tree, settings):
    big = json.dumps({"username": "x" * (3 * 1024 * 1024), "password": "y"})
    err = _error_body(client.post("/api/v1/auth/token", big, content_type="application/json"), 413)
    assert err["code"] == "too_large"


def test_a_form_post_over_the_upload_limit_is_a_chinese_413_page(client, tree):
    resp = client.post(
        "/accounts/login/", {"username": "x" * (3 * 1024 * 1024), "password": "y"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert resp.status_code == 413
    assert "请求内容过大" in resp.content.decode()


def test_an_open311_post_over_the_upload_limit_is_413_in_its_own_format(client, tree):
    resp = client.post("/open311/v2/requests.json", {"api_key": "x", "description": "x" * (3 * 1024 * 1024)})
    assert resp.status_code == 413, resp.content[:300]
    assert resp.json()[0]["code"] == 413


@pytest.mark.parametrize(
    "query",
    [
        "start_date=9999-12-01",
        "end_date=0001-02-01",
        "start_date=0001-01-01",
        "start_date=9999-12-31T23:59:59-12:00&end_date=9999-12-31T23:59:59-12:00",
    ],
)
def test_open311_dates_at_the_ends_of_the_calendar_answer_400_in_its_own_format(client, tree, query):
    resp = client.get(f"/open311/v2/requests.json?{query}")
    assert resp.status_code == 400, resp.content[:300]
    assert resp.json()[0]["code"] == 400


@pytest.mark.parametrize("day", FAR)
def test_work_order_filters_refuse_far_dates(client, tree, token_for, day):
    h = token_for("district_admin")
    for name in ("created_from", "created_to"):
        err = _error_body(client.get(f"/api/v1/workorders/cases?{name}={day}", **h))
        assert name in err["fields"]


@pytest.mark.parametrize("day", FAR)
def test_audit_filters_refuse_far_dates(client, tree, token_for, day):
    h = token_for("district_admin")
    for name in ("since", "until"):
        err = _error_body(client.get(f"/api/v1/audit?{name}={day}T00:00:00", **h))
        assert name in err["fields"]


@pytest.mark.parametrize("day", FAR)
def test_statistics_and_audit_pages_show_a_form_error_for_far_dates(client, tree, day):
    client.force_login(tree.users["district_admin"])
    for url, names in (("/workorders/stats/", ("start", "end")), ("/accounts/audit/", ("date_from", "date_to"))):
        for name in names:
            resp = client.get(f"{url}?{name}={day}", HTTP_ACCEPT_LANGUAGE="zh-hans")
            assert resp.status_code == 200, (url, name, resp.status_code)
            assert "请输入" in resp.content.decode(), (url, name)


def test_a_party_term_starting_in_9999_is_refused(client, tree, token_for):
    h = token_for("district_admin")
    body = {"kind": "community_committee", "name": "雨秀社区党委", "place": tree.comm_a1.code}
    err = _error_body(
        client.post("/api/v1/party/orgs", {**body, "term_start": "9999-06-01"}, content_type="application/json", **h)
    )
    assert "term_start" in err["fields"]
    ok = client.post(
        "/api/v1/party/orgs",
        {**body, "term_start": timezone.localdate().isoformat()},
        content_type="application/json",
        **h,
    )
    assert ok.status_code == 201, ok.content
