"""Visits API: the due list, visit logs (with needs), pairings."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.dates import PastDate
from linli.registry import selectors as reg

from . import selectors, services
from .models import VisitKind

router = Router(tags=["visits"])


class DueOut(Schema):
    resident_id: int
    resident_name: str
    rule: str
    last_visit: dt.date | None
    due_on: dt.date
    overdue_days: int


class VisitIn(Schema):
    resident_id: int = Field(..., ge=1, le=2**62)
    visited_on: PastDate
    purpose: str = Field(..., min_length=1, max_length=200)
    findings: str = Field("", max_length=2000)
    kind: VisitKind = VisitKind.ROUTINE
    needs: list[str] = Field(default_factory=list, max_length=10)


class VisitOut(Schema):
    id: int
    resident_id: int
    visited_on: dt.date
    kind: str
    purpose: str
    findings: str


class PairingOut(Schema):
    id: int
    resident_id: int
    partner_kind: str
    partner_resident_id: int | None
    partner_org_id: int | None
    since: dt.date


@router.get("/due", response={200: list[DueOut], **ERROR_RESPONSES}, summary="Residents due a visit")
def due(request):
    return [
        {
            "resident_id": d.resident.pk,
            "resident_name": d.resident.name,
            "rule": d.rule.name,
            "last_visit": d.last_visit,
            "due_on": d.due_on,
            "overdue_days": d.overdue_days,
        }
        for d in selectors.due_visits(request.auth)
    ]


@router.get("", response={200: list[VisitOut], **ERROR_RESPONSES}, summary="Visits in my scope")
@paginate(PageNumber)
def list_visits(request):
    return selectors.visits(request.auth)


@router.post("", response={201: VisitOut, **ERROR_RESPONSES}, summary="Log a visit")
def log_visit(request, data: VisitIn):
    resident = get_object_or_404(reg.residents(request.auth), pk=data.resident_id)
    visit = services.visit_log(
        actor=request.auth,
        resident=resident,
        visited_on=data.visited_on,
        purpose=data.purpose,
        findings=data.findings,
        kind=data.kind,
        needs=data.needs,
    )
    return Status(201, visit)


@router.get("/pairings", response={200: list[PairingOut], **ERROR_RESPONSES}, summary="Current pairings")
@paginate(PageNumber)
def list_pairings(request):
    return selectors.pairings(request.auth)
