"""A community secretary in a real browser: the party tree on a phone, a branch flagged below 3 full members,
registering a member through the form, the flag gone.

live_server needs committed data, hence ``transactional_db`` (pytest-django flushes it afterwards).
"""

import datetime as dt

import pytest
from django.urls import reverse

from .conftest import RESULTS

pytestmark = pytest.mark.browser

NARROW = 375


def test_secretary_fixes_a_branch_below_three_members(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import PASSWORD, build_tree, system_user
    from linli.party import services
    from linli.registry import services as registry

    tree = build_tree()
    root = system_user()
    committee = services.org_create(actor=root, place=tree.comm_a1, kind="community_committee", name="雨秀社区党委")
    branch = services.org_create(
        actor=root, place=tree.compound_a1, kind="branch", name="怡心花园党支部", parent=committee
    )
    for name in ("王建国", "李秀英"):
        r = registry.resident_create(actor=root, name=name, home=tree.house_a1)
        services.member_add(
            actor=root, org=branch, resident=r, joined_on=dt.date(2001, 7, 1), full_on=dt.date(2002, 7, 1)
        )
    newcomer = registry.resident_create(actor=root, name="赵红梅", home=tree.house_a1)
    url = live_server.url

    page.goto(url + reverse("accounts:login"))
    page.locator("input[name=username]").fill("secretary_a1")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(url + reverse("portal:home"))

    # The tree on a phone: the branch is there with its red flag, and nothing scrolls sideways.
    page.set_viewport_size({"width": NARROW, "height": 812})
    page.goto(url + reverse("party:tree"))
    expect(page.get_by_test_id("party-tree")).to_contain_text("怡心花园党支部")
    expect(page.get_by_test_id("flagged")).to_contain_text("怡心花园党支部")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "party-tree-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW + 1

    # The branch page names the rule; register a third full member through the form.
    page.get_by_test_id("party-tree").get_by_role("link", name="怡心花园党支部").click()
    expect(page.locator('[data-flag="too_few"]').first).to_be_visible()
    page.get_by_test_id("add-member").click()
    # The resident is picked by name (type-ahead picker), not typed as a record number.
    box = page.locator("[data-picker]:has(input[name=resident]) [data-picker-input]")
    box.fill(newcomer.name)
    page.get_by_test_id("picker-option").first.click()
    expect(page.locator("input[name=resident]")).to_have_value(str(newcomer.pk))
    page.locator("input[name=joined_on]").fill("2015-07-01")
    page.locator("input[name=full_on]").fill("2016-07-01")
    page.get_by_test_id("party-form").get_by_role("button").first.click()
    page.wait_for_url(url + reverse("party:org_detail", args=[branch.pk]))
    expect(page.get_by_test_id("members")).to_contain_text("赵红梅")
    expect(page.locator('[data-flag="too_few"]')).to_have_count(0)
    page.screenshot(path=str(RESULTS / "party-branch-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW + 1
