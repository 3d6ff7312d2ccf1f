"""The database is down: answer 503 with a short translated body, and recover by itself when it is back.

While PostgreSQL is unreachable (restarted, failed over, out of connections) every query raises
``django.db.OperationalError`` (or ``InterfaceError`` on a connection that died under us). Without this a user
gets the 500 page — which itself needs the database for the menu — and a monitoring system cannot tell "our bug"
from "the database is away". Here:

* ``DatabaseUnavailableMiddleware.process_exception`` turns those errors raised in a view (including the lazy
  session and user look-ups a view triggers, and the API's bearer-token look-up) into a 503;
* ``errors.server_error`` (handler500) asks ``is_database_unavailable`` for errors raised in a middleware (a
  session saved after the view), so they are a 503 too.

The body needs neither the database nor the session: a standalone template rendered without context processors
for browsers, the API's error body (code ``unavailable``) for ``/api/``; ``Retry-After`` tells clients to come back.
Recovery needs nothing from here: the failed connection is marked unusable and closed at the end of the request,
and with persistent connections ``CONN_HEALTH_CHECKS`` (config/settings/base.py) tests a reused connection before
the next request uses it, so the first request after the database returns opens a fresh one.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("linli.unavailable")

RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True for the errors a missing database raises (also when wrapped: ``raise … from`` the driver's error)."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def unavailable_response(request) -> HttpResponse:
    message = _("The service is briefly unavailable: the database cannot be reached. Please try again in a moment.")
    if request.path.startswith("/api/"):
        from .api import error_response

        response = error_response(503, "unavailable", message)
    else:
        html = render_to_string(
            "errors/unavailable.html",
            {"message": message, "title": _("Service unavailable"), "retry": _("Try again")},
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """503 instead of 500 while the database cannot be reached (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error("database unavailable: %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)


def current_exception_is_database_unavailable() -> bool:
    return is_database_unavailable(sys.exc_info()[1])
