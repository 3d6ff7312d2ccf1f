"""微会议 on a phone: an invitee opens their meeting, checks in, sees the vote refused while there is no quorum,
and votes once the quorum is there; the tally updates in place (htmx) and the vote can be changed."""

import datetime as dt

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser


def test_invitee_checks_in_and_votes_on_a_phone(browser, live_server, transactional_db):
    from django.utils import timezone
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.meetings import services
    from linli.meetings.models import Vote
    from linli.meetings.tests.factories import resident_user

    tree = build_tree()
    host = tree.users["secretary_a1"]
    now = timezone.now()
    m = services.meeting_create(
        actor=host,
        place=tree.comm_a1,
        title="居民议事会：增设充电桩",
        host_kind="residents_council",
        host_name="雨秀社区居民议事会",
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=1),
    )
    item = services.item_add(actor=host, meeting=m, title="在东门增设充电桩")
    me = resident_user(tree.house_a1, username="voter")
    others = [resident_user(tree.house_a1) for _ in range(2)]
    services.invite(actor=host, meeting=m, users=[me, *others])
    services.meeting_schedule(actor=host, meeting=m)
    services.meeting_open(actor=host, meeting=m)

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        url = live_server.url
        login(page, url, "voter")
        page.goto(url + reverse("meetings:list"))
        page.get_by_test_id("my-meeting").get_by_role("link").click()
        expect(page.get_by_test_id("agenda-item")).to_contain_text("在东门增设充电桩")
        # Nothing overflows the phone's width.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1

        page.get_by_test_id("check-in").click()
        expect(page.get_by_test_id("checked-in")).to_be_visible()
        # 1 of 3 checked in: no quorum, no vote buttons, a clear message.
        expect(page.get_by_test_id("no-quorum")).to_be_visible()
        expect(page.get_by_test_id("vote-yes")).to_have_count(0)

        services.check_in(actor=others[0], meeting=m)
        page.reload()
        page.get_by_test_id("vote-yes").click()
        expect(page.get_by_test_id("vote-yes")).to_have_attribute("aria-pressed", "true")
        expect(page.get_by_test_id("my-vote")).to_be_visible()
        expect(page.get_by_test_id("tally")).to_contain_text("1")
        assert Vote.objects.get(item=item, invitee__user=me).choice == "yes"

        page.get_by_test_id("vote-no").click()
        expect(page.get_by_test_id("vote-no")).to_have_attribute("aria-pressed", "true")
        assert Vote.objects.get(item=item, invitee__user=me).choice == "no"
        assert Vote.objects.filter(item=item).count() == 1
    finally:
        context.close()
