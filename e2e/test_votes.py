"""An owners' decision in a real browser: an owner votes on a phone (375 px, large text) in three taps and gets a
receipt → the community secretary closes the vote and publishes the result → the owner finds the ballot on the
公示 page by the receipt code, among unit numbers and areas, never names."""

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser


def test_owner_votes_on_a_phone_and_the_tally_is_published(page, live_server, transactional_db, monkeypatch):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.votes import services
    from linli.votes.models import Ballot, Decision
    from linli.votes.tests import factories as f

    tree = build_tree()
    e = f.estate(tree, [("100.00", "a"), ("100.00", "b"), ("100.00", "c")])
    d = f.voting(tree, e, monkeypatch, matter_type=4, title="续聘物业服务企业")
    owner = f.login(e, "a")
    services.ballot_cast_online(actor=f.login(e, "b"), decision=d, choice="yes")
    url = live_server.url

    login(page, url, owner.username, viewport={"width": 375, "height": 800})
    page.get_by_test_id("large-text").click()
    page.goto(url + reverse("votes:mine"))
    page.get_by_test_id("open-vote").first.click()  # tap 1
    page.get_by_test_id("choice-yes").click()  # tap 2
    page.get_by_test_id("confirm").click()  # tap 3
    expect(page.get_by_test_id("receipts")).to_be_visible()
    code = page.locator(".receipt-code").first.inner_text().strip()
    assert len(code) == 14
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    assert Ballot.objects.filter(decision=d, voter=e.owners["a"]).count() == 1

    f.shift(monkeypatch, d.closes_on)
    login(page, url, "secretary_a1", viewport={"width": 1280, "height": 900})
    page.goto(url + reverse("votes:decision", args=[d.pk]))
    page.get_by_test_id("step-close").click()
    expect(page.get_by_test_id("decision-state")).to_have_text("已截止")
    page.get_by_test_id("step-publish").click()
    expect(page.get_by_test_id("decision-state")).to_have_text("公示中")
    expect(page.get_by_test_id("tally-result")).to_contain_text("表决通过")
    expect(page.get_by_test_id("tally-participation_heads")).to_contain_text("2 / 3")
    assert Decision.objects.get(pk=d.pk).passed is True

    login(page, url, owner.username, viewport={"width": 375, "height": 800})
    page.goto(url + reverse("votes:board", args=[e.compound.code]))
    page.get_by_test_id("board-item").first.locator("a").first.click()
    page.get_by_test_id("receipt-form").locator("input[name=code]").fill(code)
    page.get_by_test_id("receipt-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("receipt-found")).to_be_visible()
    expect(page.get_by_test_id("published-list")).to_be_visible()
    main = page.locator("main").inner_text()
    assert "业主a" not in main and "业主b" not in main and "1栋1单元101" in main
