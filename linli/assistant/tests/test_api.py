"""POST /api/v1/assistant/route."""

from __future__ import annotations

import pytest

from . import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/v1/assistant/route"


def _post(client, body, h):
    return client.post(URL, body, content_type="application/json", **h)


def test_route_answers_everything(client, tree, token_for):
    first = f.case(tree, text="1栋电梯坏了，停在5楼不动", category="elevator")
    resp = _post(
        client, {"text": "1栋的电梯困人了，停在五楼不动", "place": tree.building_a1.code}, token_for("dispatcher")
    )
    assert resp.status_code == 200, resp.content
    d = resp.json()
    assert d["category"] == "elevator" and d["organisation"] == tree.property_co.name
    assert 0 < float(d["confidence"]) <= 1 and "电梯" in d["reasons"]
    assert len(d["alternatives"]) == 3 and d["alternatives"][0]["category"] != "elevator"
    assert d["urgency"][0]["code"] == "trapped"
    assert d["duplicates"][0]["number"] == first.number
    assert d["model_version"] is None and "仅供参考" in d["notice"]


def test_place_is_optional(client, tree, token_for):
    resp = _post(client, {"text": "小区门口路灯不亮"}, token_for("resident_a1"))
    assert resp.status_code == 200 and resp.json()["duplicates"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"text": ""},
        {"text": "   "},
        {"text": "灯" * 3000},
        {"text": "灯" * 50000},
        {"text": "<script>alert(1)</script>"},
        {"text": "路灯\u0000\u0001坏了"},
        {},
        {"text": "路灯坏了", "place": "nonsense"},
    ],
)
def test_bad_input_is_a_clear_error(client, tree, token_for, body):
    resp = _post(client, body, token_for("dispatcher"))
    assert resp.status_code == 400, resp.content
    err = resp.json()["error"]
    assert err["code"] == "invalid" and err["message"]


def test_an_unknown_place_is_a_field_error(client, tree, token_for):
    resp = _post(client, {"text": "路灯坏了", "place": "340504999999999"}, token_for("secretary_a1"))
    assert resp.status_code == 400 and "place" in resp.json()["error"]["fields"]


def test_duplicates_out_of_scope_are_not_shown(client, tree, token_for):
    f.case(tree, text="1栋电梯坏了，停在5楼不动", category="elevator")
    resp = _post(client, {"text": "1栋电梯坏了停在5楼", "place": tree.building_a1.code}, token_for("dept_other_staff"))
    assert resp.status_code in (200, 403)
    if resp.status_code == 200:
        assert resp.json()["duplicates"] == []


def test_needs_a_token(client, tree):
    assert client.post(URL, {"text": "路灯坏了"}, content_type="application/json").status_code == 401


@pytest.mark.parametrize("text", ["😀😀 电梯坏了", "The lift is broken again", "ا路灯", "电" * 2000, "1" * 10])
def test_odd_but_valid_text_is_answered(client, tree, token_for, text):
    resp = _post(client, {"text": text}, token_for("dispatcher"))
    assert resp.status_code == 200, resp.content
    assert resp.json()["category"]
