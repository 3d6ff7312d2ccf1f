"""Reading requests: the public list with its filters, one request, a token's request."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core.dates import FILTER, check_date
from linli.core.paths import BUILDING, COMMUNITY, path_at
from linli.core.validators import mask_personal_numbers

from ...models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    Open311Request,
)
from .. import formats
from .common import MAX_RECORDS, MAX_WINDOW, Refused, endpoint
from .posting import post_request

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
