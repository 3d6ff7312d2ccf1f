"""Login throttling (issue #11 item 10, docs/adr/0012): limits per address, lockout per username AND address,
a short per-username slowdown; nobody can lock someone else out from their own address."""

import pytest
from django.core.cache import cache

from linli.accounts.testing import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER, OWNER, OTHER = "198.51.100.66", "203.0.113.5", "192.0.2.9"


@pytest.fixture
def limits(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.RATELIMIT_ENABLE = True
    # hourly windows: a test never straddles a window's end
    settings.LINLI_RATE_LOGIN_PER_ADDRESS = "100/h"
    settings.LINLI_RATE_LOGIN_FAILURES_PER_USERNAME = "8/h"
    cache.clear()
    yield settings
    cache.clear()


def token(client, username, password, addr):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=addr,
    )


def page_login(client, username, password, addr):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=addr)


def test_an_attacker_locks_only_their_own_address(tree, client, limits):
    for _ in range(12):  # well past the lockout; refused attempts test no password and count nothing
        resp = token(client, "district_admin", "guess-guess", ATTACKER)
        assert resp.status_code in (401, 429)
    assert resp.status_code == 429 and resp.json()["error"]["code"] == "locked"
    assert token(client, "district_admin", PASSWORD, ATTACKER).status_code == 429  # the attacker stays locked
    # the administrator, from their own address, is not locked out: token and page
    assert token(client, "district_admin", PASSWORD, OWNER).status_code == 201
    assert page_login(client, "district_admin", PASSWORD, OWNER).status_code == 302


def test_the_page_lockout_is_per_address_too(tree, client, limits):
    for _ in range(5):
        page_login(client, "grid_a", "guess-guess", ATTACKER)
    assert page_login(client, "grid_a", PASSWORD, ATTACKER).status_code == 429
    assert page_login(client, "grid_a", PASSWORD, OWNER).status_code == 302


def test_failures_from_many_addresses_slow_the_username_down_without_locking_it(tree, client, limits):
    for i in range(9):  # nine addresses, one guess each: past the per-username failure limit (8)
        assert token(client, "grid_a", "guess-guess", f"10.0.0.{i + 1}").status_code == 401
    resp = token(client, "grid_a", PASSWORD, OWNER)
    assert resp.status_code == 429 and resp.json()["error"]["code"] == "too_many_requests"
    assert int(resp["Retry-After"]) > 0
    page = page_login(client, "grid_a", PASSWORD, OWNER)
    assert page.status_code == 429 and "登录尝试过多" in page.content.decode()
    assert not page.wsgi_request.user.is_authenticated
    # only that username is slowed down; and once the window ends it opens again
    assert token(client, "secretary_a1", PASSWORD, OWNER).status_code == 201
    cache.clear()
    assert token(client, "grid_a", PASSWORD, OWNER).status_code == 201


def test_token_endpoint_answers_429_past_the_address_limit(tree, client, limits):
    limits.LINLI_RATE_LOGIN_PER_ADDRESS = "3/h"
    for _ in range(3):
        assert token(client, "grid_a", "guess-guess", ATTACKER).status_code == 401
    resp = token(client, "grid_a", PASSWORD, ATTACKER)
    assert resp.status_code == 429
    body = resp.json()["error"]
    assert body["code"] == "too_many_requests" and body["message"] and body["fields"] == {}
    assert int(resp["Retry-After"]) > 0
    page = page_login(client, "grid_a", PASSWORD, ATTACKER)  # the page shares the address's budget
    assert page.status_code == 429 and 'lang="zh-hans"' in page.content.decode()
    assert token(client, "grid_a", PASSWORD, OTHER).status_code == 201


def test_forwarded_addresses_cannot_be_spoofed_to_dodge_the_limit(tree, client, limits):
    limits.LINLI_TRUST_X_FORWARDED_FOR = True
    limits.LINLI_RATE_LOGIN_PER_ADDRESS = "3/h"
    codes = [
        client.post(
            "/api/v1/auth/token",
            {"username": "grid_a", "password": "guess-guess"},
            content_type="application/json",
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, {ATTACKER}",
        ).status_code
        for i in range(4)
    ]
    assert codes == [401, 401, 401, 429]
