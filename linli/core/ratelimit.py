"""Rate limits by client address and by key: django-ratelimit's fixed-window counters in the default cache.

The cache must be shared by every app process in production (Redis, ``LINLI_CACHE_URL``); tests and a single
development process use the local-memory cache. ``RATELIMIT_ENABLE = False`` (the test overlay) turns every limit
off; the tests of the limits turn it back on. See docs/adr/0012.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from .middleware import client_ip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    limited: bool
    retry_after: int = 0  # seconds until the window ends

    def __bool__(self) -> bool:
        return self.limited


OK = Verdict(False)


def hit(request, *, group: str, value: str, rate: str, increment: bool = True) -> Verdict:
    """Count one request of ``group`` for ``value`` (an address, a username, a key) against ``rate`` ("20/m").

    With ``increment=False`` it only asks whether ``value`` is already over the limit.
    """
    if not rate:
        return OK
    try:
        usage = get_usage(request, group=group, key=lambda _group, _request: value, rate=rate, increment=increment)
    except Exception:  # the cache is down: fail open (the login lockout still holds, in the database)
        log.exception("rate limit cache unavailable for %s", group)
        return OK
    if usage is None or not usage["should_limit"]:
        return OK
    return Verdict(True, max(1, int(usage["time_left"])))


def hit_address(request, *, group: str, rate: str, increment: bool = True) -> Verdict:
    return hit(request, group=group, value=client_ip(request) or "unknown", rate=rate, increment=increment)


def with_retry_after(response: HttpResponse, verdict: Verdict) -> HttpResponse:
    if verdict.retry_after:
        response["Retry-After"] = str(verdict.retry_after)
    return response


def message(verdict: Verdict) -> str:
    return _("Too many requests: please wait %(seconds)s seconds and try again.") % {"seconds": verdict.retry_after}


def api_response(verdict: Verdict) -> HttpResponse:
    """The API's answer past a limit: 429 with the project's one error body."""
    from .api import error_response

    return with_retry_after(error_response(429, "too_many_requests", message(verdict)), verdict)
