"""The permission matrix: every role × in scope / out of scope × list / detail / update, on pages and API.

Expected answers: allowed → 200 (and the row is listed); in scope but view-only → 403 on update;
out of scope → 404 on detail and update and absent from lists (nothing leaked). Never a 500.
"""

import json

import pytest
from django.urls import NoReverseMatch, reverse

from linli.accounts import services as acc
from linli.accounts.testing import PASSWORD, build_tree, system_user
from linli.areas import services as areas
from linli.orgs import services as orgs

pytestmark = pytest.mark.django_db

USERS = [
    "district_admin",
    "street_a",
    "secretary_a1",
    "social_a1",
    "grid_a",
    "head_a1",
    "dept_staff",
    "property_staff",
    "resident_a1",
    "nobody",
]


def world():
    t = build_tree()
    root = system_user()
    # a second district, so even a district administrator has something out of scope
    other = areas.place_create(actor=root, parent=None, name="黄山区", code="341003000000")
    o_street = areas.place_create(actor=root, parent=other, name="新明街道", code="341003001000")
    o_comm = areas.place_create(actor=root, parent=o_street, name="新明社区", code="341003001001")
    o_compound = areas.place_create(actor=root, parent=o_comm, name="黄山小区")
    o_building = areas.place_create(actor=root, parent=o_compound, name="1栋")
    o_grid = areas.grid_create(actor=root, community=o_comm, name="黄山网格")
    grid_b1 = areas.grid_create(actor=root, community=t.comm_b1, name="半山网格")
    o_org = orgs.organisation_create(actor=root, area=other, kind="department", name="黄山区住建局")
    org_street_a = orgs.organisation_create(actor=root, area=t.street_a, kind="stationed", name="平湖驻区单位")
    org_street_b = orgs.organisation_create(actor=root, area=t.street_b, kind="stationed", name="雨山驻区单位")
    o_user = acc.user_create(actor=root, username="other_district_user", password=PASSWORD, home=other)
    b1_user = acc.user_create(actor=root, username="street_b_user", password=PASSWORD, home=t.comm_b1)
    a2_user = acc.user_create(actor=root, username="comm_a2_user", password=PASSWORD, home=t.comm_a2)

    P = "place"
    G = "grid"
    O = "org"  # noqa: E741
    U = "user"
    # user -> model -> (in-scope object or None, out-of-scope object, may change the in-scope object)
    expect = {
        "district_admin": {
            P: (t.building_b1, o_building, True),
            G: (t.grid_b, o_grid, True),
            O: (t.dept, o_org, True),
            U: (t.users["secretary_a1"], o_user, True),
        },
        "street_a": {
            P: (t.building_a2, t.building_b1, True),
            G: (t.grid_b, grid_b1, True),
            O: (org_street_a, org_street_b, True),
            U: (t.users["secretary_a1"], b1_user, True),
        },
        "secretary_a1": {
            P: (t.building_a1b, t.building_a2, True),
            G: (t.grid_a, t.grid_b, True),
            O: (t.dept, org_street_b, False),
            U: (t.users["social_a1"], a2_user, True),
        },
        "social_a1": {
            P: (t.building_a1b, t.building_a2, True),
            G: (t.grid_a, t.grid_b, False),
            O: (t.dept, org_street_b, False),
            U: (t.users["grid_a"], a2_user, False),
        },
        "grid_a": {
            P: (t.building_a1, t.building_a1b, True),
            G: (t.grid_a, t.grid_b, False),
            O: (t.dept, org_street_b, False),
            U: (None, t.users["social_a1"], False),
        },
        "head_a1": {
            P: (t.building_a1, t.building_a1b, False),
            G: (t.grid_a, t.grid_b, False),
            O: (None, t.dept, False),
            U: (None, t.users["social_a1"], False),
        },
        "dept_staff": {
            P: (t.building_b1, o_building, False),
            G: (None, t.grid_a, False),
            O: (t.dept, t.dept_other, False),
            U: (None, t.users["social_a1"], False),
        },
        "property_staff": {
            P: (t.building_a1, t.building_a2, False),
            G: (None, t.grid_a, False),
            O: (t.property_co, t.dept, False),
            U: (None, t.users["social_a1"], False),
        },
        "resident_a1": {
            P: (t.house_a1, t.house_a2, False),
            G: (None, t.grid_a, False),
            O: (None, t.dept, False),
            U: (None, t.users["social_a1"], False),
        },
        "nobody": {
            P: (None, t.building_a1, False),
            G: (None, t.grid_a, False),
            O: (None, t.dept, False),
            U: (None, t.users["social_a1"], False),
        },
    }
    return t, expect


def _key(kind, obj):
    return obj.code if kind in ("place", "grid") else obj.pk


ROUTES = {
    # kind: (page detail, page edit, API item, API list, harmless PATCH body, list page)
    "place": (
        "areas:place_detail",
        "areas:place_edit",
        "/api/v1/places/{}",
        "/api/v1/places?page_size=200",
        lambda o: {"name": o.name},
        "areas:place_list",
    ),
    "grid": (
        "areas:grid_detail",
        "areas:grid_edit",
        "/api/v1/grids/{}",
        "/api/v1/grids?page_size=200",
        lambda o: {"notes": "matrix"},
        "areas:grid_list",
    ),
    "org": (
        "orgs:detail",
        "orgs:edit",
        "/api/v1/organisations/{}",
        "/api/v1/organisations?page_size=200",
        lambda o: {"contact_name": "矩阵"},
        "orgs:list",
    ),
    "user": (
        "accounts:user_detail",
        "accounts:user_edit",
        "/api/v1/users/{}",
        "/api/v1/users?page_size=200",
        lambda o: {"display_name": o.display_name or o.username},
        "accounts:user_list",
    ),
}


def _api_ids(kind, body):
    rows = body["results"]
    return {r["code"] if kind in ("place", "grid") else r["id"] for r in rows}


def _page(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("username", USERS)
def test_permission_matrix(username, client):
    t, expect = world()
    user = t.users[username]
    api = client.__class__()
    resp = api.post("/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json")
    assert resp.status_code == 201
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {resp.json()['token']}"}
    client.force_login(user)
    problems = []

    def check(label, got, want):
        if got != want:
            problems.append(f"{username} {label}: got {got}, want {want}")

    for kind, (inside, outside, may_change) in expect[username].items():
        detail, edit, api_item, api_list, patch_body, list_page = ROUTES[kind]
        listed = api.get(api_list, **bearer)
        if inside is None and listed.status_code == 200:
            ids = _api_ids(kind, listed.json())
            check(f"API list {kind} leaks out-of-scope", _key(kind, outside) in ids, False)
        else:
            check(f"API list {kind} status", listed.status_code, 200)
            if listed.status_code == 200:
                ids = _api_ids(kind, listed.json())
                if inside is not None:
                    check(f"API list {kind} shows in-scope", _key(kind, inside) in ids, True)
                check(f"API list {kind} hides out-of-scope", _key(kind, outside) in ids, False)

        page_list = _page(list_page)
        if page_list:
            r = client.get(page_list)
            check(f"page list {kind} is not 500", r.status_code < 500, True)
            if r.status_code == 200:
                html = r.content.decode()
                marker = str(outside.code) if kind in ("place", "grid") else reverse(detail, args=[outside.pk])
                check(f"page list {kind} hides out-of-scope", marker in html, False)

        # out of scope: 404 everywhere, nothing leaked
        out_key = _key(kind, outside)
        check(f"API get out-of-scope {kind}", api.get(api_item.format(out_key), **bearer).status_code, 404)
        r = api.patch(
            api_item.format(out_key), json.dumps(patch_body(outside)), content_type="application/json", **bearer
        )
        check(f"API patch out-of-scope {kind}", r.status_code, 404)
        for name in (detail, edit):
            url = _page(name, out_key)
            if url:
                check(f"page {name} out-of-scope", client.get(url).status_code, 404)

        if inside is None:
            continue
        in_key = _key(kind, inside)
        check(f"API get in-scope {kind}", api.get(api_item.format(in_key), **bearer).status_code, 200)
        r = api.patch(
            api_item.format(in_key), json.dumps(patch_body(inside)), content_type="application/json", **bearer
        )
        check(f"API patch in-scope {kind}", r.status_code, 200 if may_change else 403)
        if r.status_code >= 400:
            body = r.json()
            check(f"API patch {kind} error body", set(body.get("error", {})), {"code", "message", "fields"})
        url = _page(detail, in_key)
        if url:
            check(f"page {detail} in-scope", client.get(url).status_code, 200)
        url = _page(edit, in_key)
        if url:
            check(f"page {edit} in-scope", client.get(url).status_code, 200 if may_change else 403)

    assert not problems, "\n".join(problems)
