"""POST /api/v1/knowledge/ask: the cited answer, the unsure answer, English, bad input in the error body."""

from __future__ import annotations

import pytest

from ..models import Question
from . import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/v1/knowledge/ask"


def post(client, h, body):
    return client.post(URL, body, content_type="application/json", **h)


def test_cited_answer(client, tree, token_for):
    f.base(tree)
    resp = post(client, token_for("resident_a1"), {"question": "电瓶车能在楼道充电吗"})
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["confident"] is True and data["lang"] == "zh"
    top = data["quotes"][0]
    assert top["source"] == "电动自行车安全充电管理规定" and top["section"] == "一、禁止行为"
    assert top["date"] == "2026-01-10" and "楼道" in top["text"]
    assert data["generated"] == "" and data["generated_label"] == ""


def test_unsure_and_english(client, tree, token_for):
    f.base(tree)
    h = token_for("resident_a1")
    data = post(client, h, {"question": "今天天气怎么样"}).json()
    assert data["confident"] is False and data["quotes"] == [] and Question.objects.get(pk=data["question_id"])
    data = post(client, h, {"question": "How do I apply for a passport?"}).json()
    assert data["confident"] is False and data["message"].startswith("I could not find an answer in English")


@pytest.mark.parametrize("body", [{"question": ""}, {"question": "问" * 1201}, {}, {"question": "   "}])
def test_bad_input(client, tree, token_for, body):
    resp = post(client, token_for("resident_a1"), body)
    assert resp.status_code in (400, 422)
    assert "error" in resp.json() and Question.objects.count() == 0


def test_needs_a_token(client, tree):
    assert client.post(URL, {"question": "x"}, content_type="application/json").status_code == 401
