"""/healthz for the proxy and monitoring; /healthz/stream, the event stream deploy/stack/smoke.py reads via nginx."""

import pytest

from linli.core import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_login(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json() == {"status": "ok"}
    assert "no-cache" in resp["Cache-Control"]


def test_the_event_stream_is_for_logged_in_users_and_sends_three_events(client, tree, monkeypatch):
    assert client.get("/healthz/stream").status_code == 302  # to the login page
    monkeypatch.setattr(health, "STREAM_GAP_SECONDS", 0)
    client.force_login(tree.users["secretary_a1"])
    resp = client.get("/healthz/stream")
    assert resp.status_code == 200 and resp["Content-Type"] == "text/event-stream"
    assert resp["X-Accel-Buffering"] == "no"
    body = b"".join(resp.streaming_content).decode()
    assert body.count("event: tick\n") == 3 and '"n": 3, "of": 3' in body
