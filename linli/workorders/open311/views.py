"""Open311 GeoReport v2 endpoints, and the small staff page that issues and revokes API keys.

Reads (GET) are public, as the spec has them: they show public categories only, and a request never carries the
reporter's identity, phone or any note that is not public. POST needs a valid ``api_key`` (403 otherwise) and
creates the case as the key's service account, inside the key's area only. Every error answers the spec's list
of ``{code, description}`` in the format asked for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import math
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.validators import URLValidator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from linli.areas.models import Place
from linli.core import ratelimit
from linli.core.dates import FILTER, check_date
from linli.core.paths import BUILDING, COMMUNITY, is_within, path_at
from linli.core.permissions import can_at, may_any, restrict
from linli.core.validators import mask_personal_numbers

from ..models import (
    DESCRIPTION_MAX,
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseType,
    Category,
    Confidentiality,
    Open311Key,
    Open311Request,
    Priority,
)
from . import formats, services

log = logging.getLogger(__name__)

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


# -- reference data -----------------------------------------------------------------------------------------


def public_categories():
    return Category.objects.filter(is_public=True, is_active=True).select_related("parent").order_by("sort", "code")


ATTRIBUTES = (
    # code, choices, whether a value is required
    ("case_type", CaseType, False),
    ("priority", Priority, False),
    ("confidentiality", Confidentiality, False),
)
ATTRIBUTE_LABELS = {
    "case_type": lambda: _("Type of request"),
    "priority": lambda: _("Urgency"),
    "confidentiality": lambda: _("Confidentiality"),
}
ATTRIBUTE_DEFAULTS = {"case_type": CaseType.HELP, "priority": Priority.NORMAL, "confidentiality": Confidentiality.NONE}


def _attributes() -> list[dict]:
    return [
        {
            "variable": True,
            "code": code,
            "datatype": "singlevaluelist",
            "required": required,
            "datatype_description": "",
            "order": order,
            "description": str(ATTRIBUTE_LABELS[code]()),
            "values": [{"key": value, "name": str(label)} for value, label in choices.choices],
        }
        for order, (code, choices, required) in enumerate(ATTRIBUTES, start=1)
    ]


def _service(category: Category, children: dict) -> dict:
    if category.parent_id:
        group, keywords = category.parent.name, [category.parent.name]
    else:
        group, keywords = category.name, children.get(category.pk, [])
    keywords = list(dict.fromkeys([*keywords, *category.keyword_list]))  # the category's own keywords too
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": bool(ATTRIBUTES),
        "type": "realtime",
        "keywords": ",".join(keywords),
        "group": group,
    }


@endpoint("GET")
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("/", 1)[0] + "/"
    latest = Category.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    changeset = formats.iso(latest or timezone.now())
    doc = {
        "changeset": changeset,
        "contact": getattr(settings, "LINLI_OPEN311_CONTACT", "") or _("The district dispatch centre"),
        "key_service": _("API keys are issued by the district administrator or the dispatch centre."),
        "endpoints": [
            {
                "specification": SPEC_URL,
                "url": base,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return formats.render(fmt, "discovery", doc)


@endpoint("GET")
def service_list(request, fmt):
    categories = list(public_categories())
    children: dict[int, list[str]] = {}
    for c in categories:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c.name)
    return formats.render(fmt, "services", [_service(c, children) for c in categories])


@endpoint("GET")
def service_definition(request, fmt, code):
    category = public_categories().filter(code=code).first()
    if category is None:
        raise Refused(404, _("Unknown service_code: %(code)s") % {"code": code[:40]})
    return formats.render(fmt, "service_definition", {"service_code": category.code, "attributes": _attributes()})


# -- requests -----------------------------------------------------------------------------------------------


def public_requests():
    """Cases in public categories, with what a public answer needs (status notes: the last public note)."""
    last_note = (
        CaseEvent.objects.filter(case=OuterRef("pk"), public=True)
        .exclude(note="")
        .order_by("-at", "-pk")
        .values("note")[:1]
    )
    media = Open311Request.objects.filter(case=OuterRef("pk")).values("media_url")[:1]
    return (
        Case.objects.filter(category__is_public=True)
        .select_related("category", "lead_org", "place")
        .annotate(status_notes=Subquery(last_note), media_link=Subquery(media))
    )


def _public_places(cases: list[Case]) -> dict[int, tuple[str, str, object, object]]:
    """case pk → (address, address_id, lat, long) as published. A case reported at a unit or a house (levels 6–7)
    points at somebody's home: publicly it is shown at its building, with the building's address and coordinates;
    the reporter's own map point and free-text address are left out too (they locate the same home)."""
    homes = [c for c in cases if c.place.level >= 6]
    buildings = {}
    if homes:
        for b in Place.objects.filter(path__in={path_at(c.scope_path, BUILDING) for c in homes}).select_related(
            "parent"
        ):
            buildings[b.path] = b
    out = {}
    for c in cases:
        if c.place.level >= 6:
            b = buildings.get(path_at(c.scope_path, BUILDING))
            if b is None:  # not under a building (never in a sound tree): say nothing finer than the community
                out[c.pk] = ("", "", None, None)
                continue
            name = f"{b.parent.name}{b.name}" if b.parent_id and b.parent else b.name
            out[c.pk] = (b.address or name, b.code, b.latitude, b.longitude)
        else:
            out[c.pk] = (
                c.address or c.place.address or c.place.name,
                c.place.code,
                c.lat if c.lat is not None else c.place.latitude,
                c.lng if c.lng is not None else c.place.longitude,
            )
    return out


def _request_docs(cases: list[Case]) -> list[dict]:
    communities = {path_at(c.scope_path, COMMUNITY) for c in cases if not c.lead_org_id}
    names = dict(Place.objects.filter(path__in=communities).values_list("path", "name")) if communities else {}
    places = _public_places(cases)
    docs = []
    for c in cases:
        address, address_id, lat, lng = places[c.pk]
        docs.append(
            {
                "service_request_id": c.number,
                "status": "open" if c.state in OPEN_STATES else "closed",
                "status_notes": mask_personal_numbers(c.status_notes or ""),
                "service_name": c.category.name,
                "service_code": c.category.code,
                "description": mask_personal_numbers(c.description),
                "agency_responsible": c.lead_org.name
                if c.lead_org_id
                else names.get(path_at(c.scope_path, COMMUNITY), ""),
                "service_notice": "",
                "requested_datetime": formats.iso(c.created_at),
                "updated_datetime": formats.iso(c.updated_at),
                "expected_datetime": formats.iso(c.handle_due),
                "address": mask_personal_numbers(address),
                "address_id": address_id,
                "zipcode": "",
                "lat": lat,
                "long": lng,
                "media_url": c.media_link or "",
            }
        )
    return docs


def _when(name: str, value: str) -> dt.datetime:
    value = value.strip().replace(" ", "+")  # a "+" in a query string arrives as a space
    moment = None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is not None:
                moment = dt.datetime.combine(day, dt.time())
    except ValueError:
        moment = None
    if moment is None:
        raise Refused(
            400, _("%(name)s is not a W3C/ISO 8601 date and time, e.g. 2026-10-01T00:00:00+08:00.") % {"name": name}
        )
    try:  # far from now, the day cannot be moved by the window nor converted to UTC
        check_date(moment, FILTER)
    except ValidationError as exc:
        raise Refused(400, f"{name}: {exc.messages[0]}") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    try:
        return moment.astimezone(dt.UTC)
    except (OverflowError, ValueError) as exc:
        raise Refused(400, _("%(name)s is out of range.") % {"name": name}) from exc


def _int(params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise Refused(400, _("%(name)s must be a whole number.") % {"name": name}) from exc
    if not low <= value <= high:
        raise Refused(
            400, _("%(name)s must be between %(low)s and %(high)s.") % {"name": name, "low": low, "high": high}
        )
    return value


def _list(params, name: str) -> list[str]:
    return [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()][:200]


@endpoint("GET", "POST")
def requests_view(request, fmt):
    if request.method == "POST":
        return post_request(request, fmt)
    params = request.GET
    qs = public_requests()
    ids = _list(params, "service_request_id")
    if ids:
        qs = qs.filter(number__in=ids)  # overrides every other filter
    else:
        codes = _list(params, "service_code")
        if codes:
            qs = qs.filter(category__code__in=codes)
        start = _when("start_date", params["start_date"]) if params.get("start_date") else None
        end = _when("end_date", params["end_date"]) if params.get("end_date") else None
        if start and end:
            if end < start:
                raise Refused(400, _("end_date is before start_date."))
            if end - start > MAX_WINDOW:
                raise Refused(400, _("start_date and end_date may be at most 90 days apart."))
        elif start:
            end = start + MAX_WINDOW
        elif end:
            start = end - MAX_WINDOW
        else:
            end = timezone.now()
            start = end - MAX_WINDOW
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        statuses = set(_list(params, "status"))
        if statuses - {"open", "closed"}:
            raise Refused(400, _("status is open or closed (or both, comma separated)."))
        if statuses == {"open"}:
            qs = qs.filter(state__in=OPEN_STATES)
        elif statuses == {"closed"}:
            qs = qs.exclude(state__in=OPEN_STATES)
    page = _int(params, "page", 1, 1, 100000)
    size = _int(params, "page_size", MAX_RECORDS, 1, MAX_RECORDS)
    offset = (page - 1) * size
    cases = list(qs.order_by("-created_at", "-pk")[offset : offset + size])
    return formats.render(fmt, "service_requests", _request_docs(cases))


@endpoint("GET")
def request_detail(request, fmt, request_id):
    case = public_requests().filter(number=request_id[:20]).first()
    if case is None:
        raise Refused(404, _("Unknown service_request_id: %(id)s") % {"id": request_id[:40]})
    return formats.render(fmt, "service_requests", _request_docs([case]))


@endpoint("GET")
def token_detail(request, fmt, token):
    req = Open311Request.objects.select_related("case").filter(token=token[:40], case__category__is_public=True).first()
    if req is None:
        raise Refused(404, _("Unknown token: %(token)s") % {"token": token[:40]})
    return formats.render(fmt, "service_requests", [{"service_request_id": req.case.number, "token": req.token}])


# -- POST requests --------------------------------------------------------------------------------------------


def _decimal(name: str, value: str, limit: int) -> Decimal:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, ValueError) as exc:
        raise Refused(400, _("%(name)s is not a number.") % {"name": name}) from exc
    if not number.is_finite() or abs(number) > limit:
        raise Refused(400, _("%(name)s is out of range.") % {"name": name})
    return number.quantize(Decimal("0.000001"))


def _metres(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance (haversine) — only to decide whether the nearest compound is near enough."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(min(1.0, a)))


def max_distance() -> float:
    return float(getattr(settings, "LINLI_OPEN311_MAX_DISTANCE_M", 1500))


def nearest_compound(key: Open311Key, lat: Decimal, lng: Decimal) -> Place | None:
    """The compound of the nearest building (or compound) with stored coordinates inside the key's area.

    Coordinates live on buildings (``Place.latitude``/``longitude``); candidates are narrowed to a box of about
    ±2 km by index-free comparisons, then the nearest is picked in Python by great-circle distance."""
    box = Decimal("0.02")
    rows = list(
        Place.objects.under(key.scope_path)
        .filter(
            level__in=[4, 5],
            is_active=True,
            latitude__range=(lat - box, lat + box),
            longitude__range=(lng - box, lng + box),
        )
        .values_list("pk", "level", "parent_id", "latitude", "longitude")[:5000]
    )
    if not rows:
        return None
    best = min(rows, key=lambda r: _metres(lat, lng, r[3], r[4]))
    if _metres(lat, lng, best[3], best[4]) > max_distance():
        return None
    return Place.objects.filter(pk=best[0] if best[1] == 4 else best[2], is_active=True).first()


def place_for_address(key: Open311Key, text: str) -> Place | None:
    """A compound (or community) inside the key's area whose name the address mentions; the longest name wins."""
    text = (text or "").strip()
    if not text:
        return None
    found = [
        (len(name), level, pk)
        for pk, name, level in Place.objects.under(key.scope_path)
        .filter(level__in=[3, 4], is_active=True)
        .values_list("pk", "name", "level")
        if name and name in text
    ]
    if not found:
        return None
    _length, _level, pk = max(found)
    return Place.objects.get(pk=pk)


def _location(key: Open311Key, data) -> tuple[Place, Decimal | None, Decimal | None]:
    address_id = (data.get("address_id") or "").strip()
    lat_raw, lng_raw = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    address = (data.get("address_string") or "").strip()
    lat = lng = None
    if bool(lat_raw) != bool(lng_raw):
        raise Refused(400, _("Send both lat and long, or neither."))
    if lat_raw:
        lat, lng = _decimal("lat", lat_raw, 90), _decimal("long", lng_raw, 180)
    if address_id:
        place = Place.objects.filter(code=address_id[:24], is_active=True).first()
        if place is None or place.level < 3 or not is_within(place.path, [key.scope_path]):
            raise Refused(400, _("Unknown address_id: %(id)s") % {"id": address_id[:24]})
        return place, lat, lng
    if lat is not None:
        place = nearest_compound(key, lat, lng)
        if place is None:
            raise Refused(400, _("The location is not near any compound this key may report in."))
        return place, lat, lng
    if address:
        place = place_for_address(key, address)
        if place is None:
            raise Refused(
                400,
                _(
                    "The address_string names no compound or community this key may report in; "
                    "send lat and long or an address_id."
                ),
            )
        return place, None, None
    raise Refused(400, _("A location is required: lat and long, address_string or address_id."))


def _attribute_values(data) -> dict[str, str]:
    values = {}
    for name in data:
        match = ATTRIBUTE_RE.match(name)
        if match:
            values[match.group(1)] = (data.getlist(name) or [""])[-1].strip()
    chosen = {}
    for code, choices, required in ATTRIBUTES:
        value = values.get(code, "")
        if not value:
            if required:
                raise Refused(400, _("attribute[%(code)s] is required.") % {"code": code})
            chosen[code] = ATTRIBUTE_DEFAULTS[code]
        elif value not in choices.values:
            raise Refused(
                400,
                _("attribute[%(code)s] must be one of: %(values)s.")
                % {"code": code, "values": ", ".join(choices.values)},
            )
        else:
            chosen[code] = value
    return chosen


def _reporter_name(first: str, last: str) -> str:
    first, last = first.strip(), last.strip()
    if first.isascii() and last.isascii():
        return f"{first} {last}".strip()
    return f"{last}{first}"  # Chinese order: family name first


def post_request(request, fmt):
    data = request.POST
    key = services.key_authenticate(data.get("api_key", ""))
    if key is None:
        raise Refused(403, _("A valid api_key is required to post a service request."))
    code = (data.get("service_code") or "").strip()
    if not code:
        raise Refused(400, _("service_code is required."))
    category = public_categories().filter(code=code[:40]).first()
    if category is None:
        raise Refused(400, _("Unknown service_code: %(code)s") % {"code": code[:40]})
    place, lat, lng = _location(key, data)
    description = (data.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Refused(400, _("description may be at most %(n)s characters.") % {"n": DESCRIPTION_MAX})
    media_url = (data.get("media_url") or "").strip()
    if media_url:
        try:
            if len(media_url) > 1000:
                raise ValidationError("too long")
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            raise Refused(400, _("media_url must be an http or https URL of at most 1,000 characters.")) from exc
    attrs = _attribute_values(data)
    name = _reporter_name(data.get("first_name") or "", data.get("last_name") or "")
    if len(name) > 50:
        raise Refused(400, _("first_name and last_name together may be at most 50 characters."))
    summary = description.splitlines()[0] if description else ""
    title = f"{category.name}：{summary}" if summary else category.name
    req = services.request_create(
        key=key,
        category=category,
        place=place,
        description=description or category.name,
        title=title[:100],
        lat=lat,
        lng=lng,
        address=(data.get("address_string") or "").strip()[:200],
        case_type=attrs["case_type"],
        priority=attrs["priority"],
        confidentiality=attrs["confidentiality"],
        reporter_name=name,
        reporter_phone=(data.get("phone") or "").strip()[:20],
        media_url=media_url,
    )
    notice = _("Received. You can follow it with service_request_id %(id)s.") % {"id": req.case.number}
    return formats.render(
        fmt,
        "service_requests",
        [{"service_request_id": req.case.number, "token": req.token, "service_notice": notice, "account_id": ""}],
    )


# -- the staff page: issue and revoke keys ----------------------------------------------------------------------


def _key_places(user) -> list[Place]:
    """The districts, streets and communities ``user`` may issue keys for."""
    return [
        p
        for p in Place.objects.filter(level__lte=3, is_active=True).order_by("path")
        if can_at(user, "add", Open311Key, p.path)
    ]


@login_required
def keys_page(request):
    user = request.user
    if not may_any(user, Open311Key, "add"):
        raise PermissionDenied
    issued = raw = None
    errors: dict = {}
    if request.method == "POST":
        code = (request.POST.get("place") or "")[:24]
        place = next((p for p in _key_places(user) if p.code == code), None)
        try:
            if place is None:
                raise ValidationError({"place": _("Choose a district, street or community you manage.")})
            issued, raw = services.key_issue(actor=user, name=request.POST.get("name", ""), place=place)
        except ValidationError as exc:
            errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            errors["general"] = errors.pop("__all__", [])
    keys = restrict(Open311Key.objects.select_related("place", "issued_by", "revoked_by"), user)
    return render(
        request,
        "workorders/open311_keys.html",
        {
            "keys": keys,
            "places": _key_places(user),
            "issued": issued,
            "raw": raw,
            "errors": errors,
            "base_url": request.build_absolute_uri(reverse("open311:discovery", args=["json"])).rsplit("/", 1)[0] + "/",
        },
    )


@login_required
@require_POST
def key_revoke(request, pk: int):
    key = get_object_or_404(restrict(Open311Key.objects.all(), request.user), pk=pk)
    with contextlib.suppress(ValidationError):  # already revoked: nothing to do
        services.key_revoke(actor=request.user, key=key)
    return redirect("open311:keys")
