"""The optional generative step: off by default (the extractive answer is complete without it); on, against a
tiny OpenAI-compatible server run here, it is given only the question and the quoted passages and its reply is
shown labelled; a failing endpoint leaves the extractive answer alone."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings

from .. import llm, services
from . import factories as f

pytestmark = pytest.mark.django_db


class Endpoint:
    def __init__(self, status=200, reply="根据资料，90岁老人每月300元。"):
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append((self.path, json.loads(body)))
                payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_off_by_default_and_no_request_made(tree, settings):
    assert not getattr(settings, "LINLI_ASSISTANT_LLM_URL", "")
    f.base(tree)
    with Endpoint() as endpoint:  # running, but not configured: never called
        result = services.ask(actor=tree.users["resident_a1"], question="90岁老人高龄津贴每月多少钱")
    assert result.confident and result.generated == "" and endpoint.requests == []
    assert not llm.enabled()


def test_on_grounded_in_the_passages_and_labelled(client, tree, token_for):
    f.base(tree)
    with Endpoint() as endpoint, override_settings(LINLI_ASSISTANT_LLM_URL=endpoint.url):
        result = services.answer(tree.users["resident_a1"], "90岁老人高龄津贴每月多少钱")
        data = client.post(
            "/api/v1/knowledge/ask",
            {"question": "90岁老人高龄津贴每月多少钱"},
            content_type="application/json",
            **token_for("resident_a1"),
        ).json()
    assert result.generated == "根据资料，90岁老人每月300元。"
    path, body = endpoint.requests[0]
    assert path == "/v1/chat/completions"
    prompt = body["messages"][-1]["content"]
    assert "300元" in prompt and "90岁老人高龄津贴每月多少钱" in prompt
    assert "resident_a1" not in json.dumps(body, ensure_ascii=False)  # nothing about the asker is sent
    assert data["generated"] and data["generated_label"]


def test_unsure_answers_are_never_sent(tree):
    f.base(tree)
    with Endpoint() as endpoint, override_settings(LINLI_ASSISTANT_LLM_URL=endpoint.url):
        result = services.answer(tree.users["resident_a1"], "明天股票会涨吗")
    assert not result.confident and endpoint.requests == [] and result.generated == ""


def test_failing_endpoint_leaves_the_extractive_answer(tree):
    f.base(tree)
    with Endpoint(status=500) as endpoint, override_settings(LINLI_ASSISTANT_LLM_URL=endpoint.url):
        result = services.answer(tree.users["resident_a1"], "90岁老人高龄津贴每月多少钱")
    assert result.confident and result.quotes and result.generated == ""
    with override_settings(LINLI_ASSISTANT_LLM_URL="file:///etc/passwd"):
        assert llm.generate("q", ["p"]) == ""
