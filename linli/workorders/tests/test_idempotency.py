"""Idempotency-Key on the work-order API (linli.core.idempotency, honoured by every API POST): a retried create
answers the first response and never makes a second case; another body with the same key is refused."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from linli.core.models import AuditLog, IdempotencyKey
from linli.workorders.models import Case, CaseEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/workorders/cases"


def body(tree, **kw):
    return {
        "category": "noise",
        "title": "夜间施工噪音",
        "description": "工地 23 点后还在施工",
        "place": tree.building_a1.code,
        **kw,
    }


def create(client, data, headers, key=None, **extra):
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, data, content_type="application/json", **headers, **extra)


def test_a_retry_with_the_same_key_answers_the_first_response_and_creates_one_case(tree, client, token_for):
    headers = token_for("resident_a1")
    before_cases, before_audit = Case.objects.count(), AuditLog.objects.filter(action="create").count()
    first = create(client, body(tree), headers, key="3f1c-retry")
    assert first.status_code == 201, first.content
    again = create(client, body(tree), headers, key="3f1c-retry")
    assert again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Case.objects.count() == before_cases + 1
    assert AuditLog.objects.filter(action="create").count() == before_audit + 1
    assert CaseEvent.objects.filter(case_id=first.json()["id"]).count() == 1
    # The same JSON with its keys in another order and other spacing is the same request.
    reordered = '{"place": "%s", "title": "夜间施工噪音", "description": "工地 23 点后还在施工",  "category": "noise"}'
    third = create(client, reordered % tree.building_a1.code, headers, key="3f1c-retry")
    assert third.status_code == 201 and third.json()["id"] == first.json()["id"]
    # Without the header every POST is a new case, as before.
    assert create(client, body(tree), headers).status_code == 201
    assert create(client, body(tree), headers).status_code == 201
    assert Case.objects.count() == before_cases + 3


def test_the_same_key_with_another_body_is_refused_with_422_and_changes_nothing(tree, client, token_for):
    headers = token_for("resident_a1")
    assert create(client, body(tree), headers, key="k-1").status_code == 201
    before = Case.objects.count()
    resp = create(client, body(tree, title="另一件事"), headers, key="k-1")
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "idempotency_key_reused" and "Idempotency-Key" in error["message"]
    assert Case.objects.count() == before
    # Another endpoint with the same key is another request too.
    case_pk = Case.objects.latest("pk").pk
    resp = client.post(
        f"{URL}/{case_pk}/cancel",
        {"reason": "重复"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **headers,
    )
    assert resp.status_code == 422


def test_keys_are_scoped_per_user(tree, client, token_for):
    a, b = token_for("resident_a1"), token_for("secretary_a1")
    first = create(client, body(tree), a, key="shared-key")
    second = create(client, body(tree), b, key="shared-key")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert IdempotencyKey.objects.filter(key="shared-key").count() == 2


def test_a_refused_request_keeps_nothing_and_leaves_the_key_free(tree, client, token_for):
    headers = token_for("resident_a1")
    before = Case.objects.count()
    bad = create(client, body(tree, description="x" * 4001), headers, key="fix-me")
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.filter(key="fix-me").exists()
    good = create(client, body(tree), headers, key="fix-me")
    assert good.status_code == 201 and Case.objects.count() == before + 1
    # A malformed key is a 400 that names the header, and nothing is written.
    resp = create(client, body(tree), headers, key="x" * 256)
    assert resp.status_code == 400 and "Idempotency-Key" in resp.json()["error"]["fields"]
    assert Case.objects.count() == before + 1


def test_a_request_without_a_user_ignores_the_key(tree, client):
    from linli.accounts.testing import PASSWORD

    for _ in range(2):
        resp = client.post(
            "/api/v1/auth/token",
            {"username": "resident_a1", "password": PASSWORD},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="login",
        )
        assert resp.status_code == 201 and "Idempotent-Replayed" not in resp
    assert not IdempotencyKey.objects.exists()


@override_settings(LINLI_IDEMPOTENCY_KEEP_HOURS=24)
def test_keys_expire_and_the_daily_job_purges_them(tree, client, token_for):
    headers = token_for("resident_a1")
    first = create(client, body(tree), headers, key="old")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    again = create(client, body(tree), headers, key="old")  # expired: a new request
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    create(client, body(tree), headers, key="older")
    IdempotencyKey.objects.filter(key="older").update(created_at=timezone.now() - timedelta(hours=30))
    call_command("run_daily", "--only", "core.purge_idempotency", "--inline")
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["old"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers and row locks")
@pytest.mark.django_db(transaction=True)
def test_racing_requests_with_one_key_create_one_case(tree, token_for):
    """Eight threads send the same create with the same key at the same moment: one case; every answer is 201
    with that case (the later ones wait for the first commit on the unique key, then answer its response)."""
    headers = token_for("resident_a1")
    # Use the token once first: its first use stamps last_used_at, a row lock the racers would otherwise queue on.
    assert Client().get(URL, **headers).status_code == 200
    before = Case.objects.count()
    n = 8
    barrier = threading.Barrier(n)
    results, errors = [], []

    def press():
        try:
            barrier.wait(timeout=10)
            resp = create(Client(), body(tree), headers, key="race-1")
            results.append((resp.status_code, resp.json()))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(results) == n
    assert {code for code, _ in results} == {201}, results
    assert len({data["id"] for _, data in results}) == 1
    assert Case.objects.count() == before + 1
    assert IdempotencyKey.objects.filter(key="race-1").count() == 1
