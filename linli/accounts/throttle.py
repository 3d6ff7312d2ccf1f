"""Login throttling in front of django-axes (docs/adr/0012).

Three layers, so that guessing is slow and nobody can lock someone else out:

* per client address: at most ``LINLI_RATE_LOGIN_PER_ADDRESS`` login attempts (page and token endpoint together);
* per username and address: django-axes locks that pair after ``AXES_FAILURE_LIMIT`` failures — an attacker
  locks only themselves, the account still opens from the owner's address;
* per username, from every address: past ``LINLI_RATE_LOGIN_FAILURES_PER_USERNAME`` failed passwords in the
  window the username is slowed down (refused until the window ends, a minute by default), never locked.
  Attempts refused by a lock or a limit test no password and are not counted as failures.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from linli.core import ratelimit

ADDRESS_GROUP = "login-address"
USERNAME_GROUP = "login-username-failures"


def _username(value) -> str:
    return str(value or "")[:150]


def login_refused(request, username) -> ratelimit.Verdict:
    """Before a password is checked: too many attempts from this address, or too many failures for this name?"""
    verdict = ratelimit.hit_address(request, group=ADDRESS_GROUP, rate=settings.LINLI_RATE_LOGIN_PER_ADDRESS)
    if verdict:
        return verdict
    return ratelimit.hit(
        request,
        group=USERNAME_GROUP,
        value=_username(username),
        rate=settings.LINLI_RATE_LOGIN_FAILURES_PER_USERNAME,
        increment=False,
    )


@receiver(user_login_failed, dispatch_uid="linli.accounts.throttle.count_failure")
def count_failure(sender, credentials, request=None, **kwargs):
    """A password was checked and was wrong: one more failure for the username, whatever the address."""
    if request is None or getattr(request, "axes_locked_out", False):
        return
    ratelimit.hit(
        request,
        group=USERNAME_GROUP,
        value=_username(credentials.get("username")),
        rate=settings.LINLI_RATE_LOGIN_FAILURES_PER_USERNAME,
    )
