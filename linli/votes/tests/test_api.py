"""/api/v1/votes: create, notice, open/close, ballots (owner and staff), tally, published list, verification file;
error bodies; the OpenAPI schema."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from linli.accounts.testing import PASSWORD
from linli.core import dates
from linli.votes import verify
from linli.votes.models import Ballot, ElectorateUnit

from . import factories as f

pytestmark = pytest.mark.django_db
BASE = "/api/v1/votes"


def token(client, user):
    resp = client.post(
        "/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, content_type="application/json"
    )
    assert resp.status_code == 201, resp.content
    return {"HTTP_AUTHORIZATION": f"Bearer {resp.json()['token']}"}


def post(client, url, data, h):
    return client.post(url, data, content_type="application/json", **h)


def test_decision_walk_over_the_api(client, tree, token_for, monkeypatch):
    e = f.estate(tree, [("100.00", "a"), ("100.00", "b"), ("100.00", "c"), ("100.00", "d")])
    h = token_for("secretary_a1")
    resp = post(
        client, BASE, {"compound": e.compound.code, "matter_type": 7, "title": "加装电梯", "text": "1栋加装"}, h
    )
    assert resp.status_code == 201, resp.content
    did = resp.json()["id"]
    assert resp.json()["is_major"] is True and resp.json()["state"] == "draft"
    opens = dates.today() + dt.timedelta(days=15)
    resp = post(client, f"{BASE}/{did}/notice", {"opens_on": str(opens), "closes_on": str(opens)}, h)
    assert resp.status_code == 200, resp.content
    assert (resp.json()["total_units"], resp.json()["total_area_centi"], resp.json()["total_heads"]) == (4, 40000, 4)
    f.shift(monkeypatch, opens)
    assert post(client, f"{BASE}/{did}/open", {}, h).json()["state"] == "voting"
    # owners vote online: 3 of 4 agree → exactly 3/4 on a major matter
    for key, choice in (("a", "yes"), ("b", "yes"), ("c", "yes")):
        resp = post(client, f"{BASE}/{did}/ballots", {"choice": choice}, token(client, f.login(e, key)))
        assert resp.status_code == 201, resp.content
        assert len(resp.json()[0]["receipt"]) == 14
    # staff enter d's paper ballot
    unit = ElectorateUnit.objects.get(decision_id=did, house=e.houses[3])
    scan = base64.b64encode(f.png().read()).decode()
    resp = post(
        client,
        f"{BASE}/{did}/paper-ballots",
        {"unit_id": unit.pk, "choice": "no", "scan_name": "d.png", "scan_base64": scan},
        h,
    )
    assert resp.status_code == 201, resp.content
    # the owner cannot overwrite the paper ballot
    resp = post(client, f"{BASE}/{did}/ballots", {"choice": "yes"}, token(client, f.login(e, "d")))
    assert resp.status_code == 400 and "unit" in resp.json()["error"]["fields"]
    assert client.get(f"{BASE}/{did}/tally", **h).status_code == 400  # not before closing
    assert post(client, f"{BASE}/{did}/close", {}, h).json()["state"] == "closed"
    tally = client.get(f"{BASE}/{did}/tally", **h).json()
    assert tally["published"] is False
    assert post(client, f"{BASE}/{did}/publish", {}, h).json()["passed"] is True
    tally = client.get(f"{BASE}/{did}/tally", **h).json()
    assert tally["published"] and tally["passed"]
    assert [(t["numerator"], t["denominator"], t["passed"]) for t in tally["tests"]] == [
        (40000, 40000, True),
        (4, 4, True),
        (30000, 40000, True),
        (3, 4, True),
    ]
    listed = client.get(f"{BASE}/{did}/published", **h).json()
    assert listed["count"] == 4 and {"receipt_hash", "choice", "area_centi"} == set(listed["results"][0])
    data = client.get(f"{BASE}/{did}/verification", **h).json()
    assert verify.recompute(data) == data["tally"]


def test_errors_come_in_the_error_body(client, tree, token_for, monkeypatch):
    e = f.estate(tree, [("100.00", "a"), (None, None)])
    h = token_for("secretary_a1")
    resp = post(client, BASE, {"compound": e.compound.code, "matter_type": 10, "title": "t", "text": "t"}, h)
    assert resp.status_code in (400, 422)
    did = post(client, BASE, {"compound": e.compound.code, "matter_type": 1, "title": "t", "text": "t"}, h).json()["id"]
    opens = dates.today() + dt.timedelta(days=15)
    resp = post(client, f"{BASE}/{did}/notice", {"opens_on": str(opens), "closes_on": str(opens)}, h)
    assert resp.status_code == 400
    assert any("1栋1单元102" in m for m in resp.json()["error"]["fields"]["electorate"])


def test_non_owner_gets_403_and_nothing_changes(client, tree, token_for, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    resp = post(client, f"{BASE}/{d.pk}/ballots", {"choice": "yes"}, token_for("secretary_a1"))
    assert resp.status_code == 403
    resp = post(client, f"{BASE}/{d.pk}/ballots", {"choice": "maybe"}, token(client, f.login(e, "a")))
    assert resp.status_code in (400, 422)
    assert not Ballot.objects.exists()


def test_out_of_scope_decision_is_404(client, tree, token_for, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.draft(tree, e)
    assert client.get(f"{BASE}/{d.pk}", **token_for("street_a")).status_code == 200
    assert client.get(f"{BASE}/{d.pk}", **token_for("dept_staff")).status_code == 404


def test_operations_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        BASE,
        f"{BASE}/{{decision_id}}/notice",
        f"{BASE}/{{decision_id}}/open",
        f"{BASE}/{{decision_id}}/close",
        f"{BASE}/{{decision_id}}/ballots",
        f"{BASE}/{{decision_id}}/paper-ballots",
        f"{BASE}/{{decision_id}}/tally",
        f"{BASE}/{{decision_id}}/published",
        f"{BASE}/{{decision_id}}/verification",
    ):
        assert path in paths, path
