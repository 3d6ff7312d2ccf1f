"""The multiple picker in a real browser: a secretary sets up a party group and picks the two buildings it covers
by typing two characters of the compound's name, tapping each, removing a wrong pick, and sees them saved."""

import re

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser


def test_pick_the_covered_buildings_of_a_party_group(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.party.models import PartyOrg
    from linli.party.tests.factories import branch

    tree = build_tree()
    b = branch(tree, name="怡心花园党支部")
    url = live_server.url

    login(page, url, "secretary_a1", viewport={"width": 375, "height": 740})
    page.goto(url + reverse("party:org_create") + f"?kind=group&parent={b.pk}")
    page.locator("#id_name").fill("1栋2栋党小组")
    box = page.locator("#id_covered")
    options = page.get_by_test_id("picker-option")
    chips = page.get_by_test_id("picker-chip")

    box.fill("怡心")
    expect(options.filter(has_text="怡心花园 1栋")).to_have_count(1)
    options.filter(has_text="怡心花园 1栋").click()
    expect(chips).to_have_count(1)
    expect(box).to_have_value("")  # the box empties for the next search
    box.fill("怡心")
    options.filter(has_text="怡心花园 2栋").click()
    box.fill("怡心")
    options.filter(has_text="怡心花园").first.click()  # the compound itself: a wrong pick
    expect(chips).to_have_count(3)
    chips.nth(2).get_by_role("button").click()  # × removes it
    expect(chips).to_have_count(2)
    expect(chips.nth(0)).to_contain_text("怡心花园 1栋")
    expect(chips.nth(1)).to_contain_text("怡心花园 2栋")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376

    page.get_by_test_id("party-form").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/party/orgs/\d+/$"))
    group = PartyOrg.objects.get(name="1栋2栋党小组")
    assert set(group.covered_places.all()) == {tree.building_a1, tree.building_a1b}
    expect(page.locator("body")).to_contain_text("1栋、2栋")
