"""A matter in a real browser: a resident raises it on a phone (375 px, the two-field form) → the community
secretary hands it to a work order with one click → the matter's page links the case."""

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser


def test_resident_raises_a_matter_and_the_secretary_hands_it_over(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.deliberation.models import Matter

    build_tree()
    url = live_server.url
    login(page, url, "resident_a1", viewport={"width": 375, "height": 800})
    page.goto(url + reverse("deliberation:matter_create"))
    page.locator("input[name=title]").fill("电梯经常坏")
    page.locator("textarea[name=description]").fill("2号电梯每周停两次，老人上下楼困难。")
    page.get_by_test_id("matter-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("matter-state")).to_have_text("待上会")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    matter = Matter.objects.get()

    login(page, url, "secretary_a1", viewport={"width": 1280, "height": 900})
    page.goto(url + reverse("deliberation:matter", args=[matter.pk]))
    expect(page.get_by_test_id("to-vote")).to_be_attached()  # put to an owners' vote: e2e/test_votes.py
    page.get_by_test_id("hand-over").click()
    expect(page.get_by_test_id("matter-state")).to_have_text("已转工单")
    expect(page.get_by_test_id("matter-case")).to_be_visible()
