"""A resident on a phone finds an activity, signs up, and checks in with the organiser's code.

live_server needs committed data, hence ``transactional_db`` (pytest-django flushes it afterwards).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import RESULTS

pytestmark = pytest.mark.browser

NARROW = 375


def test_resident_signs_up_and_checks_in_on_a_phone(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.core.testing import PASSWORD, build_tree, system_user
    from linli.registry import services as reg
    from linli.registry.models import Resident
    from linli.volunteering import services
    from linli.volunteering.models import Activity, SignUp

    tree = build_tree()
    root = system_user()
    user = tree.users["resident_a1"]
    resident = reg.resident_create(actor=root, name="王小明", home=tree.house_a1, birth_date=dt.date(1985, 5, 1))
    Resident.objects.filter(pk=resident.pk).update(account=user)
    staff = tree.users["secretary_a1"]
    start = timezone.now() + dt.timedelta(days=1)
    activity = services.activity_create(actor=staff, community=tree.comm_a1, place=tree.compound_a1,
                                        title="敬老院探访", content="陪伴老人聊天", starts_at=start,
                                        ends_at=start + dt.timedelta(hours=2), slots=5)
    services.activity_publish(actor=staff, activity=activity)
    url = live_server.url

    page.set_viewport_size({"width": NARROW, "height": 812})
    page.goto(url + reverse("accounts:login"))
    page.locator("input[name=username]").fill("resident_a1")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state()

    # Register as a volunteer from the resident record (one step), then find the activity.
    page.goto(url + reverse("volunteering:me"))
    page.get_by_test_id("register").click()
    expect(page.get_by_test_id("my-number")).to_contain_text("YS")
    page.goto(url + reverse("volunteering:find"))
    card = page.get_by_test_id("activity-card").filter(has_text="敬老院探访")
    expect(card).to_be_visible()
    card.get_by_role("link", name="敬老院探访").click()
    page.get_by_test_id("signup").click()
    expect(page.get_by_test_id("my-signup")).to_be_visible()
    assert SignUp.objects.get().status == "confirmed"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW + 1, f"the activity page is {width}px wide"

    # The activity starts; the organiser's screen shows a code whose link the volunteer opens.
    now = timezone.now() - dt.timedelta(minutes=5)
    Activity.objects.filter(pk=activity.pk).update(starts_at=now, ends_at=now + dt.timedelta(hours=2))
    code, _ = services.checkin_code(actor=staff, activity=Activity.objects.get(pk=activity.pk), action="in")
    page.goto(url + reverse("volunteering:check") + "?c=" + code)
    page.get_by_test_id("check-confirm").click()
    expect(page.get_by_test_id("my-signup")).to_be_visible()
    assert SignUp.objects.get().checked_in_at is not None

    # The same code again is refused with a clear message.
    page.goto(url + reverse("volunteering:check") + "?c=" + code)
    page.get_by_test_id("check-confirm").click()
    expect(page.get_by_test_id("check-error")).to_be_visible()
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "volunteering-check-375.png"), full_page=True)
