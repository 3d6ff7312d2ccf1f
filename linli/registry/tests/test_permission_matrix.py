"""The data centre's permission matrix: every role × in scope / out of scope × list / detail / update / reveal,
on pages and API, for residents and households.

Expected answers: allowed → 200 (and the row is listed); in scope but not permitted → 403 on update and reveal;
out of scope → 404 on detail, update and reveal and absent from lists (nothing leaked). Never a 500, never a full
personal number outside a permitted reveal.
"""

import datetime as dt
import json

import pytest
from django.urls import reverse

from linli.accounts.testing import PASSWORD, build_tree, system_user
from linli.areas import services as areas
from linli.core.models import AuditLog
from linli.registry import services

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

# valid ID card numbers (GB 11643 check characters) for the people of the world below
IDS = {
    "a1": "11010519491231002X",
    "a2": "440524188001010014",
    "b1": "110105194912310011",
    "comm": "110105194912310038",
    "other": "110105194912310046",
}
PHONES = {"a1": "13800000001", "a2": "13800000002", "b1": "13800000003", "comm": "13800000004", "other": "13800000005"}


def world():
    t = build_tree()
    root = system_user()
    other = areas.place_create(actor=root, parent=None, name="黄山区", code="341003000000")
    o_street = areas.place_create(actor=root, parent=other, name="新明街道", code="341003001000")
    o_comm = areas.place_create(actor=root, parent=o_street, name="新明社区", code="341003001001")
    o_compound = areas.place_create(actor=root, parent=o_comm, name="黄山小区")
    o_building = areas.place_create(actor=root, parent=o_compound, name="1栋")
    o_unit = areas.place_create(actor=root, parent=o_building, name="1单元")
    o_house = areas.place_create(actor=root, parent=o_unit, name="101", floor=1, number="101")

    def person(key, name, **where):
        return services.resident_create(actor=root, name=name, id_number=IDS[key], phone=PHONES[key], **where)

    people = {
        "a1": person("a1", "甲一", home=t.house_a1),
        "a2": person("a2", "乙二", home=t.house_a2),
        "b1": person("b1", "丙三", home=t.house_b1),
        "comm": person("comm", "丁四", registered_at=t.comm_a1),  # in community A1, outside grid A and building A1
        "other": person("other", "戊五", home=o_house),
    }
    homes = {k: r for k, r in people.items() if r.home_id}
    households = {
        k: services.household_create(actor=root, house=r.home, head=r, since=dt.date(2020, 1, 1))
        for k, r in homes.items()
    }

    # user -> (in-scope key or None, out-of-scope key, may change, may reveal)
    expect = {
        "district_admin": ("b1", "other", True, True),
        "street_a": ("a2", "b1", False, False),
        "secretary_a1": ("a1", "a2", True, True),
        "social_a1": ("comm", "a2", True, True),
        "grid_a": ("a1", "comm", True, True),
        "head_a1": ("a1", "comm", False, False),
        "dept_staff": (None, "a1", False, False),
        "property_staff": (None, "a1", False, False),
        "resident_a1": (None, "a1", False, False),
        "nobody": (None, "a1", False, False),
    }
    return t, people, households, expect


def _secrets():
    return set(IDS.values()) | set(PHONES.values())


@pytest.mark.parametrize("username", USERS)
def test_permission_matrix(username, client):
    t, people, households, expect = world()
    secrets = _secrets()
    user = t.users[username]
    api = client.__class__()
    resp = api.post("/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json")
    assert resp.status_code == 201
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {resp.json()['token']}"}
    client.force_login(user)
    problems = []
    inside, outside, may_change, may_reveal = expect[username]
    revealed = set()

    def check(label, got, want):
        if got != want:
            problems.append(f"{username} {label}: got {got}, want {want}")

    def no_secrets(label, body: str):
        leaked = [s for s in secrets - revealed if s in body]
        check(f"{label} leaks a full number", leaked, [])

    def api_json(method, url, body=None):
        fn = getattr(api, method)
        if body is None:
            return fn(url, **bearer)
        return fn(url, json.dumps(body), content_type="application/json", **bearer)

    out_r = people[outside]
    in_r = people[inside] if inside else None

    # -- lists ---------------------------------------------------------------------------------------
    listed = api_json("get", "/api/v1/residents?page_size=200")
    check("API resident list status", listed.status_code, 200)
    ids = {row["id"] for row in listed.json()["results"]}
    check("API resident list hides out-of-scope", out_r.pk in ids, False)
    if in_r:
        check("API resident list shows in-scope", in_r.pk in ids, True)
    no_secrets("API resident list", listed.content.decode())

    r = client.get(reverse("registry:resident_list"))
    check("page resident list status", r.status_code, 200)
    body = r.content.decode()
    check(
        "page resident list hides out-of-scope",
        reverse("registry:resident_detail", args=[out_r.pk]) + '"' in body,
        False,
    )
    if in_r:
        check(
            "page resident list shows in-scope", reverse("registry:resident_detail", args=[in_r.pk]) + '"' in body, True
        )
    no_secrets("page resident list", body)

    listed = api_json("get", "/api/v1/households?page_size=200")
    check("API household list status", listed.status_code, 200)
    hids = {row["id"] for row in listed.json()["results"]}
    if outside in households:
        check("API household list hides out-of-scope", households[outside].pk in hids, False)
    if inside in households:
        check("API household list shows in-scope", households[inside].pk in hids, True)
    r = client.get(reverse("registry:household_list"))
    check("page household list status", r.status_code, 200)
    if outside in households:
        check("page household list hides out-of-scope", households[outside].number in r.content.decode(), False)

    # -- out of scope: 404 everywhere, nothing leaked, nothing audited -------------------------------------
    check("API get out-of-scope resident", api_json("get", f"/api/v1/residents/{out_r.pk}").status_code, 404)
    check(
        "API patch out-of-scope resident",
        api_json("patch", f"/api/v1/residents/{out_r.pk}", {"notes": "matrix"}).status_code,
        404,
    )
    r = api_json("post", f"/api/v1/residents/{out_r.pk}/reveal", {"field": "id_number"})
    check("API reveal out-of-scope", r.status_code, 404)
    no_secrets("API reveal out-of-scope", r.content.decode())
    for name in ("registry:resident_detail", "registry:resident_edit", "registry:resident_tag_add"):
        check(f"page {name} out-of-scope", client.get(reverse(name, args=[out_r.pk])).status_code, 404)
    r = client.post(reverse("registry:resident_reveal", args=[out_r.pk]), {"field": "phone"})
    check("page reveal out-of-scope", r.status_code, 404)
    if outside in households:
        hh = households[outside]
        check("API get out-of-scope household", api_json("get", f"/api/v1/households/{hh.pk}").status_code, 404)
        check(
            "page household out-of-scope",
            client.get(reverse("registry:household_detail", args=[hh.pk])).status_code,
            404,
        )
        r = client.post(
            reverse("registry:household_move_in", args=[hh.pk]),
            {"resident": out_r.pk, "relation": "head", "since": "2024-01-01"},
        )
        check("page move-in out-of-scope", r.status_code, 404)
    if out_r.home_id:
        r = client.get(reverse("registry:building_view", args=[out_r.home.parent.parent.code]))
        check("page building table out-of-scope", r.status_code in (403, 404), True)
    check("out-of-scope reveals audited", AuditLog.objects.filter(action="unmask").count(), 0)

    if in_r is None:
        assert not problems, "\n".join(problems)
        return

    # -- in scope ------------------------------------------------------------------------------------
    r = api_json("get", f"/api/v1/residents/{in_r.pk}")
    check("API get in-scope resident", r.status_code, 200)
    no_secrets("API get in-scope resident", r.content.decode())
    r = api_json("patch", f"/api/v1/residents/{in_r.pk}", {"notes": "matrix"})
    check("API patch in-scope resident", r.status_code, 200 if may_change else 403)
    if r.status_code >= 400:
        check("API patch error body", set(r.json().get("error", {})), {"code", "message", "fields"})
    r = client.get(reverse("registry:resident_detail", args=[in_r.pk]))
    check("page detail in-scope", r.status_code, 200)
    body = r.content.decode()
    no_secrets("page detail in-scope", body)
    check("page detail offers reveal", 'data-testid="reveal-id_number"' in body, may_reveal)
    check(
        "page edit in-scope",
        client.get(reverse("registry:resident_edit", args=[in_r.pk])).status_code,
        200 if may_change else 403,
    )

    before = AuditLog.objects.filter(action="unmask").count()
    r = api_json("post", f"/api/v1/residents/{in_r.pk}/reveal", {"field": "id_number", "purpose": "matrix"})
    check("API reveal in-scope", r.status_code, 200 if may_reveal else 403)
    if may_reveal:
        check("API reveal value", r.json().get("value"), IDS[inside])
        revealed.add(IDS[inside])
    else:
        no_secrets("API reveal refused", r.content.decode())
    r = client.post(reverse("registry:resident_reveal", args=[in_r.pk]), {"field": "id_number", "purpose": "matrix"})
    check("page reveal in-scope", r.status_code, 200 if may_reveal else 403)
    check("reveals audited", AuditLog.objects.filter(action="unmask").count() - before, 2 if may_reveal else 0)

    if inside in households:
        hh = households[inside]
        r = api_json("get", f"/api/v1/households/{hh.pk}")
        check("API get in-scope household", r.status_code, 200)
        check(
            "page household in-scope", client.get(reverse("registry:household_detail", args=[hh.pk])).status_code, 200
        )
        # the head "moving in" again: allowed users get a validation error (nothing written), others 403
        body = {"resident": in_r.pk, "relation": "head", "since": "2024-01-01"}
        r = api_json("post", f"/api/v1/households/{hh.pk}/members", body)
        check("API move-in in-scope", r.status_code, 400 if may_change else 403)
        r = client.post(reverse("registry:household_move_in", args=[hh.pk]), body)
        check("page move-in in-scope", r.status_code, 400 if may_change else 403)
        building = in_r.home.parent.parent
        check(
            "page building table in-scope",
            client.get(reverse("registry:building_view", args=[building.code])).status_code,
            200,
        )

    assert not problems, "\n".join(problems)
