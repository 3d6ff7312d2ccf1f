"""Nobody manages an account above their own role (issue #11 items 2, 3 and 9), in the UI and the API.

The attack: a district administrator's account registered (homed) in community A1 is within the A1
secretary's user scope; the secretary must still not reset its password, deactivate it, edit it or
change its roles. A grid worker's account in the same community stays theirs to manage.
"""

import pytest
from django.urls import reverse

from linli.accounts import services
from linli.accounts.models import ApiToken, RoleBinding
from linli.accounts.testing import PASSWORD, system_user
from linli.core.models import AuditLog

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Fresh-pass-2026"


@pytest.fixture
def boss(tree):
    """A district administrator whose account is registered under community A1."""
    user = services.user_create(
        actor=system_user(), username="boss_a1", password=PASSWORD, home=tree.comm_a1, display_name="boss"
    )
    services.binding_add(actor=system_user(), user=user, role="district_admin", place=tree.district)
    return user


def _token(client, username, password=PASSWORD):
    resp = client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    assert resp.status_code == 201, resp.content
    return {"HTTP_AUTHORIZATION": f"Bearer {resp.json()['token']}"}


def _unchanged(user):
    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD) and user.display_name == "boss"


# -- item 2: the rank rule on every account action -----------------------------------------------------


def test_service_refuses_every_account_action_above_the_actor(tree, boss):
    secretary = tree.users["secretary_a1"]
    from django.core.exceptions import PermissionDenied

    assert not services.may_manage_account(secretary, boss)
    with pytest.raises(PermissionDenied):
        services.user_set_password(actor=secretary, user=boss, password=NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.user_update(actor=secretary, user=boss, is_active=False)
    with pytest.raises(PermissionDenied):
        services.user_update(actor=secretary, user=boss, display_name="pwned")
    with pytest.raises(PermissionDenied):
        services.binding_add(actor=secretary, user=boss, role="resident", place=tree.house_a1)
    _unchanged(boss)
    assert services.may_manage_account(tree.users["district_admin"], boss)
    assert services.may_manage_account(secretary, tree.users["grid_a"])


def test_ui_secretary_cannot_act_on_a_district_admins_account(tree, client, boss):
    client.force_login(tree.users["secretary_a1"])
    detail = client.get(reverse("accounts:user_detail", args=[boss.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert 'data-testid="password-form"' not in body and 'data-testid="user-edit"' not in body
    assert 'data-testid="role-add-form"' not in body
    audit_rows = AuditLog.objects.count()

    resp = client.post(
        reverse("accounts:user_password", args=[boss.pk]), {"pw-password": NEW_PASSWORD, "pw-password2": NEW_PASSWORD}
    )
    assert resp.status_code == 403
    assert client.get(reverse("accounts:user_edit", args=[boss.pk])).status_code == 403
    resp = client.post(reverse("accounts:user_edit", args=[boss.pk]), {"display_name": "pwned"})
    assert resp.status_code == 403  # the form leaves is_active unticked: this would deactivate
    resp = client.post(
        reverse("accounts:role_add", args=[boss.pk]), {"role-role": "resident", "role-place": tree.house_a1.code}
    )
    assert resp.status_code == 403
    _unchanged(boss)
    assert not RoleBinding.objects.filter(user=boss, role="resident").exists()
    assert AuditLog.objects.count() == audit_rows


def test_ui_secretary_still_manages_a_grid_workers_account(tree, client):
    client.force_login(tree.users["secretary_a1"])
    target = tree.users["grid_a"]
    resp = client.post(
        reverse("accounts:user_password", args=[target.pk]), {"pw-password": NEW_PASSWORD, "pw-password2": NEW_PASSWORD}
    )
    assert resp.status_code == 302
    resp = client.post(reverse("accounts:user_edit", args=[target.pk]), {"display_name": "网格员甲"})
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD) and not target.is_active and target.display_name == "网格员甲"


def test_api_secretary_cannot_act_on_a_district_admins_account(tree, client, boss):
    h = _token(client, "secretary_a1")
    for body in ({"is_active": False}, {"display_name": "pwned"}):
        resp = client.patch(f"/api/v1/users/{boss.pk}", body, content_type="application/json", **h)
        assert resp.status_code == 403, resp.content
        assert resp.json()["error"]["code"] == "forbidden"
    resp = client.post(
        f"/api/v1/users/{boss.pk}/roles",
        {"role": "resident", "place": tree.house_a1.code},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 403
    _unchanged(boss)


def test_api_secretary_still_manages_a_grid_workers_account(tree, client):
    h = _token(client, "secretary_a1")
    target = tree.users["grid_a"]
    resp = client.patch(f"/api/v1/users/{target.pk}", {"is_active": False}, content_type="application/json", **h)
    assert resp.status_code == 200, resp.content
    target.refresh_from_db()
    assert not target.is_active


def test_a_role_held_outside_the_actors_scope_protects_the_account(tree, boss):
    """A secretary's rank equals a secretary's, but not in another community: that account is not theirs."""
    other = services.user_create(actor=system_user(), username="sec_b1", password=PASSWORD, home=tree.comm_a1)
    services.binding_add(actor=system_user(), user=other, role="community_secretary", place=tree.comm_b1)
    assert not services.may_manage_account(tree.users["secretary_a1"], other)
    assert services.may_manage_account(tree.users["street_a"], tree.users["secretary_a1"])


def test_role_removal_on_a_higher_account_is_refused(tree, client, boss):
    helper = services.binding_add(actor=system_user(), user=boss, role="social_worker", place=tree.comm_a1)
    client.force_login(tree.users["secretary_a1"])
    resp = client.post(reverse("accounts:role_remove", args=[boss.pk, helper.pk]))
    assert resp.status_code == 403
    assert RoleBinding.objects.filter(pk=helper.pk).exists()


# -- item 3: API tokens die with a password change or a deactivation -------------------------------------


def test_own_password_change_revokes_api_tokens(tree, client):
    h = _token(client, "grid_a")
    assert client.get("/api/v1/auth/me", **h).status_code == 200
    client.force_login(tree.users["grid_a"])
    resp = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert resp.status_code == 302
    client.logout()
    assert client.get("/api/v1/auth/me", **h).status_code == 401
    assert not ApiToken.objects.usable().filter(user=tree.users["grid_a"]).exists()
    assert AuditLog.objects.filter(action="revoke_token", object_type="accounts.apitoken").exists()


def test_admin_password_reset_revokes_api_tokens(tree, client):
    h = _token(client, "grid_a")
    services.user_set_password(actor=tree.users["secretary_a1"], user=tree.users["grid_a"], password=NEW_PASSWORD)
    assert client.get("/api/v1/auth/me", **h).status_code == 401


def test_deactivation_revokes_api_tokens_for_good(tree, client):
    h = _token(client, "grid_a")
    target = tree.users["grid_a"]
    services.user_update(actor=tree.users["secretary_a1"], user=target, is_active=False)
    services.user_update(actor=tree.users["secretary_a1"], user=target, is_active=True)
    assert client.get("/api/v1/auth/me", **h).status_code == 401  # reactivation does not revive old tokens


# -- item 9: the API shows only role grants in the caller's scope ---------------------------------------


def test_api_user_detail_lists_only_role_grants_in_scope(tree, client, boss):
    services.binding_add(actor=system_user(), user=boss, role="resident", place=tree.house_a1)
    h = _token(client, "secretary_a1")
    page = client.get(reverse("accounts:user_detail", args=[boss.pk]))  # not logged in: just the shape
    assert page.status_code == 302
    resp = client.get(f"/api/v1/users/{boss.pk}", **h)
    assert resp.status_code == 200
    assert [r["role"] for r in resp.json()["roles"]] == ["resident"]
    listed = client.get("/api/v1/users?page_size=200", **h).json()["results"]
    assert [r["role"] for u in listed if u["id"] == boss.pk for r in u["roles"]] == ["resident"]
    # the role filter cannot probe roles held outside the caller's scope either
    resp = client.get("/api/v1/users?role=district_admin", **h)
    assert boss.pk not in [u["id"] for u in resp.json()["results"]]
    # the district administrator sees both
    h = _token(client, "district_admin")
    roles = sorted(r["role"] for r in client.get(f"/api/v1/users/{boss.pk}", **h).json()["roles"])
    assert roles == ["district_admin", "resident"]
