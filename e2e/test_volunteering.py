"""A resident on a phone finds an activity, signs up, and checks in and out by scanning the QR code on the
organiser's screen (the QR's link opened on the phone; for check-out the phone is signed out first, signs in and
still checks out with the code it scanned); every phone page fits 375 px.

live_server needs committed data, hence ``transactional_db`` (pytest-django flushes it afterwards).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import RESULTS

pytestmark = pytest.mark.browser

NARROW = 375


def assert_fits_a_phone(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW + 1, f"{what} is {width}px wide at a {NARROW}px viewport"


def sign_in(page, url, username, *, then=None):
    from linli.accounts.testing import PASSWORD

    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    if then:
        page.wait_for_url(then)
    else:
        page.wait_for_load_state()


def organiser_link(screen, url, activity, action):
    """What the phone's camera reads off the organiser's screen: the QR (an inline SVG drawn on the server for
    the link shown under it)."""
    import segno
    from playwright.sync_api import expect

    screen.goto(url + reverse("volunteering:activity_code", args=[activity.pk, action]))
    qr = screen.get_by_test_id("qr").locator("svg")
    expect(qr).to_be_visible()
    link = screen.get_by_test_id("code-link").get_attribute("href")
    assert link.startswith(url + reverse("volunteering:check") + "?c=")
    drawn = qr.evaluate("e => e.outerHTML")
    expected = segno.make(link, error="m").svg_inline(
        scale=8, dark="#000", light="#fff", border=4, svgclass="vol-qr", omitsize=True
    )
    assert drawn.replace("/>", ">").replace("></path>", ">") == expected.replace("/>", ">").replace("></path>", ">"), (
        "the QR does not encode the link"
    )
    box = qr.bounding_box()
    assert box["width"] >= 200 and abs(box["width"] - box["height"]) < 2, box  # big and square enough to scan
    return link


def test_resident_signs_up_and_checks_in_on_a_phone(page, browser, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree, system_user
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
    activity = services.activity_create(
        actor=staff,
        community=tree.comm_a1,
        place=tree.compound_a1,
        title="敬老院探访",
        content="陪伴老人聊天",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        slots=5,
    )
    services.activity_publish(actor=staff, activity=activity)
    url = live_server.url

    page.set_viewport_size({"width": NARROW, "height": 812})
    page.goto(url + reverse("accounts:login"))
    sign_in(page, url, "resident_a1")

    # Register as a volunteer from the resident record (one step), then find the activity.
    page.goto(url + reverse("volunteering:me"))
    assert_fits_a_phone(page, "my volunteering (not registered)")
    page.get_by_test_id("register").click()
    expect(page.get_by_test_id("my-number")).to_contain_text("YS")
    assert_fits_a_phone(page, "my volunteering")
    page.goto(url + reverse("volunteering:find"))
    card = page.get_by_test_id("activity-card").filter(has_text="敬老院探访")
    expect(card).to_be_visible()
    card.get_by_role("link", name="敬老院探访").click()
    page.get_by_test_id("signup").click()
    expect(page.get_by_test_id("my-signup")).to_be_visible()
    assert SignUp.objects.get().status == "confirmed"
    assert_fits_a_phone(page, "the activity page")

    # The activity starts; the organiser's screen (a desktop browser) shows the QR; the phone opens its link.
    now = timezone.now() - dt.timedelta(minutes=5)
    Activity.objects.filter(pk=activity.pk).update(starts_at=now, ends_at=now + dt.timedelta(hours=2))
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    screen = desk.new_page()
    try:
        screen.goto(url + reverse("accounts:login"))
        sign_in(screen, url, "secretary_a1")
        link = organiser_link(screen, url, activity, "in")
        page.goto(link)
        expect(page.get_by_test_id("check-confirm")).to_be_visible()
        assert_fits_a_phone(page, "the check-in page")
        page.get_by_test_id("check-confirm").click()
        expect(page.get_by_test_id("my-signup")).to_be_visible()
        assert SignUp.objects.get().checked_in_at is not None

        # The same code again is refused with a clear message.
        page.goto(link)
        page.get_by_test_id("check-confirm").click()
        expect(page.get_by_test_id("check-error")).to_be_visible()
        assert_fits_a_phone(page, "the check-in page with an error")
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / "volunteering-check-375.png"), full_page=True)

        # Check-out from a phone that is not signed in: scan → sign in → back on the check page → confirm.
        link = organiser_link(screen, url, activity, "out")
        page.context.clear_cookies()
        page.goto(link)
        page.wait_for_url(lambda u: reverse("accounts:login") in u)
        sign_in(page, url, "resident_a1", then=link)
        assert_fits_a_phone(page, "the check-out page")
        page.get_by_test_id("check-confirm").click()
        expect(page.get_by_test_id("my-signup")).to_be_visible()
        assert SignUp.objects.get().checked_out_at is not None
    finally:
        desk.close()

    # The organiser confirms the hours; the volunteer sees them on "my volunteering", still at phone width.
    # (the walk took seconds, not the hour and a half of a real visit)
    SignUp.objects.update(checked_in_at=now, checked_out_at=now + dt.timedelta(minutes=90))
    services.record_confirm(actor=staff, signup=SignUp.objects.get())
    page.goto(url + reverse("volunteering:me"))
    expect(page.get_by_test_id("my-number")).to_contain_text("YS")
    expect(page.locator("main")).to_contain_text("敬老院探访")
    assert_fits_a_phone(page, "my volunteering with hours")
    page.goto(url + reverse("volunteering:check"))
    expect(page.get_by_test_id("code-input")).to_be_visible()
    assert_fits_a_phone(page, "the check page without a code")
    page.goto(url + reverse("volunteering:star_notice"))
    assert_fits_a_phone(page, "the star notice")
