"""The campaign walk in a real browser: the street starts a campaign → a grid worker inspects a compound on a phone
(375 px: compound and theme, the checklist, a photo, the phone's location) → the failed check is a finding → one tap
makes it a work order → the work order is archived → the campaign's progress shows the finding rectified."""

import io

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser


def jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(buf, "JPEG")
    return buf.getvalue()


def test_campaign_inspection_finding_work_order_rectified(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.campaigns.models import Campaign, Finding
    from linli.campaigns.tests.factories import campaign, walk_to_archived

    tree = build_tree()
    c = campaign(tree, start=False)
    url = live_server.url

    login(page, url, "street_a")
    page.goto(url + reverse("campaigns:detail", args=[c.pk]))
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("campaign-state")).to_have_text("进行中")

    page.context.grant_permissions(["geolocation"], origin=url)
    page.context.set_geolocation({"latitude": 31.6921, "longitude": 118.5098})
    login(page, url, "grid_a", viewport={"width": 375, "height": 800})
    page.goto(url + reverse("campaigns:detail", args=[c.pk]))
    page.get_by_test_id("inspect").click()
    page.locator("select[name=compound]").select_option(label="怡心花园")
    page.locator("select[name=theme]").select_option(label="飞线充电")
    page.get_by_test_id("inspect-start").locator("button[type=submit]").click()
    checks = page.get_by_test_id("check")
    expect(checks).to_have_count(3)
    checks.nth(0).locator("input[value=fail]").check()
    checks.nth(0).locator("input[type=text]").fill("3栋楼道停放电动车5辆")
    checks.nth(1).locator("input[value=pass]").check()
    checks.nth(2).locator("input[value=pass]").check()
    page.locator("input[name=photos]").set_input_files(
        [{"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    expect(page.locator("#lat")).not_to_have_value("")  # the phone's position arrived
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.get_by_test_id("inspect-save").click()
    expect(page.get_by_test_id("finding-status")).to_have_text("已发现")
    finding = Finding.objects.get()
    assert finding.inspection.located == "device" and finding.inspection.photos.count() == 1

    login(page, url, "secretary_a1", viewport={"width": 375, "height": 800})
    page.goto(url + reverse("campaigns:inspection", args=[finding.inspection_id]))
    page.get_by_test_id("to-case").click()
    expect(page.get_by_test_id("finding-status")).to_have_text("工单办理中")
    page.get_by_test_id("finding-case").click()
    expect(page.get_by_test_id("case-origin")).to_be_visible()  # the case links back to the campaign

    finding.refresh_from_db()
    walk_to_archived(tree, finding.case)  # handled and archived; the outbox delivers the archive event
    assert Finding.objects.get().rectified_on is not None

    login(page, url, "street_a", viewport={"width": 1280, "height": 900})
    page.goto(url + reverse("campaigns:detail", args=[c.pk]))
    row = page.get_by_test_id("compound-progress").locator("tr", has_text="怡心花园")
    expect(row.get_by_test_id("rectified-pct")).to_have_text("100.0%")
    expect(page.get_by_test_id("campaign-total")).to_contain_text("已整改 1 个")
    assert Campaign.objects.get(pk=c.pk).state == "running"
