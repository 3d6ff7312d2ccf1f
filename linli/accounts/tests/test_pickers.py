"""Choosing a grid or an account by searching, never by typing its code or username: each endpoint lists only
what the user may see and tells two of the same name apart; the forms refuse a value out of scope."""

import re

import pytest
from django.urls import reverse

from linli.accounts import services as acc
from linli.accounts.testing import PASSWORD, system_user

pytestmark = pytest.mark.django_db


def options(client, user, url_name, **params):
    client.force_login(user)
    resp = client.get(reverse(url_name), params)
    assert resp.status_code == 200
    return re.findall(r'data-value="([^"]*)" data-label="([^"]*)"', resp.content.decode())


def account(username, display_name, home):
    return acc.user_create(
        actor=system_user(), username=username, password=PASSWORD, home=home, display_name=display_name
    )


def test_grid_picker_lists_grids_in_scope_told_apart_by_their_community(client, tree):
    # both test grids are called 第一网格, in two communities of street A
    assert options(client, tree.users["secretary_a1"], "areas:pick_grids", q="第一") == [
        (tree.grid_a.code, "第一网格 · 雨秀社区")
    ]
    found = options(client, tree.users["street_a"], "areas:pick_grids", q="第一网格")
    assert sorted(found) == sorted(
        [(tree.grid_a.code, "第一网格 · 雨秀社区"), (tree.grid_b.code, "第一网格 · 西苑社区")]
    )
    assert options(client, tree.users["street_a"], "areas:pick_grids", q="西苑") == [
        (tree.grid_b.code, "第一网格 · 西苑社区")
    ]
    assert options(client, tree.users["nobody"], "areas:pick_grids", q="网格") == []


def test_the_role_form_picks_a_grid_and_refuses_one_out_of_scope(client, tree):
    target = account("wangfang1", "王芳", tree.comm_a1)
    client.force_login(tree.users["secretary_a1"])
    page = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert f'data-url="{reverse("areas:pick_grids")}"' in page  # a search box, not a field for a typed code
    url = reverse("accounts:role_add", args=[target.pk])
    resp = client.post(url, {"role-role": "grid_worker", "role-grid": tree.grid_b.code}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert resp.status_code == 200 and not target.role_bindings.exists()
    assert "网格" in resp.content.decode() and "field-error" in resp.content.decode()
    resp = client.post(url, {"role-role": "grid_worker", "role-grid": tree.grid_a.code, "role-grid_label": "第一网格"})
    assert resp.status_code == 302
    assert target.role_bindings.get().grid == tree.grid_a


def test_user_picker_finds_accounts_in_scope_by_name_or_pinyin_and_tells_namesakes_apart(client, tree):
    account("wangfang1", "王芳", tree.comm_a1)
    account("wf_1952", "王芳", tree.house_a1)
    account("wangfang_b", "王芳", tree.comm_b1)  # another street: never listed to the secretary
    sec = tree.users["secretary_a1"]
    for q in ("王芳", "wf", "wangf"):
        found = dict(options(client, sec, "accounts:pick_users", q=q))
        assert set(found) == {"wangfang1", "wf_1952"}, q
    assert found["wangfang1"] == "王芳（wangfang1）" and found["wf_1952"] == "王芳（wf_1952）"
    assert set(dict(options(client, tree.users["district_admin"], "accounts:pick_users", q="wf"))) == {
        "wangfang1",
        "wf_1952",
        "wangfang_b",
    }
    assert options(client, tree.users["resident_a1"], "accounts:pick_users", q="王芳") == []
