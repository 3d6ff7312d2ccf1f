"""The development mode listens on loopback only (issue #11 item 11).

Outside ``LINLI_ENV=production`` the settings fall back to development defaults: a public secret key, personal
data keys derived from it, demo accounts with a published password, and (under ``LINLI_ENV`` unset) DEBUG on.
Such a server must not be reachable from the network: ``runserver`` refuses any address but loopback unless
``LINLI_ALLOW_DEV_ON_NETWORK=1`` is set, and then prints a loud warning.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.management.base import CommandError

LOOPBACK_NAMES = {"localhost", "ip6-localhost", "ip6-loopback"}


def is_loopback(addr: str) -> bool:
    addr = (addr or "").strip("[]").lower()
    if addr in LOOPBACK_NAMES or addr.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(addr).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def development_mode() -> bool:
    return getattr(settings, "LINLI_ENV", "development") != "production"


WARNING = (
    "\n" + "!" * 78 + "\n"
    "!! linli is in DEVELOPMENT mode (LINLI_ENV={env}) and listening on {addr}, beyond this machine.\n"
    "!! The secret key is public, personal data keys derive from it, demo accounts use a published password{debug}.\n"
    "!! Anyone on the network can read what this server holds. For a real deployment set LINLI_ENV=production\n"
    "!! (docs/deployment.md).\n" + "!" * 78 + "\n"
)


def check_bind(addr: str) -> str | None:
    """Refuse a non-loopback ``addr`` in development mode; with the opt-in, return the warning to print."""
    if not development_mode() or is_loopback(addr):
        return None
    message = WARNING.format(env=settings.LINLI_ENV, addr=addr, debug=" and DEBUG is on" if settings.DEBUG else "")
    if getattr(settings, "LINLI_ALLOW_DEV_ON_NETWORK", False):
        return message
    raise CommandError(
        f"Refusing to serve development mode on {addr}: only loopback (127.0.0.1, ::1, localhost) is allowed.\n"
        "Use `runserver 127.0.0.1:8000`, deploy with LINLI_ENV=production (docs/deployment.md), or — knowing that "
        "the demo accounts and the public secret key become reachable — set LINLI_ALLOW_DEV_ON_NETWORK=1."
    )
