"""The type-ahead picker in a real browser: a secretary pairs a resident in need with a party member by typing
a few characters of the member's pinyin initials and choosing with the keyboard, then with a tap at 375 px."""

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser


def test_pick_a_member_in_the_pairing_form(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree, system_user
    from linli.registry import services as reg
    from linli.visits.models import Pairing

    tree = build_tree()
    root = system_user()
    needy = reg.resident_create(actor=root, name="陈老伯", home=tree.house_a1)
    older = reg.resident_create(
        actor=root, name="李建国", home=tree.house_a1, birth_date="1958-05-01", political_status="cpc_member"
    )
    younger = reg.resident_create(
        actor=root, name="李建国", home=tree.house_a1, birth_date="1986-09-09", political_status="cpc_member"
    )
    reg.resident_create(actor=root, name="李建国", home=tree.house_b1, political_status="cpc_member")  # out of scope
    url = live_server.url
    form_url = url + reverse("visits:pairing_create") + f"?resident={needy.pk}"

    login(page, url, "secretary_a1")
    page.goto(form_url)
    box = page.get_by_role("combobox", name="党员")
    box.fill("ljg")
    options = page.get_by_test_id("picker-option")
    expect(options).to_have_count(2)  # the third 李建国 lives outside the secretary's community
    expect(options.nth(0)).to_contain_text("1958")
    expect(options.nth(1)).to_contain_text("1986")
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("李建国 · 1986年生 · 怡心花园 1栋 1单元 101")
    assert page.locator("input[name=partner_resident]").input_value() == str(younger.pk)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(url + reverse("visits:pairings"))
    assert Pairing.objects.get().partner_resident_id == younger.pk

    # on a phone: tap an option
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(form_url)
    box = page.get_by_role("combobox", name="党员")
    box.fill("李建")
    page.get_by_test_id("picker-option").filter(has_text="1958").click()
    assert page.locator("input[name=partner_resident]").input_value() == str(older.pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
