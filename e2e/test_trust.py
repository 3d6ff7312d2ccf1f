"""The owner's walk in a real browser: the property company bills last month and records a payment → the community
closes the month → a resident opens the statement on a phone (375 px), sees the payment in the income, downloads
the month's entries and the verification script, and the script verifies the chain offline."""

import datetime as dt
import json
import subprocess
import sys

import pytest
from django.urls import reverse

from .helpers import login

pytestmark = pytest.mark.browser
TRUST_TABLES = ("trust_entryline", "trust_entry")


@pytest.fixture
def flushable_ledger(transactional_db):
    """The ledger refuses DELETE (trust migration 0002); SQLite flushes with DELETE, so before the flush remove the
    test's ledger rows with the triggers briefly dropped, and put the triggers back exactly as they were."""
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return  # PostgreSQL flushes with TRUNCATE, which row triggers do not see
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (?, ?)", TRUST_TABLES
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute("PRAGMA foreign_keys = OFF")
        try:
            for table in ("trust_collection", "trust_feebill", *TRUST_TABLES):
                cursor.execute(f"DELETE FROM {table}")
        finally:
            cursor.execute("PRAGMA foreign_keys = ON")
            for _name, sql in triggers:
                cursor.execute(sql)


def test_bill_pay_see_it_in_the_statement_and_verify_offline(page, live_server, flushable_ledger, tmp_path):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.core import dates
    from linli.trust import services
    from linli.trust.models import FeeBill, Statement

    tree = build_tree()
    last_month = (dates.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    account = services.account_open(
        actor=tree.users["secretary_a1"],
        compound=tree.compound_a1,
        scheme="trust",
        trustee=tree.property_co,
        monthly_rate="1.35",
        opened_on=last_month,
    )
    url = live_server.url

    login(page, url, "property_staff")
    page.goto(url + reverse("trust:account", args=[account.pk]))
    page.get_by_test_id("bill").click()
    page.locator("input[name=period]").fill(f"{last_month:%Y-%m}")
    page.get_by_test_id("trust-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("entries")).to_contain_text("120.83")
    page.get_by_test_id("collect").click()
    bill = FeeBill.objects.get()
    page.locator("select[name=bill]").select_option(str(bill.pk))
    page.locator("input[name=amount]").fill("120.83")
    page.locator("input[name=date]").fill((last_month + dt.timedelta(days=9)).isoformat())
    page.get_by_test_id("trust-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("entries")).to_contain_text("缴纳物业费")

    login(page, url, "secretary_a1")
    page.goto(url + reverse("trust:account", args=[account.pk]))
    page.get_by_test_id("close-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("statement-head")).to_be_visible()
    statement = Statement.objects.get()

    login(page, url, "resident_a1", viewport={"width": 375, "height": 800})
    page.goto(url + reverse("trust:accounts"))
    page.get_by_test_id("statements").get_by_role("link").first.click()
    expect(page.get_by_test_id("income")).to_contain_text("120.83")
    expect(page.get_by_test_id("arrears")).to_contain_text("0.0%")
    expect(page.get_by_test_id("statement-head")).to_have_text(statement.head_hash)
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    with page.expect_download() as got:
        page.get_by_test_id("download-json").click()
    export = tmp_path / "statement.json"
    got.value.save_as(export)
    with page.expect_download() as got:
        page.get_by_test_id("download-verifier").click()
    script = tmp_path / "verify_ledger.py"
    got.value.save_as(script)
    out = subprocess.run([sys.executable, str(script), str(export)], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert statement.head_hash in out.stdout
    doc = json.loads(export.read_text(encoding="utf-8"))
    doc["entries"][0]["lines"][0][1] = "20.83"  # someone edits the bill afterwards
    export.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), str(export)], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 1 and "entry 1" in out.stdout
