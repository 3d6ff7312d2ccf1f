"""Posting a request: the location (coordinates, an address or the key's area), attributes, the reporter."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core.paths import is_within

from ...models import (
    DESCRIPTION_MAX,
    Open311Key,
)
from .. import formats, services
from .catalogue import ATTRIBUTE_DEFAULTS, ATTRIBUTES, public_categories
from .common import ATTRIBUTE_RE, Refused

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
