"""What the Open311 endpoints share: limits, ``Refused`` (an Open311 error document), the ``endpoint`` wrapper."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from linli.core import ratelimit

from .. import formats

log = logging.getLogger("linli.workorders.open311.views")  # the name it had before the split

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
MAX_WINDOW = dt.timedelta(days=90)
MAX_RECORDS = 1000
ATTRIBUTE_RE = re.compile(r"^attribute\[([A-Za-z0-9_\-]{1,40})\](\[\])?$")


class Refused(Exception):
    """An answer in the spec's error format: ``status`` and the descriptions."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


def endpoint(*methods: str):
    """csrf-exempt (clients are not browsers), the allowed methods, and every failure in the spec's format."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, fmt: str, *args, **kwargs):
            if request.method not in methods:
                response = formats.errors(fmt, 405, _("Method not allowed."))
                response["Allow"] = ", ".join(methods)
                return response
            try:
                refused = throttled(request)  # reads the body of a POST for its api_key
            except RequestDataTooBig:
                return formats.errors(fmt, 413, _("The request is too large."))
            if refused:
                return ratelimit.with_retry_after(formats.errors(fmt, 429, ratelimit.message(refused)), refused)
            try:
                return view(request, fmt, *args, **kwargs)
            except Refused as exc:
                return formats.errors(fmt, exc.status, *exc.descriptions)
            except RequestDataTooBig:
                return formats.errors(fmt, 413, _("The request is too large."))
            except ValidationError as exc:
                return formats.errors(fmt, 400, *_messages(exc))
            except PermissionDenied as exc:
                return formats.errors(fmt, 403, str(exc) or _("You do not have permission to do this."))
            except Http404:
                return formats.errors(fmt, 404, _("Not found."))
            except Exception:
                log.exception("Open311 error on %s", request.path)
                return formats.errors(fmt, 500, _("Something went wrong on our side. Please try again."))

        return wrapper

    return decorate


def throttled(request) -> ratelimit.Verdict:
    """Reads are limited per client address; posts per address and per ``api_key`` (docs/adr/0012)."""
    if request.method != "POST":
        return ratelimit.hit_address(request, group="open311-read", rate=settings.LINLI_RATE_OPEN311_READ_PER_ADDRESS)
    verdict = ratelimit.hit_address(request, group="open311-write", rate=settings.LINLI_RATE_OPEN311_WRITE_PER_ADDRESS)
    key = request.POST.get("api_key", "")[:200]
    if not verdict and key:
        verdict = ratelimit.hit(request, group="open311-key", value=key, rate=settings.LINLI_RATE_OPEN311_WRITE_PER_KEY)
    return verdict


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {m}" if field != "__all__" else m for field, msgs in exc.message_dict.items() for m in msgs]
    return list(exc.messages) or [_("Invalid input.")]
