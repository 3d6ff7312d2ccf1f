"""/api/v1/access/: door controllers post events (signed, no user auth); staff read doors, aggregate statistics
and — for a stated purpose, audited — the events."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from linli.core.api import ERROR_RESPONSES, error_response

from . import selectors
from .models import Purpose
from .services import IngestError, ingest

router = Router(tags=["access"])


class AccessDoorOut(Schema):
    id: int
    name: str
    place_name: str = Field(..., alias="place.name")
    path: str = Field(..., alias="scope_path")
    methods: list[str]
    is_active: bool


class AccessEventAccepted(Schema):
    id: int
    result: str


class AccessEventOut(Schema):
    door_id: int
    at: dt.datetime
    method: str
    result: str
    person_ref: str = Field(..., description="pseudonym: keyed HMAC of the resident, not reversible")
    visitor: bool
    face_matched: bool | None = None


class AccessHeatmapOut(Schema):
    door_id: int
    door: str
    total: int
    denied: int
    hours: list[int] = Field(..., description="entries per local hour 0..23")


class AccessEventQuery(Schema):
    purpose: Purpose
    case_ref: str
    start: dt.datetime
    end: dt.datetime
    door: int


@router.post("/device/events", auth=None, response={201: AccessEventAccepted, **ERROR_RESPONSES})
def device_event(request):
    """A door controller's signed event (headers and body: docs/domains/access.md)."""
    try:
        event = ingest(
            key_id=request.headers.get("X-Linli-Door", ""),
            timestamp=request.headers.get("X-Linli-Timestamp", ""),
            signature=request.headers.get("X-Linli-Signature", ""),
            body=request.body,
        )
    except IngestError as exc:
        return error_response(exc.status, exc.code, exc.message)
    return Status(201, {"id": event.pk, "result": event.result})


@router.get("/doors", response=list[AccessDoorOut])
def doors(request):
    return list(selectors.doors_for(request.auth))


@router.get("/doors/{door_id}/heatmap", response={200: AccessHeatmapOut, **ERROR_RESPONSES})
def heatmap(request, door_id: int, start: dt.datetime, end: dt.datetime):
    door = get_object_or_404(selectors.doors_for(request.auth), pk=door_id)
    data = selectors.heatmap(request.auth, [door], start, end)
    return {
        "door_id": door.pk,
        "door": door.name,
        "hours": data["grid"][door.pk],
        **data["totals"][door.pk],
    }


@router.get("/events", response={200: list[AccessEventOut], **ERROR_RESPONSES})
def events(request, q: Query[AccessEventQuery]):
    """Purpose-bound, audited read of one door's events in a window (at most 31 days)."""
    door = get_object_or_404(selectors.doors_for(request.auth), pk=q.door)
    rows = selectors.events_for_purpose(
        request.auth, purpose=q.purpose, case_ref=q.case_ref, start=q.start, end=q.end, door=door
    )
    return [
        {
            "door_id": e.door_id,
            "at": e.at,
            "method": e.method,
            "result": e.result,
            "person_ref": e.person_ref,
            "visitor": e.visitor_pass_id is not None,
            "face_matched": e.face_matched,
        }
        for e in rows
    ]
