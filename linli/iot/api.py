"""/api/v1/iot/: devices (with last values and the 24-hour series), alarms (acknowledge, clear) and the ingest
counters — over the same selectors and services as the pages. Telemetry itself comes in over MQTT or the
device-credential endpoint ``/iot/ingest/<device-id>/telemetry`` (docs/domains/iot.md), not through this API."""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.permissions import may_any

from . import selectors, services
from .models import AlarmState, Device, DeviceStatus

router = Router(tags=["iot"])


class IotDeviceOut(Schema):
    id: int
    ident: str
    name: str
    device_type: str = Field(..., alias="device_type.code")
    place_code: str = Field(..., alias="place.code")
    place_name: str = Field(..., alias="place.name")
    status: str
    last_seen_at: dt.datetime | None = None
    last_values: dict
    active_alarms: int = 0


class IotPointOut(Schema):
    at: dt.datetime
    min: float
    avg: float
    max: float


class IotSeriesOut(Schema):
    key: str
    points: list[IotPointOut]


class IotAlarmOut(Schema):
    id: int
    device_id: int
    alarm_type: str
    severity: str
    state: str
    count: int
    first_at: dt.datetime
    last_at: dt.datetime
    value: float | None = None
    case_id: int | None = None
    acked_at: dt.datetime | None = None
    cleared_at: dt.datetime | None = None
    cleared_by: str


class IotDeviceFilters(Schema):
    under: str | None = Field(None, max_length=24, description="Only devices under this place code (a compound)")
    q: str | None = Field(None, max_length=60)
    status: Literal[tuple(DeviceStatus.values)] | None = None


class IotAlarmFilters(Schema):
    under: str | None = Field(None, max_length=24)
    state: Literal[(*AlarmState.values, "active")] | None = None


class IotNoteIn(Schema):
    note: str = Field("", max_length=200)


@router.get("/devices", response={200: list[IotDeviceOut], **ERROR_RESPONSES}, summary="Devices in scope")
@paginate(PageNumber)
def list_devices(request, filters: Query[IotDeviceFilters]):
    under = place_by_code(request.auth, filters.under) if filters.under else None
    return selectors.devices(request.auth, under=under, q=filters.q or "", status=filters.status or "")


@router.get("/devices/{int:device_id}", response={200: IotDeviceOut, **ERROR_RESPONSES}, summary="One device")
def get_device(request, device_id: int):
    return get_object_or_404(selectors.devices(request.auth), pk=device_id)


@router.get(
    "/devices/{int:device_id}/series",
    response={200: list[IotSeriesOut], **ERROR_RESPONSES},
    summary="The last 24 hours per key, in 10-minute buckets (min/avg/max)",
)
def device_series(request, device_id: int):
    device = get_object_or_404(selectors.devices(request.auth), pk=device_id)
    data = selectors.series(device)
    return [
        {"key": key, "points": [{"at": t, "min": mn, "avg": a, "max": mx} for t, mn, a, mx in points]}
        for key, points in data["series"].items()
    ]


@router.get("/alarms", response={200: list[IotAlarmOut], **ERROR_RESPONSES}, summary="Alarms in scope")
@paginate(PageNumber)
def list_alarms(request, filters: Query[IotAlarmFilters]):
    under = place_by_code(request.auth, filters.under) if filters.under else None
    return selectors.alarms(request.auth, under=under, state=filters.state or "")


@router.post("/alarms/{int:alarm_id}/ack", response={200: IotAlarmOut, **ERROR_RESPONSES}, summary="Acknowledge")
def ack_alarm(request, alarm_id: int, data: IotNoteIn):
    alarm = get_object_or_404(selectors.alarms(request.auth), pk=alarm_id)
    return services.alarm_ack(actor=request.auth, alarm=alarm, note=data.note)


@router.post(
    "/alarms/{int:alarm_id}/clear", response={200: IotAlarmOut, **ERROR_RESPONSES}, summary="Clear, with a note"
)
def clear_alarm(request, alarm_id: int, data: IotNoteIn):
    alarm = get_object_or_404(selectors.alarms(request.auth), pk=alarm_id)
    return services.alarm_clear(actor=request.auth, alarm=alarm, note=data.note)


@router.get("/status", response={200: dict[str, int], **ERROR_RESPONSES}, summary="Ingest counters")
def ingest_counters(request):
    if not may_any(request.auth, Device):
        raise PermissionDenied
    return selectors.counters()
