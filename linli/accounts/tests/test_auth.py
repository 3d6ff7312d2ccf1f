from datetime import timedelta

import pytest
from django.utils import timezone

from linli.accounts.models import ApiToken
from linli.accounts.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _token(client, username, password=PASSWORD):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def test_token_roundtrip_and_revocation(tree, client):
    resp = _token(client, "grid_a")
    assert resp.status_code == 201
    raw = resp.json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    me = client.get("/api/v1/auth/me", **headers)
    assert me.status_code == 200 and me.json()["username"] == "grid_a"
    assert me.json()["roles"][0]["role"] == "grid_worker"
    assert not ApiToken.objects.filter(key_hash=raw).exists()  # only the hash is stored
    assert client.delete("/api/v1/auth/token", **headers).status_code == 204
    assert client.get("/api/v1/auth/me", **headers).status_code == 401


def test_expired_token_is_refused(tree, client):
    raw = _token(client, "grid_a").json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    resp = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "unauthenticated"


def test_wrong_password_and_lockout(tree, client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        resp = _token(client, "grid_a", "wrong")
        assert resp.status_code in (401, 429)
        assert resp.json()["error"]["code"] in ("invalid_credentials", "locked")
    resp = _token(client, "grid_a")  # right password, but locked now
    assert resp.status_code == 429
    assert resp.json()["error"]["code"] == "locked"
    # the page login is locked too, with a translated page
    page = client.post("/accounts/login/", {"username": "grid_a", "password": PASSWORD})
    assert page.status_code == 429
    assert not page.wsgi_request.user.is_authenticated


def test_inactive_user_token_stops_working(tree, client):
    from linli.accounts import services
    from linli.accounts.testing import system_user

    raw = _token(client, "grid_a").json()["token"]
    services.user_update(actor=system_user(), user=tree.users["grid_a"], is_active=False)
    assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_page_login_logout_and_password_change(tree, client):
    resp = client.get("/accounts/login/")
    assert resp.status_code == 200
    assert 'lang="zh-hans"' in resp.content.decode()
    resp = client.post("/accounts/login/", {"username": "grid_a", "password": PASSWORD})
    assert resp.status_code == 302
    resp = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password": "Another-pass-9", "new_password2": "Another-pass-9"},
    )
    assert resp.status_code == 200 and "old_password" in resp.context["form"].errors
    resp = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "Another-pass-9", "new_password2": "Another-pass-9"},
    )
    assert resp.status_code == 302
    client.post("/accounts/logout/")
    assert client.login(username="grid_a", password="Another-pass-9")


def test_session_api_needs_csrf_for_writes(tree):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(tree.users["secretary_a1"])
    assert c.get("/api/v1/auth/me").status_code == 200
    resp = c.patch(f"/api/v1/places/{tree.building_a1.code}", {"floors": 5}, content_type="application/json")
    assert resp.status_code in (401, 403)


def test_admin_only_for_superusers(tree, client):
    staff = tree.users["district_admin"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    resp = client.get("/admin/")
    assert resp.status_code in (302, 403)
    from linli.accounts.testing import system_user

    client.force_login(system_user())
    assert client.get("/admin/").status_code == 200


def test_demo_account_token_refused_in_production(tree, client, settings):
    user = tree.users["grid_a"]
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    raw = _token(client, "grid_a").json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/auth/me", **headers).status_code == 200
    settings.LINLI_ENV = "production"
    assert client.get("/api/v1/auth/me", **headers).status_code == 401
    assert _token(client, "grid_a").status_code == 401
