"""Open311 GeoReport v2 endpoints, and the small staff page that issues and revokes API keys.

Reads (GET) are public, as the spec has them: they show public categories only, and a request never carries the
reporter's identity, phone or any note that is not public. POST needs a valid ``api_key`` (403 otherwise) and
creates the case as the key's service account, inside the key's area only. Every error answers the spec's list
of ``{code, description}`` in the format asked for.

One module per part of the spec: ``catalogue`` (discovery, services), ``reading`` (GET requests), ``posting``
(POST requests), ``keys`` (the staff page); ``common`` for what they share. The endpoints keep their names here.
"""

from .catalogue import (
    ATTRIBUTE_DEFAULTS,
    ATTRIBUTE_LABELS,
    ATTRIBUTES,
    discovery,
    public_categories,
    service_definition,
    service_list,
)
from .common import ATTRIBUTE_RE, MAX_RECORDS, MAX_WINDOW, SPEC_URL, Refused, endpoint, throttled
from .keys import key_revoke, keys_page
from .posting import max_distance, nearest_compound, place_for_address, post_request
from .reading import public_requests, request_detail, requests_view, token_detail

__all__ = [
    "ATTRIBUTES",
    "ATTRIBUTE_DEFAULTS",
    "ATTRIBUTE_LABELS",
    "ATTRIBUTE_RE",
    "MAX_RECORDS",
    "MAX_WINDOW",
    "SPEC_URL",
    "Refused",
    "discovery",
    "endpoint",
    "key_revoke",
    "keys_page",
    "max_distance",
    "nearest_compound",
    "place_for_address",
    "post_request",
    "public_categories",
    "public_requests",
    "request_detail",
    "requests_view",
    "service_definition",
    "service_list",
    "throttled",
    "token_detail",
]
