"""智能回应 in a real browser on a phone (375 px): a resident asks and gets the quoted answer with its source,
section and date; an out-of-scope question gets "unsure" and the hand-over, which opens a work order prefilled
with the question."""

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser


def test_resident_asks_on_a_phone(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.knowledge.tests import factories as f
    from linli.workorders.models import Case

    tree = build_tree()
    f.base(tree)  # committed here: the index task ran after each commit (immediate backend)
    url = live_server.url
    login(page, url, "resident_a1", viewport={"width": 375, "height": 800})
    page.goto(url + reverse("knowledge:ask"))
    page.locator("textarea[name=question]").fill("90岁老人的高龄津贴每月多少钱？")
    page.get_by_test_id("ask-send").click()
    answer = page.get_by_test_id("answer").last
    expect(answer).to_have_attribute("data-confident", "yes")
    expect(answer.get_by_test_id("citation").first).to_have_text("高龄津贴发放办法 · 二、发放标准 · 2026-01-10")
    expect(answer.get_by_test_id("quote").first).to_contain_text("300元")
    expect(page.locator("textarea[name=question]")).to_have_value("")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376

    page.locator("textarea[name=question]").fill("<script>alert(1)</script>")
    page.get_by_test_id("ask-send").click()
    expect(page.get_by_test_id("ask-error")).to_contain_text("请输入您的问题")
    expect(page.locator("textarea[name=question]")).to_have_value("<script>alert(1)</script>")

    page.locator("textarea[name=question]").fill("明天股票会涨吗")
    page.get_by_test_id("ask-send").click()
    unsure = page.get_by_test_id("answer").last
    expect(unsure).to_have_attribute("data-confident", "no")
    expect(unsure.get_by_test_id("unsure")).to_be_visible()
    expect(page.get_by_test_id("ask-error")).to_be_empty()
    unsure.get_by_test_id("handover").click()
    expect(page.locator("textarea[name=details]")).to_have_value("明天股票会涨吗")
    page.get_by_test_id("handover-send").click()
    page.wait_for_url("**/workorders/cases/*/")
    case = Case.objects.get()
    assert case.description == "明天股票会涨吗" and case.case_type == "consult"
