import pytest

from linli.accounts.models import RoleBinding, User
from linli.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_secretary_creates_a_user_and_grants_a_grid_worker_role(tree, client, token_for):
    h = token_for("secretary_a1")
    resp = client.post(
        "/api/v1/users",
        {"username": "new_grid", "password": "Grid-worker-2026", "display_name": "新网格员", "home": tree.comm_a1.code},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 201, resp.content
    uid = resp.json()["id"]
    resp = client.post(
        f"/api/v1/users/{uid}/roles",
        {"role": "grid_worker", "grid": tree.grid_a.code},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 201, resp.content
    assert RoleBinding.objects.filter(user_id=uid, grid=tree.grid_a).exists()
    assert AuditLog.objects.filter(
        object_type="accounts.rolebinding", action="create", actor_name="secretary_a1"
    ).exists()


def test_nobody_grants_a_role_above_their_own(tree, client, token_for):
    h = token_for("secretary_a1")
    uid = tree.users["social_a1"].pk
    n = RoleBinding.objects.count()
    # district admin sits at the district: outside the secretary's scope
    resp = client.post(
        f"/api/v1/users/{uid}/roles",
        {"role": "district_admin", "place": tree.district.code},
        content_type="application/json",
        **h,
    )
    assert resp.status_code in (400, 403)
    # street staff at a street: also above
    resp = client.post(
        f"/api/v1/users/{uid}/roles",
        {"role": "street_staff", "place": tree.street_a.code},
        content_type="application/json",
        **h,
    )
    assert resp.status_code in (400, 403)
    assert RoleBinding.objects.count() == n


def test_role_scope_must_match_the_role(tree, client, token_for):
    h = token_for("district_admin")
    uid = tree.users["nobody"].pk
    cases = [
        {"role": "community_secretary", "place": tree.street_a.code},  # a street, not a community
        {"role": "grid_worker"},  # no grid
        {"role": "department_staff", "organisation": tree.property_co.pk},  # wrong kind
        {"role": "building_head", "place": "12345"},  # unknown code
        {"role": "emperor", "place": tree.district.code},  # unknown role
    ]
    for body in cases:
        resp = client.post(f"/api/v1/users/{uid}/roles", body, content_type="application/json", **h)
        assert resp.status_code == 400, (body, resp.content)
        assert resp.json()["error"]["fields"], body
    assert not RoleBinding.objects.filter(user_id=uid).exists()


def test_weak_password_and_duplicate_username_are_field_errors(tree, client, token_for):
    h = token_for("district_admin")
    n = User.objects.count()
    resp = client.post(
        "/api/v1/users",
        {"username": "x1", "password": "123", "home": tree.district.code},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 400 and "password" in resp.json()["error"]["fields"]
    resp = client.post(
        "/api/v1/users",
        {"username": "grid_a", "password": "Long-enough-2026", "home": tree.district.code},
        content_type="application/json",
        **h,
    )
    assert resp.status_code == 400 and "username" in resp.json()["error"]["fields"]
    assert User.objects.count() == n


def test_user_list_is_scoped_with_constant_queries(tree, client, token_for, django_assert_max_num_queries):
    h = token_for("street_a")
    resp = client.get("/api/v1/users?page_size=200", **h)
    names = {u["username"] for u in resp.json()["results"]}
    assert "secretary_a1" in names and "district_admin" not in names
    with django_assert_max_num_queries(8):
        client.get("/api/v1/users?page_size=200", **h)


def test_the_database_refuses_a_duplicate_binding(tree):
    from django.db import IntegrityError, transaction

    b = RoleBinding.objects.filter(user=tree.users["grid_a"]).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleBinding.objects.create(user=b.user, role=b.role, grid=b.grid, scope_path=b.scope_path)
