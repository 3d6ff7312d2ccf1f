"""A selection in a real browser: a resident nominates a neighbour on a phone (375 px) → the community secretary
accepts it, linking the registry record with the picker, and opens the vote → the resident votes with one tap on
the phone → after the window the secretary counts and announces → the winner's 360° page shows the honour."""

import datetime as dt

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
DESK = {"width": 1280, "height": 900}


def test_nominate_review_vote_announce_and_honour(page, live_server, transactional_db, monkeypatch):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree, system_user
    from linli.core import dates
    from linli.registry import services as reg
    from linli.registry.models import Resident
    from linli.selections import services
    from linli.selections.models import Nomination, Selection

    tree = build_tree()
    root = system_user()
    me = reg.resident_create(actor=root, name="王小明", home=tree.house_a1)
    Resident.objects.filter(pk=me.pk).update(account=tree.users["resident_a1"])
    li = reg.resident_create(actor=root, name="李秀英", home=tree.house_a1, birth_date="1956-03-02")
    day = dates.today()
    selection = services.selection_create(
        actor=tree.users["secretary_a1"],
        place=tree.comm_a1,
        kind="good_neighbour",
        title="雨秀社区好邻居评选",
        period=str(day.year),
        rules="每位居民一票，得票最多者当选。",
        nominate_from=day,
        nominate_until=day,
        vote_from=day,
        vote_until=day + dt.timedelta(days=7),
        seats=1,
    )
    url = live_server.url

    # 1. the resident nominates on the phone
    login(page, url, "resident_a1", viewport=PHONE)
    page.goto(url + reverse("selections:phone"))
    page.get_by_role("link", name="雨秀社区好邻居评选").click()
    form = page.get_by_test_id("phone-nominate")
    form.locator("input[name=name]").fill("李秀英")
    form.locator("select[name=building]").select_option(label=tree.building_a1.name)
    form.locator("textarea[name=reason]").fill("常年照顾楼里的独居老人。")
    form.locator("button[type=submit]").click()
    expect(page.get_by_text("待审核")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    nomination = Nomination.objects.get()

    # 2. the secretary links the record with the picker, accepts, opens the vote
    login(page, url, "secretary_a1", viewport=DESK)
    page.goto(url + reverse("selections:detail", args=[selection.pk]))
    accept = page.get_by_test_id(f"accept-{nomination.pk}")
    box = accept.get_by_role("combobox")
    box.fill("李秀")
    page.get_by_test_id("picker-option").filter(has_text="1956").click()
    accept.locator("button[type=submit]").click()
    expect(page.get_by_test_id(f"nomination-{nomination.pk}")).to_contain_text("已通过")
    page.get_by_test_id("open-vote").click()
    expect(page.get_by_test_id("selection-state")).to_have_text("投票期")

    # 3. the resident votes with one tap
    login(page, url, "resident_a1", viewport=PHONE)
    page.goto(url + reverse("selections:phone_detail", args=[selection.pk]))
    page.get_by_test_id(f"vote-{nomination.pk}").click()
    expect(page.get_by_test_id("my-vote")).to_contain_text("李秀英")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376

    # 4. after the window: count and announce
    monkeypatch.setattr(dates, "today", lambda: day + dt.timedelta(days=8))
    login(page, url, "secretary_a1", viewport=DESK)
    page.goto(url + reverse("selections:detail", args=[selection.pk]))
    page.get_by_test_id("announce").click()
    expect(page.get_by_test_id("selection-state")).to_have_text("已公布，公示中")
    expect(page.get_by_test_id("result-table")).to_contain_text("当选")
    assert Selection.objects.get().state == "publicity"

    # 5. the winner's 360° page
    page.goto(url + reverse("registry:resident_detail", args=[li.pk]))
    expect(page.get_by_test_id("selections-panel")).to_contain_text("雨秀社区好邻居评选")
