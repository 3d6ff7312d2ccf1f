"""What the browser walks share: logging in as a test user (``linli.accounts.testing.PASSWORD``)."""

from django.urls import reverse


def login(page, url: str, username: str, *, viewport: dict | None = None, password: str | None = None) -> None:
    """Log in afresh as ``username`` (with ``password``, the test users' by default) and wait for the home page.

    The previous page is left first: a redirect still in flight would otherwise come back after the cookies are
    cleared, as an anonymous request, and set a CSRF cookie that no longer matches the login form's token (this
    made walks with several users flaky on PostgreSQL)."""
    from linli.accounts.testing import PASSWORD

    page.goto("about:blank")
    page.context.clear_cookies()
    if viewport is not None:
        page.set_viewport_size(viewport)
    page.goto(url + reverse("accounts:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password or PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(url + reverse("portal:home"))
