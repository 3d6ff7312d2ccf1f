"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Never run ``playwright install``: the browser is Debian's (``apt-get install chromium fonts-wqy-microhei``).
Without it every browser test is skipped with that reason, so ``make test`` still passes.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in a thread with a
# running loop unless told it is safe (it is: the loop belongs to Playwright, not to Django).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parent.parent / "test-results"


@pytest.fixture(autouse=True)
def _flushable_audit_log(request):
    """Let pytest-django flush the database after a live_server test on SQLite.

    The audit table refuses DELETE of rows younger than 180 days with a trigger (core migration 0002).
    Flushing after a ``transactional_db`` test is ``DELETE FROM`` on SQLite (``TRUNCATE`` on PostgreSQL, which
    row triggers do not see), so there the test's own audit rows would stop the flush. Before the flush, this
    removes them with the triggers briefly dropped, then puts the triggers back exactly as they were.
    """
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so torn down (flushed) after this teardown
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditlog'")
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            cursor.execute("DELETE FROM core_auditlog")
        finally:
            for _name, sql in triggers:
                cursor.execute(sql)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed: apt-get install chromium fonts-wqy-microhei")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test (no cookies carried over), Chinese like our users' browsers."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
