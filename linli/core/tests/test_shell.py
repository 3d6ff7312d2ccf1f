import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_api_docs_page_uses_vendored_assets(client):
    resp = client.get("/api/v1/docs")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "cdn." not in html and "swagger-ui" in html


def test_api_unknown_path_has_the_error_body(client):
    resp = client.get("/api/v1/no-such-thing")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "not_found"


def test_purge_audit_command_runs(capsys):
    call_command("purge_audit")
    assert "已删除 0 条" in capsys.readouterr().out  # Chinese is the default language


def test_purge_task_runs_through_the_tasks_api():
    from linli.core.tasks import purge_expired_audit

    result = purge_expired_audit.enqueue()
    assert result.return_value == 0


def test_login_page_is_chinese_by_default_and_english_on_switch(client):
    resp = client.get("/accounts/login/")
    assert 'lang="zh-hans"' in resp.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    resp = client.get("/accounts/login/")
    assert 'lang="en"' in resp.content.decode()


def test_large_text_toggle_sets_a_cookie(tree, client):
    client.force_login(tree.users["grid_a"])
    resp = client.post("/large-text/", {"next": "/"})
    assert resp.status_code == 302 and resp.cookies["linli_large_text"].value == "1"
    assert 'class="large-text"' in client.get("/").content.decode()
    resp = client.post("/large-text/", {"next": "https://evil.example/"})
    assert resp["Location"] == "/"


def test_workbench_shows_roles_and_menu(tree, client):
    client.force_login(tree.users["grid_a"])
    html = client.get("/").content.decode()
    assert 'data-testid="my-roles"' in html


def test_chinese_is_the_default_whatever_the_browser_says(client):
    resp = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in resp.content.decode()
    client.cookies["django_language"] = "en"
    resp = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert 'lang="en"' in resp.content.decode()


def test_htmx_error_message_comes_translated_from_the_page(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'data-request-failed="请求失败，请重试。"' in html


def test_resident_home_has_their_address_and_big_buttons_no_counters(tree, client):
    client.force_login(tree.users["resident_a1"])
    html = client.get("/").content.decode()
    assert 'data-testid="resident-tiles"' in html and 'data-testid="my-home"' in html
    assert tree.house_a1.full_address() in html
    assert 'class="stat"' not in html and 'data-testid="my-roles"' not in html
    assert "我要报事" in html  # services first, in Chinese


def test_menu_audience_staff_and_residents(tree):
    from linli.core.context_processors import visible_menu
    from linli.core.registry import MenuItem, registry

    staff_item = MenuItem("services", "staff-only entry", "portal:home", audience="staff")
    resident_item = MenuItem("services", "residents-only entry", "portal:home", audience="residents")
    saved = list(registry.menu)
    registry.menu.extend([staff_item, resident_item])
    try:

        def labels(user):
            return {str(i["label"]) for items in visible_menu(user).values() for i in items}

        assert {"staff-only entry", "residents-only entry"} & labels(tree.users["resident_a1"]) == {
            "residents-only entry"
        }
        assert {"staff-only entry", "residents-only entry"} & labels(tree.users["grid_a"]) == {"staff-only entry"}
    finally:
        registry.menu[:] = saved
    with pytest.raises(AssertionError):
        MenuItem("services", "x", "portal:home", audience="everyone")


def test_every_menu_entry_a_user_sees_opens_for_them(tree, client):
    """No dead links in the menu: each entry shown to each role opens (found by crawling the demo: 微学习's course
    management was listed for grid workers, who may read courses but not manage them, and answered 404)."""
    from linli.core.context_processors import visible_menu

    dead = []
    for name, user in tree.users.items():
        client.force_login(user)
        for items in visible_menu(user).values():
            for item in items:
                resp = client.get(item["url"], follow=True)  # a few entries redirect to the user's own page
                if resp.status_code != 200:
                    dead.append((name, item["url"], resp.status_code))
        client.logout()
    assert not dead, "\n".join(map(str, dead))


def test_api_ids_beyond_the_database_are_a_400_not_a_500(tree, client, token_for):
    """Found by the fuzz test: an id past 64 bits overflowed SQLite (PostgreSQL: integer out of range)."""
    headers = token_for("district_admin")
    for url in ("/api/v1/users/26850453226175602688/roles/1123", "/api/v1/users/26850453226175602688"):
        resp = client.get(url, **headers) if url.count("/") == 4 else client.delete(url, **headers)
        assert resp.status_code in (400, 404), (url, resp.status_code)
        assert resp.json()["error"]["code"] in ("invalid", "not_found")


def test_mask_personal_numbers_in_free_text():
    from linli.core.validators import mask_personal_numbers as mask

    assert mask("联系我13812345678谢谢") == "联系我138****5678谢谢"
    assert mask("电话 138 1234 5678") == "电话 138****5678"
    assert mask("身份证34050419800101001x。") == "身份证340504********001X。"
    assert mask("老号码340504800101001") == "老号码340504*****1001"
    # part of a longer number, or not a mobile number at all: left as written
    for text in ("订单号2026120200000112345678", "金额12345元", "12812345678", "门牌13号", ""):
        assert mask(text) == text
