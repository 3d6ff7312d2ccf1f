"""/api/v1/orglife — meeting records (list, one with attendance and resolutions) and the compliance calendar of
a party organisation as JSON. Reads go through the same selectors as the pages (``restrict``)."""

import datetime as dt

from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from linli.core import dates
from linli.core.api import ERROR_RESPONSES, PageNumber

from . import selectors
from .models import Kind

router = Router(tags=["orglife"])


class OrglifeMeetingOut(Schema):
    id: int
    org_id: int
    org_name: str = Field(..., alias="org.name")
    kind: str
    kind_label: str
    status: str
    held_on: dt.date
    counts_for: dt.date
    topic: str
    address: str
    entitled_count: int = Field(..., description="应到: members entitled to attend on that day")
    present_count: int = Field(..., description="实到")
    quorum_met: bool
    photo_count: int = 0

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())


class AttendanceOut(Schema):
    member_id: int
    name: str = Field(..., alias="member.resident.name")
    status: str
    reason: str


class ResolutionOut(Schema):
    id: int
    title: str
    yes: int
    no: int
    abstain: int
    base: int = Field(..., description="应到 the pass rule counts against")
    passed: bool


class PhotoOut(Schema):
    id: int
    url: str
    content_type: str
    size: int

    @staticmethod
    def resolve_url(obj):
        from django.urls import reverse

        return reverse("orglife:photo", args=[obj.pk])


class OrglifeMeetingDetailOut(OrglifeMeetingOut):
    lecturer: str
    minutes: str
    attendance: list[AttendanceOut]
    resolutions: list[ResolutionOut]
    photos: list[PhotoOut]

    @staticmethod
    def resolve_attendance(obj):
        return list(obj.attendance.all())

    @staticmethod
    def resolve_resolutions(obj):
        return list(obj.resolutions.all())

    @staticmethod
    def resolve_photos(obj):
        return list(obj.photos.all())

    @staticmethod
    def resolve_photo_count(obj):
        return len(obj.photos.all())


class OrglifeMeetingFilters(Schema):
    org: int | None = Field(None, ge=1, le=2**62, description="party organisation id")
    kind: Kind | None = None
    year: int | None = Field(None, ge=2000, le=2100)


@router.get(
    "/meetings", response={200: list[OrglifeMeetingOut], **ERROR_RESPONSES}, summary="List meeting records in scope"
)
@paginate(PageNumber)
def list_meetings(request, filters: Query[OrglifeMeetingFilters]):
    qs = selectors.meetings(request.auth, kind=filters.kind or "", year=filters.year)
    if filters.org:
        qs = qs.filter(org_id=filters.org)
    return qs


@router.get(
    "/meetings/{meeting_id}",
    response={200: OrglifeMeetingDetailOut, **ERROR_RESPONSES},
    summary="One meeting record with attendance, resolutions and photos",
)
def get_meeting(request, meeting_id: int = Path(..., ge=1, le=2**62)):
    return selectors.meeting_for(request.auth, meeting_id)


class CellOut(Schema):
    period: str = Field(..., description="e.g. 2026-03, 2026-Q1, 2026")
    start: dt.date
    end: dt.date
    state: str = Field(..., description="done | due | overdue (held late) | missing | upcoming")
    records: list[int] = Field(..., description="ids of the records counting for the period")


class OrglifeItemOut(Schema):
    kind: str
    label: str
    period: str
    cells: list[CellOut]


class ComplianceOut(Schema):
    org_id: int
    org_name: str
    year: int
    today: dt.date
    counts: dict[str, int]
    items: list[OrglifeItemOut]


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


def compliance_json(comp) -> dict:
    return {
        "org_id": comp.org.pk,
        "org_name": comp.org.name,
        "year": comp.year,
        "today": comp.today,
        "counts": comp.counts,
        "items": [
            {
                "kind": row.kind,
                "label": row.label,
                "period": row.period,
                "cells": [
                    {
                        "period": c.period.key,
                        "start": c.period.start,
                        "end": c.period.end,
                        "state": c.state,
                        "records": [r.pk for r in c.records if r.pk],
                    }
                    for c in row.cells
                ],
            }
            for row in comp.rows
        ],
    }


@router.get(
    "/orgs/{org_id}/compliance",
    response={200: ComplianceOut, **ERROR_RESPONSES},
    summary="The compliance calendar of a party organisation for a year",
)
def org_compliance(request, query: Query[YearQuery], org_id: int = Path(..., ge=1, le=2**62)):
    org = selectors.party_org_for(request.auth, org_id)
    year = query.year or dates.today().year
    return compliance_json(selectors.compliance(org, year))
