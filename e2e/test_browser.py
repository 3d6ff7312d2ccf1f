"""A grid worker's day in a real browser: Chinese login, only their own building, English on request, log out.

live_server needs committed data, hence ``transactional_db`` (pytest-django flushes it afterwards).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from .conftest import RESULTS

pytestmark = pytest.mark.browser

NARROW = 375  # the narrowest phone we support


def zh_catalogue_compiled() -> bool:
    return any((Path(p) / "zh_Hans" / "LC_MESSAGES" / "django.mo").exists() for p in settings.LOCALE_PATHS)


def assert_no_horizontal_overflow(page, what: str):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW + 1, f"{what} is {width}px wide at a {NARROW}px viewport (horizontal scrolling)"


def test_grid_worker_sees_only_their_building(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import PASSWORD, build_tree

    tree = build_tree()
    url = live_server.url

    # 1. The login page speaks Chinese by default.
    page.goto(url + reverse("accounts:login"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    if zh_catalogue_compiled():
        expect(page.get_by_test_id("login-submit")).to_contain_text("登录")

    # 2. Log in as the grid worker of grid A; the workbench opens.
    page.locator("input[name=username]").fill("grid_a")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(url + reverse("portal:home"))
    expect(page.get_by_test_id("logout")).to_be_visible()

    # 3. The workbench fits a 375 px phone.
    page.set_viewport_size({"width": NARROW, "height": 812})
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "workbench-375.png"), full_page=True)
    assert_no_horizontal_overflow(page, "the workbench")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 4. The building list shows exactly the grid's building, and nothing of the others leaks.
    page.goto(url + reverse("areas:place_list") + "?level=5")
    main = page.locator("main")
    expect(main).to_contain_text(tree.building_a1.code)
    expect(main).to_contain_text(tree.building_a1.name)
    html = page.content()
    for other in (tree.building_a2, tree.building_b1, tree.building_a1b):
        assert other.code not in html, f"{other} ({other.code}) is outside grid A but is on the page"

    # 5. The language button switches to English and stays on the page.
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("logout")).to_have_text(re.compile(r"^\s*Log out\s*$"))
    expect(page.get_by_test_id("lang-zh")).to_be_visible()
    expect(page.locator("main")).to_contain_text(tree.building_a1.code)

    # 6. Log out: back on the login page, logged out.
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(re.escape(url + reverse("accounts:login"))))
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_have_count(0)
