"""A report typed by a resident on a phone arrives at the dispatcher with the assistant's suggestion (category,
lead handler, deciding words), and the dispatcher accepts it in one click: the case gets the suggested category and
is dispatched to the suggested department."""

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser


def test_resident_report_arrives_with_a_suggestion_the_dispatcher_accepts(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.assistant.models import Decision, Suggestion
    from linli.workorders.models import Case, Category

    tree = build_tree()
    Category.objects.filter(code="flying-wire").update(default_handler=tree.dept_other)
    url = live_server.url

    # The resident types the report on a phone and leaves the category at 其他 (they do not know the tree).
    login(page, url, "resident_a1", viewport={"width": 375, "height": 800})
    page.goto(url + reverse("workorders:report"))
    page.get_by_test_id("category-chips").locator("label", has_text="其他").click()
    page.locator("input[name=title]").fill("楼道里充电很危险")
    page.locator("textarea[name=description]").fill("1栋三楼有人从窗户拉了根电线下来，给楼下的电瓶车充电，天天晚上充。")
    page.get_by_test_id("place-level-4").select_option(tree.compound_a1.code)
    page.get_by_test_id("place-level-5").select_option(tree.building_a1.code)
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("state")).to_have_text("已受理")
    case = Case.objects.get()
    assert case.category.code == "other"

    # The dispatcher opens it: the suggestion is there, labelled as the assistant's, with its reasons.
    login(page, url, "dispatcher")
    page.goto(url + reverse("workorders:case_detail", args=[case.pk]))
    panel = page.get_by_test_id("assistant-panel")
    expect(panel).to_contain_text("仅供参考")
    expect(page.get_by_test_id("assistant-category")).to_contain_text("飞线充电")
    expect(page.get_by_test_id("assistant-org")).to_contain_text(tree.dept_other.name)
    expect(page.get_by_test_id("assistant-reasons")).not_to_have_text("—")

    # One click.
    page.get_by_test_id("assistant-accept").click()
    expect(page.get_by_test_id("assignments")).to_contain_text(tree.dept_other.name)
    expect(page.get_by_test_id("assistant-decision")).to_contain_text("已采纳")
    case.refresh_from_db()
    assert case.category.code == "flying-wire" and case.lead_org == tree.dept_other
    assert Suggestion.objects.get(case=case).decision == Decision.ACCEPTED
