"""A community secretary records a 主题党日 in a real browser — on a phone-width screen — with an attendance
checklist and a photo, then finds it done on the branch's compliance calendar.

live_server needs committed data, hence ``transactional_db`` (pytest-django flushes it afterwards).
"""

import io

import pytest
from django.urls import reverse

from .conftest import RESULTS

pytestmark = pytest.mark.browser

NARROW = 375


def _photo(path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (190, 20, 20)).save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return path


def test_secretary_records_a_theme_day_with_attendance_and_photo(page, live_server, transactional_db, tmp_path):
    from playwright.sync_api import expect

    from linli.accounts.testing import PASSWORD, build_tree
    from linli.core import dates
    from linli.orglife.models import Meeting, MeetingPhoto
    from linli.orglife.tests.factories import PartyTree

    tree = build_tree()
    party = PartyTree(tree)
    url = live_server.url
    day = dates.today()  # held today: it counts for this month

    page.set_viewport_size({"width": NARROW, "height": 812})
    page.goto(url + reverse("accounts:login"))
    page.locator("input[name=username]").fill("secretary_a1")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(url + reverse("portal:home"))

    # The branch's calendar: this month's 主题党日 is due, not done.
    page.goto(url + reverse("orglife:calendar", args=[party.branch.pk]))
    cell_id = f"cell-theme_day-{day:%Y-%m}"
    expect(page.get_by_test_id(cell_id)).to_have_attribute("data-state", "due")

    # Record it: the checklist lists every member entitled (23), one is on leave with a reason.
    page.get_by_test_id("record-theme_day").click()
    expect(page.get_by_test_id("attendance").locator(".ol-att")).to_have_count(23)
    page.locator("input[name=held_on]").fill(day.isoformat())
    page.locator("input[name=topic]").fill("重温入党誓词")
    page.locator("input[name=address]").fill("社区党群服务中心")
    page.locator("textarea[name=minutes]").fill("全体党员重温入党誓词，开展楼道清洁志愿服务。")
    away = party.full[2]
    page.locator(f"input[name=att_{away.pk}][value=leave]").check()
    page.locator(f"input[name=reason_{away.pk}]").fill("出差")
    absent = party.full[3]
    page.locator(f"input[name=att_{absent.pk}][value=absent]").check()
    page.locator("input[name=photos]").set_input_files(str(_photo(tmp_path / "合影.jpg")))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW + 1, f"the meeting form is {width}px wide at {NARROW}px"
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "orglife-record-375.png"), full_page=True)
    page.get_by_test_id("meeting-submit").click()

    # The record: 21 present of 23 expected, the photo shown.
    expect(page.get_by_test_id("attendance-count")).to_contain_text("21 / 23")
    expect(page.get_by_test_id("photos").locator("img")).to_have_count(1)
    meeting = Meeting.objects.get()
    assert meeting.topic == "重温入党誓词" and MeetingPhoto.objects.filter(meeting=meeting).count() == 1
    natural = page.get_by_test_id("photos").locator("img").evaluate("img => img.naturalWidth")
    assert natural == 64, "the photo is served back to the browser"

    # Back on the calendar: this month's 主题党日 is done, and the meeting is listed.
    page.goto(url + reverse("orglife:calendar", args=[party.branch.pk]))
    expect(page.get_by_test_id(cell_id)).to_have_attribute("data-state", "done")
    expect(page.get_by_test_id("recent-meetings")).to_contain_text("重温入党誓词")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW + 1, f"the calendar is {width}px wide at {NARROW}px"
    page.screenshot(path=str(RESULTS / "orglife-calendar-375.png"), full_page=True)

    # The community overview lists the branch and its group.
    page.goto(url + reverse("orglife:overview"))
    expect(page.get_by_test_id("overview-table")).to_contain_text(party.branch.name)
    expect(page.get_by_test_id("overview-table")).to_contain_text(party.group.name)
