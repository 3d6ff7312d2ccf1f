from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.accounts import services
from linli.accounts.models import RoleBinding, User
from linli.accounts.testing import PASSWORD, system_user
from linli.core.models import AuditLog
from linli.core.testing import count_queries

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Fresh-pass-2026"


@pytest.fixture
def login(client, tree):
    def _login(username):
        client.force_login(tree.users[username])
        return client

    return _login


def make_user(tree, name, home):
    return services.user_create(actor=system_user(), username=name, password=PASSWORD, home=home, display_name=name)


# -- the existing pages keep working ------------------------------------------------------------------


def test_login_and_password_pages_still_answer(client, tree):
    assert client.get(reverse("accounts:login")).status_code == 200
    client.force_login(tree.users["nobody"])
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_anonymous_is_sent_to_login(client):
    for name in ("accounts:user_list", "accounts:audit_list", "accounts:user_create"):
        resp = client.get(reverse(name))
        assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


# -- user list ----------------------------------------------------------------------------------------


def test_user_list_is_scoped_and_shows_roles(tree, login):
    other = make_user(tree, "west_user", tree.comm_a2)
    client = login("secretary_a1")
    resp = client.get(reverse("accounts:user_list"))
    assert resp.status_code == 200
    names = {u.username for u in resp.context["object_list"]}
    assert {"secretary_a1", "social_a1", "grid_a", "head_a1", "resident_a1"} <= names
    assert other.username not in names
    assert "district_admin" not in names and "street_a" not in names
    body = resp.content.decode()
    assert "Grid worker" in body or "网格员" in body or "grid_worker" in body


def test_user_list_search_and_role_filter(tree, login):
    client = login("district_admin")
    resp = client.get(reverse("accounts:user_list"), {"role": "grid_worker"})
    assert [u.username for u in resp.context["object_list"]] == ["grid_a"]
    resp = client.get(reverse("accounts:user_list"), {"q": "secret"})
    assert [u.username for u in resp.context["object_list"]] == ["secretary_a1"]
    resp = client.get(reverse("accounts:user_list"), {"q": "secret"}, HTTP_HX_REQUEST="true")
    assert resp.content.decode().lstrip().startswith('<div id="results">')


def test_user_list_forbidden_roles_see_nothing(tree, login):
    client = login("grid_a")
    resp = client.get(reverse("accounts:user_list"))
    assert resp.status_code == 200
    assert list(resp.context["object_list"]) == []


def test_user_list_query_count_is_constant(tree, login):
    client = login("district_admin")
    with count_queries() as small:
        assert client.get(reverse("accounts:user_list")).status_code == 200
    for i in range(15):
        u = make_user(tree, f"extra{i}", tree.comm_a1)
        services.binding_add(actor=system_user(), user=u, role="building_head", place=tree.building_a1)
        services.binding_add(actor=system_user(), user=u, role="grid_worker", grid=tree.grid_a)
    with count_queries() as large:
        resp = client.get(reverse("accounts:user_list"))
    assert len(resp.context["object_list"]) > 20
    assert large.count == small.count, [q["sql"] for q in large.captured_queries]


# -- user detail and scope ----------------------------------------------------------------------------


def test_secretary_cannot_see_users_of_another_community(tree, login):
    other = make_user(tree, "west_user", tree.comm_a2)
    client = login("secretary_a1")
    assert client.get(reverse("accounts:user_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("accounts:user_edit", args=[other.pk])).status_code == 404
    resp = client.post(
        reverse("accounts:role_add", args=[other.pk]), {"role-role": "resident", "role-place": tree.house_a1.code}
    )
    assert resp.status_code == 404
    resp = client.post(
        reverse("accounts:user_password", args=[other.pk]), {"pw-password": NEW_PASSWORD, "pw-password2": NEW_PASSWORD}
    )
    assert resp.status_code == 404
    assert not RoleBinding.objects.filter(user=other).exists()
    other.refresh_from_db()
    assert other.check_password(PASSWORD)


def test_secretary_cannot_grant_district_admin(tree, login):
    client = login("secretary_a1")
    target = tree.users["resident_a1"]
    before = RoleBinding.objects.count(), AuditLog.objects.count()
    for place in (tree.district, tree.comm_a1):
        resp = client.post(
            reverse("accounts:role_add", args=[target.pk]), {"role-role": "district_admin", "role-place": place.code}
        )
        assert resp.status_code in (200, 403)
        if resp.status_code == 200:
            assert resp.context["role_form"].errors
    assert (RoleBinding.objects.count(), AuditLog.objects.count()) == before
    assert not RoleBinding.objects.filter(user=target, role="district_admin").exists()


def test_detail_shows_roles_forms_and_remove_buttons(tree, login):
    client = login("district_admin")
    target = tree.users["grid_a"]
    binding = RoleBinding.objects.get(user=target)
    resp = client.get(reverse("accounts:user_detail", args=[target.pk]))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert tree.grid_a.code in body
    assert f'data-testid="role-remove-{binding.pk}"' in body
    assert 'data-testid="role-add-form"' in body and 'data-testid="password-form"' in body


def test_detail_for_read_only_viewer_has_no_write_forms(tree, login):
    client = login("social_a1")
    resp = client.get(reverse("accounts:user_detail", args=[tree.users["grid_a"].pk]))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "role-add-form" not in body and "password-form" not in body and "role-remove-" not in body
    assert client.get(reverse("accounts:user_edit", args=[tree.users["grid_a"].pk])).status_code == 403


def test_role_select_swaps_in_the_scope_field(tree, login):
    client = login("district_admin")
    url = reverse("accounts:user_detail", args=[tree.users["nobody"].pk])
    resp = client.get(url, {"role-role": "grid_worker"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert body.lstrip().startswith('<div id="scope-fields">')
    assert 'name="role-grid"' in body and 'name="role-place"' not in body
    resp = client.get(url, {"role-role": "department_staff"}, HTTP_HX_REQUEST="true")
    assert 'name="role-organisation"' in resp.content.decode()
    assert 'name="role-grid"' not in resp.content.decode()


# -- create, grant, remove, with audit ----------------------------------------------------------------


def test_district_admin_creates_a_user_and_grants_grid_worker(tree, login):
    client = login("district_admin")
    admin = tree.users["district_admin"]
    resp = client.get(reverse("accounts:user_create"))
    assert resp.context["form"].initial["home"] == tree.district.code

    resp = client.post(
        reverse("accounts:user_create"),
        {
            "username": "new_grid",
            "display_name": "新网格员",
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "home": tree.comm_a1.code,
        },
    )
    assert resp.status_code == 302, resp.context["form"].errors
    user = User.objects.get(username="new_grid")
    assert resp["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.scope_path == tree.comm_a1.path and user.check_password(NEW_PASSWORD)
    row = AuditLog.objects.get(object_type="accounts.user", object_id=str(user.pk), action="create")
    assert row.actor == admin and row.actor_name == "district_admin"
    assert row.before is None and row.after["username"] == "new_grid"
    assert "password" not in row.after

    resp = client.post(
        reverse("accounts:role_add", args=[user.pk]), {"role-role": "grid_worker", "role-grid": tree.grid_a.code}
    )
    assert resp.status_code == 302, resp.context["role_form"].errors
    binding = RoleBinding.objects.get(user=user)
    assert binding.role == "grid_worker" and binding.grid == tree.grid_a and binding.granted_by == admin
    row = AuditLog.objects.get(object_type="accounts.rolebinding", object_id=str(binding.pk), action="create")
    assert row.actor == admin
    assert ("grid_id", None, tree.grid_a.pk) in row.changed_fields()
    assert ("role", None, "grid_worker") in row.changed_fields()

    # The new binding shows up on the audit page with its before → after.
    resp = client.get(
        reverse("accounts:audit_list"), {"object_type": "accounts.rolebinding", "object_id": str(binding.pk)}
    )
    assert [r.pk for r in resp.context["object_list"]] == [row.pk]
    assert "<strong>网格</strong>" in resp.content.decode()  # the field, named in the UI language

    resp = client.post(reverse("accounts:role_remove", args=[user.pk, binding.pk]))
    assert resp.status_code == 302
    assert not RoleBinding.objects.filter(pk=binding.pk).exists()
    row = AuditLog.objects.get(object_type="accounts.rolebinding", object_id=str(binding.pk), action="delete")
    assert row.actor == admin and row.before["role"] == "grid_worker" and row.after is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"password2": "Other-pass-2026"}, "password2"),
        ({"password": "12345678", "password2": "12345678"}, "password"),
        ({"username": "grid_a"}, "username"),
        ({"username": "has space"}, "username"),
        ({"home": "340504002001"}, "home"),  # another street: out of a secretary's scope
        ({"home": "abc"}, "home"),
    ],
)
def test_user_create_bad_input_gives_field_errors_and_writes_nothing(tree, login, data, field):
    client = login("secretary_a1")
    payload = {
        "username": "new_user",
        "display_name": "",
        "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "home": tree.comm_a1.code,
        **data,
    }
    counts = User.objects.count(), AuditLog.objects.count()
    resp = client.post(reverse("accounts:user_create"), payload)
    assert resp.status_code == 200
    assert resp.context["form"].errors.get(field), resp.context["form"].errors
    assert (User.objects.count(), AuditLog.objects.count()) == counts


def test_user_create_forbidden_without_add_permission(tree, login):
    client = login("grid_a")
    assert client.get(reverse("accounts:user_create")).status_code == 403


def test_role_add_needs_the_right_scope(tree, login):
    client = login("district_admin")
    target = tree.users["nobody"]
    url = reverse("accounts:role_add", args=[target.pk])
    cases = [
        ({"role-role": "grid_worker"}, "grid"),
        ({"role-role": "grid_worker", "role-grid": "NOPE"}, "grid"),
        ({"role-role": "community_secretary", "role-place": tree.street_a.code}, "place"),
        ({"role-role": "department_staff", "role-organisation": tree.property_co.pk}, "organisation"),
        ({"role-role": "resident", "role-place": tree.house_a1.code, "role-grid": tree.grid_a.code}, "grid"),
        ({"role-role": "grid_worker", "role-grid": tree.grid_a.code, "role-place": "999"}, "place"),
    ]
    for data, field in cases:
        resp = client.post(url, data)
        assert resp.status_code == 200
        assert resp.context["role_form"].errors.get(field), (data, resp.context["role_form"].errors)
        assert 'class="field-error"' in resp.content.decode()
    assert not RoleBinding.objects.filter(user=target).exists()


def test_role_add_department_staff_by_organisation(tree, login):
    client = login("district_admin")
    target = tree.users["nobody"]
    resp = client.post(
        reverse("accounts:role_add", args=[target.pk]),
        {"role-role": "department_staff", "role-organisation": tree.dept.pk},
    )
    assert resp.status_code == 302
    assert RoleBinding.objects.get(user=target).organisation == tree.dept


def test_role_remove_needs_permission_in_scope(tree, login):
    target = make_user(tree, "helper", tree.comm_a1)
    binding = services.binding_add(actor=system_user(), user=target, role="social_worker", place=tree.comm_a1)
    street_binding = RoleBinding.objects.get(user=tree.users["street_a"])
    # A building head cannot see role bindings at all; a secretary cannot see the street's.
    assert login("head_a1").post(reverse("accounts:role_remove", args=[target.pk, binding.pk])).status_code == 404
    client = login("secretary_a1")
    resp = client.post(reverse("accounts:role_remove", args=[street_binding.user_id, street_binding.pk]))
    assert resp.status_code == 404
    # A social worker may only read: 403 on a binding they can see.
    resp = login("social_a1").post(reverse("accounts:role_remove", args=[target.pk, binding.pk]))
    assert resp.status_code == 403
    assert RoleBinding.objects.filter(pk__in=[binding.pk, street_binding.pk]).count() == 2
    client = login("secretary_a1")
    assert client.post(reverse("accounts:role_remove", args=[target.pk, binding.pk])).status_code == 302
    assert not RoleBinding.objects.filter(pk=binding.pk).exists()


def test_role_remove_only_by_post(tree, login):
    client = login("district_admin")
    binding = RoleBinding.objects.get(user=tree.users["grid_a"])
    assert client.get(reverse("accounts:role_remove", args=[binding.user_id, binding.pk])).status_code == 405
    assert RoleBinding.objects.filter(pk=binding.pk).exists()


def test_edit_user_with_audit(tree, login):
    client = login("secretary_a1")
    target = tree.users["resident_a1"]
    resp = client.post(reverse("accounts:user_edit", args=[target.pk]), {"display_name": "张三"})
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.display_name == "张三" and not target.is_active
    row = AuditLog.objects.filter(object_type="accounts.user", object_id=str(target.pk), action="update").latest("id")
    assert row.actor == tree.users["secretary_a1"]
    assert ("display_name", "resident_a1", "张三") in row.changed_fields()
    assert ("is_active", True, False) in row.changed_fields()


def test_cannot_deactivate_oneself(tree, login):
    client = login("secretary_a1")
    me = tree.users["secretary_a1"]
    resp = client.post(reverse("accounts:user_edit", args=[me.pk]), {"display_name": "me"})
    assert resp.status_code == 200 and resp.context["form"].errors["is_active"]
    me.refresh_from_db()
    assert me.is_active and me.display_name == "secretary_a1"


def test_set_password(tree, login):
    client = login("secretary_a1")
    target = tree.users["resident_a1"]
    url = reverse("accounts:user_password", args=[target.pk])
    resp = client.post(url, {"pw-password": NEW_PASSWORD, "pw-password2": "different-2026"})
    assert resp.status_code == 200 and resp.context["password_form"].errors["password2"]
    resp = client.post(url, {"pw-password": "123", "pw-password2": "123"})
    assert resp.status_code == 200 and resp.context["password_form"].errors["password"]
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    resp = client.post(url, {"pw-password": NEW_PASSWORD, "pw-password2": NEW_PASSWORD})
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    assert AuditLog.objects.filter(
        object_id=str(target.pk), action="set_password", actor=tree.users["secretary_a1"]
    ).exists()


def test_set_password_forbidden_for_viewers(tree, login):
    client = login("social_a1")
    target = tree.users["resident_a1"]
    resp = client.post(
        reverse("accounts:user_password", args=[target.pk]), {"pw-password": NEW_PASSWORD, "pw-password2": NEW_PASSWORD}
    )
    assert resp.status_code == 403
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_non_superuser_cannot_touch_a_superuser(tree, login):
    boss = make_user(tree, "boss", tree.district)
    User.objects.filter(pk=boss.pk).update(is_superuser=True)
    client = login("district_admin")
    resp = client.post(
        reverse("accounts:user_password", args=[boss.pk]), {"pw-password": NEW_PASSWORD, "pw-password2": NEW_PASSWORD}
    )
    assert resp.status_code == 403
    assert client.get(reverse("accounts:user_edit", args=[boss.pk])).status_code == 403
    boss.refresh_from_db()
    assert boss.check_password(PASSWORD)


# -- audit trail --------------------------------------------------------------------------------------


def test_audit_list_for_district_admin(tree, login):
    client = login("district_admin")
    resp = client.get(reverse("accounts:audit_list"))
    assert resp.status_code == 200
    rows = resp.context["object_list"]
    assert rows and all(r.scope_path.startswith(tree.district.path) for r in rows)
    body = resp.content.decode()
    assert "<details" in body and "→" in body
    assert "accounts.rolebinding" in [c[0] for c in resp.context["filter_form"].fields["object_type"].choices]


@pytest.mark.parametrize("username", ["grid_a", "secretary_a1", "nobody", "dept_staff"])
def test_audit_list_forbidden_without_view_permission(tree, login, username):
    assert login(username).get(reverse("accounts:audit_list")).status_code == 403


def test_audit_list_filters(tree, login):
    client = login("district_admin")
    url = reverse("accounts:audit_list")
    target = tree.users["resident_a1"]
    services.user_update(actor=tree.users["district_admin"], user=target, display_name="李四")

    resp = client.get(url, {"actor": "district_admin", "actor_label": "district_admin"})
    rows = resp.context["object_list"]
    assert rows and {r.actor_name for r in rows} == {"district_admin"}
    assert f'data-url="{reverse("accounts:pick_users")}"' in resp.content.decode()  # picked, not typed

    rows = client.get(url, {"object_type": "orgs.organisation"}).context["object_list"]
    assert rows and {r.object_type for r in rows} == {"orgs.organisation"}

    rows = client.get(url, {"object_type": "accounts.user", "object_id": str(target.pk), "action": "update"}).context[
        "object_list"
    ]
    assert len(rows) == 1 and rows[0].after["display_name"] == "李四"

    today = timezone.localdate()
    everything = client.get(url).context["paginator"].count
    assert (
        client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat()}).context["paginator"].count
        == everything
    )
    assert client.get(url, {"date_to": (today - timedelta(days=1)).isoformat()}).context["paginator"].count == 0
    assert client.get(url, {"date_from": (today + timedelta(days=1)).isoformat()}).context["paginator"].count == 0

    resp = client.get(url, {"date_from": today.isoformat(), "date_to": (today - timedelta(days=1)).isoformat()})
    assert resp.context["filter_form"].errors["date_to"]
    resp = client.get(url, {"object_type": "nope.nope"})
    assert resp.context["filter_form"].errors["object_type"]

    resp = client.get(url, {"actor": "district_admin"}, HTTP_HX_REQUEST="true")
    assert resp.content.decode().lstrip().startswith('<div id="results">')


def test_audit_dates_are_shanghai_days(tree, login):
    """A day filter means a Beijing-time day: 2026-03-01 23:30 and 2026-03-02 00:30 (both 03-01 in UTC) split."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    sh = ZoneInfo("Asia/Shanghai")
    late, early = datetime(2026, 3, 1, 23, 30, tzinfo=sh), datetime(2026, 3, 2, 0, 30, tzinfo=sh)
    for at, oid in ((late, "late"), (early, "early")):
        AuditLog.objects.create(
            at=at, actor_name="system", action="probe", object_type="x.y", object_id=oid, scope_path=tree.district.path
        )
    client = login("district_admin")
    url = reverse("accounts:audit_list")

    def ids(day):
        resp = client.get(url, {"action": "probe", "date_from": day, "date_to": day})
        return {r.object_id for r in resp.context["object_list"]}

    assert ids("2026-03-01") == {"late"}
    assert ids("2026-03-02") == {"early"}


def test_audit_list_query_count_is_constant(tree, login):
    from linli.core import audit

    client = login("district_admin")
    with count_queries() as small:
        assert client.get(reverse("accounts:audit_list")).status_code == 200
    for i in range(60):
        audit.record(
            actor=tree.users["district_admin"],
            action="probe",
            object_type="x.y",
            object_id=str(i),
            scope_path=tree.district.path,
            before={"a": i},
            after={"a": i + 1},
        )
    with count_queries() as large:
        resp = client.get(reverse("accounts:audit_list"))
    assert resp.context["is_paginated"]
    assert large.count == small.count


def test_audit_rows_cannot_be_written_through_the_app(tree, login):
    from linli.accounts import urls

    client = login("district_admin")
    url = reverse("accounts:audit_list")
    assert client.post(url, {}).status_code == 405
    # The only audit route in the app is the read-only list …
    audit_routes = [str(p.pattern) for p in urls.urlpatterns if "audit" in str(p.pattern)]
    assert audit_routes == ["audit/"]
    # … and its page offers no form that posts anything.
    body = client.get(url).content.decode()
    results = body[body.index('<div id="results">') :]
    assert 'method="post"' not in results.split("</main>")[0]


# -- the Django admin ---------------------------------------------------------------------------------


def test_admin_is_for_superusers_only(client, tree):
    staff = tree.users["district_admin"]
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=staff.pk))
    resp = client.get("/admin/")
    assert resp.status_code in (302, 403)
    assert client.get("/admin/core/auditlog/").status_code in (302, 403)

    client.force_login(system_user())
    assert client.get("/admin/").status_code == 200
    for path in (
        "/admin/accounts/user/",
        "/admin/accounts/rolebinding/",
        "/admin/areas/place/",
        "/admin/areas/grid/",
        "/admin/orgs/organisation/",
        "/admin/core/auditlog/",
        f"/admin/accounts/user/{staff.pk}/change/",
    ):
        assert client.get(path).status_code == 200, path
    # the admin inspects and never writes: writes go through the audited services
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.post(f"/admin/areas/place/{tree.building_a1.pk}/change/", {"name": "x"}).status_code == 403


def test_admin_audit_log_is_read_only_even_for_superusers(client, tree):
    client.force_login(system_user())
    row = AuditLog.objects.first()
    assert client.get("/admin/core/auditlog/add/").status_code == 403
    resp = client.get(f"/admin/core/auditlog/{row.pk}/change/")
    assert resp.status_code == 200
    assert b'name="_save"' not in resp.content
    assert client.post(f"/admin/core/auditlog/{row.pk}/change/", {"action": "hacked"}).status_code == 403
    assert client.get(f"/admin/core/auditlog/{row.pk}/delete/").status_code == 403
    assert client.post(f"/admin/core/auditlog/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    resp = client.post("/admin/core/auditlog/", {"action": "delete_selected", "_selected_action": [row.pk]})
    assert AuditLog.objects.filter(pk=row.pk).exists()
    row.refresh_from_db()
    assert row.action != "hacked"
