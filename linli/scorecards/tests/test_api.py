import pytest

pytestmark = pytest.mark.django_db


def test_api_compute_publicise_and_explain(client, tree, orgs_alliance, year, token_for):
    h = token_for("secretary_a1")
    r = client.post(
        "/api/v1/scorecards/runs",
        {"place": tree.comm_a1.code, "year": year, "card_type": "org"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    run_id = r.json()["id"]
    cards = client.get(f"/api/v1/scorecards/runs/{run_id}/cards", **h).json()
    assert cards["count"] == 2
    best = cards["results"][0]
    assert best["stars"] == 2 and best["lines"][0]["records"]
    meetings = next(line for line in best["lines"] if line["code"] == "meetings")
    assert meetings["weighted"] == "10.00" and meetings["weight"] == "1.00"
    assert [r["state"] for r in meetings["records"]].count("missing") == 2  # the two quarters not attended
    assert client.get(f"/api/v1/scorecards/runs/{run_id}", **h).json()["unscored"] is False
    r = client.post(
        f"/api/v1/scorecards/cards/{best['id']}/objections", {"text": "x"}, content_type="application/json", **h
    )
    assert r.status_code == 400 and "text" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/scorecards/runs/{run_id}/publicise", **h)
    assert r.status_code == 200 and r.json()["state"] == "publicised" and r.json()["notice_ends"]
    r = client.post(f"/api/v1/scorecards/runs/{run_id}/finalise", **h)
    assert r.status_code == 400
    r = client.post(
        f"/api/v1/scorecards/cards/{best['id']}/objections", {"text": "有误"}, content_type="application/json", **h
    )
    assert r.status_code == 201


def test_api_scope_and_errors(client, tree, orgs_alliance, year, token_for):
    h = token_for("secretary_a1")
    r = client.post(
        "/api/v1/scorecards/runs",
        {"place": tree.comm_a2.code, "year": year, "card_type": "org"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 400 and "place" in r.json()["error"]["fields"]  # out of scope = unknown code
    r = client.post(
        "/api/v1/scorecards/runs",
        {"place": tree.comm_a1.code, "year": 1900, "card_type": "org"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 400
    h2 = token_for("grid_a")
    assert client.get("/api/v1/scorecards/runs", **h2).json()["count"] == 0
