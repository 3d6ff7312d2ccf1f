"""Door access in a real browser: a resident on a phone (375 px) issues a visitor pass and sees its QR; a door
controller posts the visitor's scan and the door opens; the secretary's search needs a purpose and is audited."""

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser


def test_resident_issues_a_visitor_pass_and_the_door_accepts_it(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.access import services
    from linli.access.models import VisitorPass
    from linli.access.tests.helpers import door_and_secret, event, post
    from linli.accounts.testing import build_tree, system_user
    from linli.registry import services as registry
    from linli.registry.models import Resident

    tree = build_tree()
    person = registry.resident_create(actor=system_user(), name="王秀英", home=tree.house_a1)
    Resident.objects.filter(pk=person.pk).update(account=tree.users["resident_a1"])
    services.credential_issue(actor=system_user(), resident=person, kind="qr")
    door, secret = door_and_secret(tree)

    url = live_server.url
    login(page, url, "resident_a1", viewport={"width": 375, "height": 800})
    page.goto(url + reverse("access:mine"))
    expect(page.get_by_test_id("my-qr").locator("svg")).to_have_count(1)
    page.locator("input[name=note]").fill("女儿来访")
    page.get_by_test_id("pass-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("passes").locator("svg")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 376

    from django.test import Client

    token = services.pass_token(VisitorPass.objects.get())
    assert post(Client(), door, secret, event(token, method="qr")).json()["result"] == "granted"

    login(page, url, "secretary_a1", viewport={"width": 1280, "height": 900})
    page.goto(url + reverse("access:door", args=[door.pk]))
    expect(page.get_by_test_id("door-totals")).to_contain_text("1")
