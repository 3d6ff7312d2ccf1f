"""/api/v1/deliberation/: meetings (plan, seats, agenda, hold, cancel), matters (raise, solve, hand to a work order,
decline), the compliance calendar and the figures — over the same selectors and services as the pages."""

import datetime as dt
from types import SimpleNamespace
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.selectors import place_by_code
from linli.core import dates
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.dates import EventDate

from . import selectors, services
from .models import Kind, MatterState, MeetingState, Seat

router = Router(tags=["deliberation"])


class DeliberationMeetingOut(Schema):
    id: int
    compound_code: str = Field(..., alias="compound.code")
    compound_name: str = Field(..., alias="compound.name")
    kind: str
    title: str
    scheduled_on: dt.date
    held_on: dt.date | None = None
    address: str
    state: str


class DeliberationSeatOut(Schema):
    id: int
    seat: str
    name: str
    present: bool
    party_org_id: int | None = None
    organisation_id: int | None = None
    committee_id: int | None = None


class DeliberationItemOut(Schema):
    id: int
    position: int
    title: str
    decision: str
    matter_id: int | None = None


class DeliberationMeetingDetailOut(DeliberationMeetingOut):
    minutes: str
    cancel_reason: str
    seats: list[DeliberationSeatOut]
    items: list[DeliberationItemOut]
    missing_seats: list[str] = Field(..., description="三方议事: the seats (party, property, committee) nobody filled")


class DeliberationMeetingIn(Schema):
    compound: str = Field(..., max_length=24, description="Code of the compound (小区)")
    kind: Literal[tuple(Kind.values)] = Kind.TRIPARTITE
    title: str = Field(..., min_length=1, max_length=100)
    scheduled_on: EventDate
    address: str = Field("", max_length=100)


class DeliberationSeatIn(Schema):
    seat: Literal[tuple(Seat.values)]
    name: str = Field(..., min_length=1, max_length=50)


class DeliberationAgendaIn(Schema):
    matter_id: int | None = Field(None, ge=1, le=2**31 - 1)
    title: str = Field("", max_length=100)


class DeliberationHoldIn(Schema):
    held_on: EventDate
    minutes: str = Field(..., min_length=1, max_length=8000)
    absent: list[int] = Field([], max_length=50, description="Participant ids who did not come")


class DeliberationReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class DeliberationMeetingFilters(Schema):
    under: str | None = Field(None, max_length=24, description="Only meetings in this place's subtree")
    kind: Literal[tuple(Kind.values)] | None = None
    state: Literal[tuple(MeetingState.values)] | None = None


class DeliberationMatterOut(Schema):
    id: int
    compound_code: str = Field(..., alias="compound.code")
    title: str
    description: str
    source: str
    state: str
    outcome: str
    resolution: str
    decline_reason: str
    raised_on: dt.date
    closed_on: dt.date | None = None
    case_id: int | None = None
    from_case_id: int | None = None
    decision_id: int | None = Field(None, description="The owners' decision the matter was put to (/api/v1/votes)")


class DeliberationMatterIn(Schema):
    place: str | None = Field(
        None, max_length=24, description="Code of the compound or of a place inside it (default: the work order's)"
    )
    from_case_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Raised from this work order")
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field("", max_length=4000)


class DeliberationToVoteIn(Schema):
    matter_type: int = Field(..., ge=1, le=9, description="The matter of 民法典 第278条 (1–9; 6, 7, 8 need 3/4)")


class DeliberationSolveIn(Schema):
    meeting_id: int = Field(..., ge=1, le=2**31 - 1)
    resolution: str = Field(..., min_length=1, max_length=4000)


class DeliberationMatterFilters(Schema):
    under: str | None = Field(None, max_length=24, description="Only matters in this place's subtree")
    state: Literal[(*MatterState.values, "open")] | None = None


class DeliberationCellOut(Schema):
    start: dt.date
    end: dt.date
    state: str = Field(..., description="done / late / missing / due / upcoming")
    incomplete: bool = Field(..., description="三方议事 held without all three seats")


class DeliberationCalendarOut(Schema):
    compound_code: str
    compound_name: str
    kind: str
    interval_months: int
    cells: list[DeliberationCellOut]


class DeliberationFiguresOut(Schema):
    code: str | None = None
    name: str
    raised: int
    solved: int
    open: int
    declined: int
    median_days: float | None = None
    share_meeting: int | None = Field(None, description="Percent of solved matters solved through deliberation")
    share_workorder: int | None = Field(None, description="Percent of solved matters solved through work orders")


def _under(user, code):
    return place_by_code(user, code).path if code else None


def _meeting_detail(user, meeting):
    seats = list(selectors.seats_of(user, meeting))
    return SimpleNamespace(
        **{
            **{k: getattr(meeting, k) for k in ("id", "kind", "title", "scheduled_on", "held_on", "address", "state")},
            "compound": meeting.compound,
            "minutes": meeting.minutes,
            "cancel_reason": meeting.cancel_reason,
            "seats": seats,
            "items": list(selectors.items_of(user, meeting)),
            "missing_seats": selectors.missing_seats(seats) if meeting.kind == Kind.TRIPARTITE else [],
        }
    )


@router.get("/meetings", response={200: list[DeliberationMeetingOut], **ERROR_RESPONSES}, summary="Meetings in scope")
@paginate(PageNumber)
def list_meetings(request, filters: Query[DeliberationMeetingFilters]):
    return selectors.meetings(
        request.auth, under=_under(request.auth, filters.under), kind=filters.kind or "", state=filters.state or ""
    )


@router.post("/meetings", response={201: DeliberationMeetingOut, **ERROR_RESPONSES}, summary="Plan a meeting")
def create_meeting(request, payload: DeliberationMeetingIn):
    data = payload.dict()
    data["compound"] = place_by_code(request.auth, data["compound"], field="compound")
    return Status(201, services.meeting_create(actor=request.auth, **data))


@router.get(
    "/meetings/{int:meeting_id}", response={200: DeliberationMeetingDetailOut, **ERROR_RESPONSES}, summary="One meeting"
)
def get_meeting(request, meeting_id: int):
    return _meeting_detail(request.auth, selectors.meeting_for(request.auth, meeting_id))


@router.post(
    "/meetings/{int:meeting_id}/seats", response={201: DeliberationSeatOut, **ERROR_RESPONSES}, summary="Add a seat"
)
def add_seat(request, meeting_id: int, payload: DeliberationSeatIn):
    meeting = selectors.meeting_for(request.auth, meeting_id)
    return Status(201, services.participant_add(actor=request.auth, meeting=meeting, **payload.dict()))


@router.post(
    "/meetings/{int:meeting_id}/agenda",
    response={201: DeliberationItemOut, **ERROR_RESPONSES},
    summary="Put a matter (or a free item) on the agenda",
)
def add_item(request, meeting_id: int, payload: DeliberationAgendaIn):
    meeting = selectors.meeting_for(request.auth, meeting_id)
    matter = selectors.matter_for(request.auth, payload.matter_id) if payload.matter_id else None
    return Status(201, services.agenda_add(actor=request.auth, meeting=meeting, matter=matter, title=payload.title))


@router.post(
    "/meetings/{int:meeting_id}/hold",
    response={200: DeliberationMeetingDetailOut, **ERROR_RESPONSES},
    summary="Record the meeting as held (day, minutes, who was absent)",
)
def hold_meeting(request, meeting_id: int, payload: DeliberationHoldIn):
    meeting = selectors.meeting_for(request.auth, meeting_id)
    meeting = services.meeting_hold(actor=request.auth, meeting=meeting, **payload.dict())
    return _meeting_detail(request.auth, meeting)


@router.post(
    "/meetings/{int:meeting_id}/cancel",
    response={200: DeliberationMeetingOut, **ERROR_RESPONSES},
    summary="Cancel a planned meeting",
)
def cancel_meeting(request, meeting_id: int, payload: DeliberationReasonIn):
    meeting = selectors.meeting_for(request.auth, meeting_id)
    return services.meeting_cancel(actor=request.auth, meeting=meeting, reason=payload.reason)


@router.get(
    "/calendar",
    response={200: list[DeliberationCalendarOut], **ERROR_RESPONSES},
    summary="The compliance calendar of the compounds in scope",
)
def get_calendar(request, year: int = Query(None, ge=2000, le=2100), under: str = Query(None, max_length=24)):
    today = dates.today()
    rows = selectors.calendar(request.auth, year=year or today.year, under=_under(request.auth, under), today=today)
    return [
        {
            "compound_code": r.compound.code,
            "compound_name": r.compound.name,
            "kind": r.kind,
            "interval_months": r.interval,
            "cells": [
                {"start": c.period.start, "end": c.period.end, "state": c.state, "incomplete": c.incomplete}
                for c in r.cells
            ],
        }
        for r in rows
    ]


@router.get("/matters", response={200: list[DeliberationMatterOut], **ERROR_RESPONSES}, summary="Matters in scope")
@paginate(PageNumber)
def list_matters(request, filters: Query[DeliberationMatterFilters]):
    return selectors.matters(request.auth, under=_under(request.auth, filters.under), state=filters.state or "")


@router.post("/matters", response={201: DeliberationMatterOut, **ERROR_RESPONSES}, summary="Raise a matter")
def raise_matter(request, payload: DeliberationMatterIn):
    from linli.workorders.selectors import case_for

    place = place_by_code(request.auth, payload.place, field="place") if payload.place else None
    from_case = case_for(request.auth, payload.from_case_id) if payload.from_case_id else None
    if place is None and from_case is None:
        raise ValidationError({"place": _("Choose a compound or a place inside one.")})
    matter = services.matter_raise(
        actor=request.auth, place=place, title=payload.title, description=payload.description, from_case=from_case
    )
    return Status(201, matter)


@router.get("/matters/{int:matter_id}", response={200: DeliberationMatterOut, **ERROR_RESPONSES}, summary="One matter")
def get_matter(request, matter_id: int):
    return selectors.matter_for(request.auth, matter_id)


@router.post(
    "/matters/{int:matter_id}/solve",
    response={200: DeliberationMatterOut, **ERROR_RESPONSES},
    summary="Solved on the spot at a held meeting",
)
def solve_matter(request, matter_id: int, payload: DeliberationSolveIn):
    matter = selectors.matter_for(request.auth, matter_id)
    meeting = get_object_or_404(selectors.meetings(request.auth), pk=payload.meeting_id)
    return services.matter_solve(actor=request.auth, matter=matter, meeting=meeting, resolution=payload.resolution)


@router.post(
    "/matters/{int:matter_id}/hand-over",
    response={200: DeliberationMatterOut, **ERROR_RESPONSES},
    summary="Hand the matter to a work order (solved when the case is archived)",
)
def hand_over(request, matter_id: int):
    matter = selectors.matter_for(request.auth, matter_id)
    services.matter_hand_over(actor=request.auth, matter=matter)
    return selectors.matter_for(request.auth, matter_id)


@router.post(
    "/matters/{int:matter_id}/to-vote",
    response={200: DeliberationMatterOut, **ERROR_RESPONSES},
    summary="Put the matter to an owners' vote: a draft decision is created and linked (solved when it is published)",
)
def to_vote(request, matter_id: int, payload: DeliberationToVoteIn):
    matter = selectors.matter_for(request.auth, matter_id)
    services.matter_to_vote(actor=request.auth, matter=matter, matter_type=payload.matter_type)
    return selectors.matter_for(request.auth, matter_id)


@router.post(
    "/matters/{int:matter_id}/decline",
    response={200: DeliberationMatterOut, **ERROR_RESPONSES},
    summary="Decline the matter with a reason",
)
def decline_matter(request, matter_id: int, payload: DeliberationReasonIn):
    matter = selectors.matter_for(request.auth, matter_id)
    return services.matter_decline(actor=request.auth, matter=matter, reason=payload.reason)


@router.get(
    "/figures",
    response={200: list[DeliberationFiguresOut], **ERROR_RESPONSES},
    summary="Matters raised / solved / open per community and compound (the first row is the total)",
)
def get_figures(request, year: int = Query(None, ge=2000, le=2100), under: str = Query(None, max_length=24)):
    total, communities, compounds = selectors.figures(request.auth, year=year, under=_under(request.auth, under))

    def row(f, name=None):
        return {
            "code": f.place.code if f.place else None,
            "name": name or f.place.name,
            "raised": f.raised,
            "solved": f.solved,
            "open": f.open,
            "declined": f.declined,
            "median_days": f.median_days,
            "share_meeting": f.share_meeting,
            "share_workorder": f.share_workorder,
        }

    return [row(total, "total"), *(row(f) for f in communities), *(row(f) for f in compounds)]
