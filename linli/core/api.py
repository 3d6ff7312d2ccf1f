"""The JSON API base: one NinjaAPI, bearer-token and session auth, one error body, pagination.

Every error, whatever raised it, answers ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import AfterValidator

log = logging.getLogger(__name__)


def _to_utc(value: dt.datetime) -> dt.datetime:
    """Naive times are Beijing time; every time is stored and compared in UTC (PostgreSQL refuses
    offsets beyond ±15:59 that ISO 8601 parsers accept). Years far from now are refused first: a moment in
    year 1 or 9999 cannot be converted."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from .dates import FILTER, check_date

    try:
        check_date(value, FILTER)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value.astimezone(dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_to_utc)]


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` from ``POST /api/v1/auth/token``."""

    def authenticate(self, request, token):
        from .registry import registry

        for authenticate in registry.token_authenticators:  # accounts' API tokens (its registrations.py)
            user = authenticate(token)
            if user is not None:
                request.user = user
                return user
        return None


class SessionAuth(APIKeyCookie):
    """The browser's session (pages using the API with htmx); CSRF is checked on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


AUTH = [BearerAuth(), SessionAuth()]


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


class ErrorBody(Schema):
    error: ErrorDetail


ERROR_RESPONSES = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody}


def error_response(status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    body = {
        "error": {
            "code": code,
            "message": str(message),
            "fields": {k: [str(m) for m in v] for k, v in (fields or {}).items()},
        }
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def too_large_response() -> JsonResponse:
    """413: the body is over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django refuses to read it)."""
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return error_response(
        413, "too_large", _("The request is too large (at most %(mb)s MB).") % {"mb": round(limit / 1024 / 1024, 1)}
    )


def _pydantic_message(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long",):
        return _("Ensure this value has at most %(max)s characters.") % {"max": ctx.get("max_length")}
    if kind in ("string_too_short",):
        return _("Ensure this value has at least %(min)s characters.") % {"min": ctx.get("min_length")}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind.startswith("decimal") or kind in ("float_parsing", "float_type"):
        return _("Enter a number.")
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing", "date_parsing"):
        return _("Enter a valid date/time (ISO 8601).")
    if kind in ("enum", "literal_error"):
        return _("Select a valid choice.")
    if kind in ("string_pattern_mismatch",):
        return _("Enter a value in the expected format.")
    if kind in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
        return _("The request body is not valid JSON of the expected shape.")
    if kind in ("extra_forbidden",):
        return _("This field is not allowed.")
    if kind == "value_error" and err.get("msg", "").startswith("Value error, "):
        return err["msg"].removeprefix("Value error, ")  # our own validators' messages (translated when raised)
    return _("Enter a valid value.")


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "filters", "form")]
    return ".".join(parts) or "__all__"


def django_fields(exc: DjangoValidationError) -> tuple[str, dict]:
    if hasattr(exc, "error_dict"):
        fields = {k: list(v) for k, v in exc.message_dict.items()}
        general = fields.pop("__all__", None)
        message = general[0] if general else _("Please correct the errors below.")
        if general and len(general) > 1:
            fields["__all__"] = general
        return message, fields
    return (exc.messages[0] if exc.messages else _("Invalid input.")), {}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def _invalid_request(request, exc):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_field_name(err.get("loc", ())), []).append(_pydantic_message(err))
        return error_response(400, "invalid", _("Please correct the errors below."), fields)

    @api.exception_handler(DjangoValidationError)
    def _invalid_data(request, exc):
        message, fields = django_fields(exc)
        return error_response(400, "invalid", message, fields)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return error_response(401, "unauthenticated", _("Log in or send a valid bearer token."))

    @api.exception_handler(AuthorizationError)
    def _unauthorised(request, exc):
        return error_response(403, "forbidden", _("You do not have permission to do this."))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return error_response(403, "forbidden", str(exc) or _("You do not have permission to do this."))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(404, "not_found", _("Not found."))

    @api.exception_handler(ObjectDoesNotExist)
    def _no_object(request, exc):
        return error_response(404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        codes = {
            400: "invalid",
            401: "unauthenticated",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            429: "too_many_requests",
        }
        return error_response(exc.status_code, codes.get(exc.status_code, "error"), str(exc))

    @api.exception_handler(OverflowError)
    def _number_too_large(request, exc):
        # An id or number beyond what the database stores (SQLite: 64-bit), or a day moved past year 9999.
        return error_response(400, "invalid", _("A number or a date in the request is out of range."))

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request, exc):
        return too_large_response()

    @api.exception_handler(SuspiciousOperation)
    def _suspicious(request, exc):
        return error_response(400, "bad_request", _("Bad request."))

    @api.exception_handler(DataError)
    def _data_out_of_range(request, exc):
        # PostgreSQL's "integer out of range" and the like: the value cannot be stored, nothing was written.
        return error_response(400, "invalid", _("A number in the request is out of range."))

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def _database_unavailable(request, exc):
        # The database cannot be reached: 503 with the error body, like every page (linli/core/unavailable.py).
        from .unavailable import unavailable_response

        log.error("database unavailable: %s %s: %s", request.method, request.path, exc)
        return unavailable_response(request)

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        log.exception("API error on %s", request.path)
        return error_response(500, "server_error", _("Something went wrong on our side. Please try again."))


class Page(Schema):
    count: int
    page: int
    page_size: int
    results: list[Any]


class PageNumber(PaginationBase):
    """``?page=&page_size=`` (max 200); answers count, page, page_size and results."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100000)
        page_size: int = Field(50, ge=1, le=200)

    class Output(Schema):
        count: int
        page: int
        page_size: int
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
            "results": list(queryset[offset : offset + pagination.page_size]),
        }


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="linli API",
        version="1",
        description=(
            "邻里 linli — smart-community governance. Authenticate with `POST /api/v1/auth/token` and send "
            "`Authorization: Bearer <token>`. Every error has the body "
            '`{"error": {"code", "message", "fields"}}`. Lists are paginated with `page` and `page_size` '
            "and filter by place with `under=<place code>`."
        ),
        auth=AUTH,
        urls_namespace="api",
        openapi_url="/openapi.json",
        docs_url="/docs",
    )
    install_error_handlers(api)
    from .idempotency import install as honour_idempotency_keys

    honour_idempotency_keys(api)  # Idempotency-Key on every POST (linli/core/idempotency.py)
    return api
