"""A community secretary computes the co-building organisations' score cards, reads one card's explanation,
starts the public notice and opens the printable certificate — in a real browser, also at 375 px."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.browser


def test_secretary_computes_publicises_and_prints(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import PASSWORD, build_tree, system_user
    from linli.alliance import services as al
    from linli.alliance.models import ItemStatus
    from linli.orgs import services as orgs

    tree = build_tree()
    root = system_user()
    year = timezone.localdate().year - 1
    alliance = al.alliance_create(actor=root, community=tree.comm_a1)
    ent = orgs.organisation_create(actor=root, area=tree.comm_a1, kind="enterprise", name="雨秀科技有限公司")
    member = al.member_add(actor=root, alliance=alliance, organisation=ent)
    c = al.commitment_create(actor=root, member=member, year=year, items=["义诊两次", "结对帮扶"])
    for item in c.items.all():
        al.commitment_item_update(
            actor=root, item=item, status=ItemStatus.FULFILLED, evidence="照片", fulfilled_on=dt.date(year, 6, 1)
        )
    al.meeting_record(
        actor=root, alliance=alliance, held_on=dt.date(year, 3, 5), topic="一季度联席会", attendees=[member]
    )

    url = live_server.url
    page.goto(url + reverse("accounts:login"))
    page.locator("input[name=username]").fill("secretary_a1")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(url + reverse("portal:home"))

    page.goto(url + reverse("scorecards:create"))
    page.locator("select[name=place]").select_option(str(tree.comm_a1.pk))
    page.locator("input[name=year]").fill(str(year))
    page.locator("select[name=card_type]").select_option("org")
    page.get_by_test_id("scorecards-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("card-table")).to_contain_text("雨秀科技有限公司")

    page.get_by_test_id("publicise").click()
    expect(page.get_by_test_id("notice")).to_be_visible()

    page.get_by_role("link", name="雨秀科技有限公司").click()
    lines = page.get_by_test_id("card-lines")
    expect(lines).to_contain_text("一季度联席会")  # the record behind the value (inside <details>)
    page.set_viewport_size({"width": 375, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 376, width  # the wide explanation table scrolls inside .table-wrap, not the page
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_test_id("objection-form").locator("textarea").fill("联席会议记录缺第二季度")
    page.get_by_test_id("objection-form").locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("联席会议记录缺第二季度")

    page.get_by_test_id("certificate").click()
    expect(page.get_by_test_id("certificate")).to_contain_text("雨秀科技有限公司")
    expect(page.get_by_test_id("certificate")).to_contain_text("★")
