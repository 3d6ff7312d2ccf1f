"""/api/v1/alliance/: alliances, members, meetings, the problem list (to work orders) and the fund ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.dates import EventDate
from linli.core.permissions import Action, restrict
from linli.orgs.models import Organisation

from . import selectors, services
from .models import AllianceMember, FundEntry, FundKind, JointMeeting, Problem

router = Router(tags=["alliance"])


class AllianceOut(Schema):
    id: int
    name: str
    community_code: str = Field(..., alias="community.code")
    community_name: str = Field(..., alias="community.name")
    founded_on: dt.date | None = None
    description: str


class AllianceIn(Schema):
    community: str = Field(..., max_length=24, description="Code of the community")
    name: str = Field("", max_length=100)
    founded_on: EventDate | None = None
    description: str = Field("", max_length=2000)


class AllianceMemberOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str = Field(..., alias="organisation.name")
    lead_name: str
    lead_title: str
    joined_on: dt.date | None = None
    is_active: bool


class AllianceMemberIn(Schema):
    organisation_id: int = Field(..., ge=1, le=2**31 - 1)
    lead_name: str = Field("", max_length=30)
    lead_title: str = Field("", max_length=60)
    joined_on: EventDate | None = None


class AllianceMeetingOut(Schema):
    id: int
    held_on: dt.date
    topic: str
    minutes: str
    attendee_ids: list[int] = []

    @staticmethod
    def resolve_attendee_ids(obj):
        return [a.pk for a in obj.attendees.all()]


class MeetingIn(Schema):
    held_on: EventDate
    topic: str = Field(..., min_length=1, max_length=200)
    attendee_ids: list[int] = Field(default_factory=list, max_length=200)
    minutes: str = Field("", max_length=10000)


class ProblemOut(Schema):
    id: int
    title: str
    description: str
    status: str
    found_on: dt.date
    case_id: int | None = None
    case_number: str | None = None
    solution: str
    solved_on: dt.date | None = None

    @staticmethod
    def resolve_case_number(obj):
        return obj.case.number if obj.case_id else None


class ProblemIn(Schema):
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field(..., min_length=1, max_length=4000)
    place: str | None = Field(None, max_length=24, description="Code of a place within the community")
    found_on: EventDate | None = None


class SolveIn(Schema):
    solution: str = Field(..., min_length=1, max_length=4000)
    solved_on: EventDate | None = None


class FundOut(Schema):
    id: int
    kind: str
    amount: Decimal
    entry_date: dt.date
    reason: str
    member_id: int | None = None
    balance_after: Decimal


class FundIn(Schema):
    kind: FundKind
    amount: Decimal = Field(..., gt=0, le=Decimal("9999999999.99"), decimal_places=2)
    reason: str = Field(..., min_length=1, max_length=300)
    entry_date: EventDate | None = None
    member_id: int | None = Field(None, ge=1, le=2**31 - 1)


def _alliance(request, alliance_id, action=Action.VIEW):
    return selectors.alliance_for(request.auth, alliance_id, action)


def _member(request, alliance, member_id, field="member_id"):
    if member_id is None:
        return None
    found = restrict(AllianceMember.objects.filter(alliance=alliance, pk=member_id), request.auth).first()
    if found is None:
        raise ValidationError({field: _("This organisation is not a member of the alliance.")})
    return found


@router.get("", response={200: list[AllianceOut], **ERROR_RESPONSES}, summary="Alliances in scope")
@paginate(PageNumber)
def list_alliances(request):
    return selectors.alliances(request.auth)


@router.post("", response={201: AllianceOut, **ERROR_RESPONSES}, summary="Set up a community's alliance")
def create_alliance(request, payload: AllianceIn):
    data = payload.dict()
    community = place_by_code(request.auth, data.pop("community"), field="community")
    alliance = services.alliance_create(actor=request.auth, community=community, **data)
    return Status(201, alliance)


@router.get("/{int:alliance_id}", response={200: AllianceOut, **ERROR_RESPONSES}, summary="One alliance")
def get_alliance(request, alliance_id: int):
    return _alliance(request, alliance_id)


@router.get(
    "/{int:alliance_id}/members",
    response={200: list[AllianceMemberOut], **ERROR_RESPONSES},
    summary="Member organisations",
)
@paginate(PageNumber)
def list_members(request, alliance_id: int):
    return selectors.members(request.auth, _alliance(request, alliance_id)).order_by("pk")


@router.post(
    "/{int:alliance_id}/members",
    response={201: AllianceMemberOut, **ERROR_RESPONSES},
    summary="Add a member organisation",
)
def add_member(request, alliance_id: int, payload: AllianceMemberIn):
    alliance = _alliance(request, alliance_id)
    data = payload.dict()
    org = restrict(Organisation.objects.filter(pk=data.pop("organisation_id")), request.auth).first()
    if org is None:
        raise ValidationError({"organisation_id": _("Unknown organisation.")})
    return Status(201, services.member_add(actor=request.auth, alliance=alliance, organisation=org, **data))


@router.get(
    "/{int:alliance_id}/meetings", response={200: list[AllianceMeetingOut], **ERROR_RESPONSES}, summary="Joint meetings"
)
@paginate(PageNumber)
def list_meetings(request, alliance_id: int):
    alliance = _alliance(request, alliance_id)
    return restrict(JointMeeting.objects.filter(alliance=alliance), request.auth).prefetch_related("attendees")


@router.post(
    "/{int:alliance_id}/meetings",
    response={201: AllianceMeetingOut, **ERROR_RESPONSES},
    summary="Record a joint meeting",
)
def add_meeting(request, alliance_id: int, payload: MeetingIn):
    alliance = _alliance(request, alliance_id)
    data = payload.dict()
    attendees = [_member(request, alliance, m, "attendee_ids") for m in data.pop("attendee_ids")]
    return Status(201, services.meeting_record(actor=request.auth, alliance=alliance, attendees=attendees, **data))


@router.get(
    "/{int:alliance_id}/problems", response={200: list[ProblemOut], **ERROR_RESPONSES}, summary="The problem list"
)
@paginate(PageNumber)
def list_problems(request, alliance_id: int):
    alliance = _alliance(request, alliance_id)
    return restrict(Problem.objects.filter(alliance=alliance), request.auth).select_related("case")


@router.post(
    "/{int:alliance_id}/problems", response={201: ProblemOut, **ERROR_RESPONSES}, summary="Add a problem to the list"
)
def add_problem(request, alliance_id: int, payload: ProblemIn):
    alliance = _alliance(request, alliance_id)
    data = payload.dict()
    code = data.pop("place")
    place = place_by_code(request.auth, code, field="place") if code else None
    return Status(201, services.problem_create(actor=request.auth, alliance=alliance, place=place, **data))


def _problem(request, alliance_id, problem_id):
    alliance = _alliance(request, alliance_id)
    return get_object_or_404(restrict(Problem.objects.filter(alliance=alliance), request.auth), pk=problem_id)


@router.post(
    "/{int:alliance_id}/problems/{int:problem_id}/case",
    response={201: ProblemOut, **ERROR_RESPONSES},
    summary="Open a work order for the problem",
)
def problem_case(request, alliance_id: int, problem_id: int):
    problem = _problem(request, alliance_id, problem_id)
    services.problem_to_case(actor=request.auth, problem=problem)
    return Status(201, Problem.objects.select_related("case").get(pk=problem.pk))


@router.post(
    "/{int:alliance_id}/problems/{int:problem_id}/solve",
    response={200: ProblemOut, **ERROR_RESPONSES},
    summary="Mark the problem solved",
)
def problem_solve(request, alliance_id: int, problem_id: int, payload: SolveIn):
    problem = _problem(request, alliance_id, problem_id)
    services.problem_solve(actor=request.auth, problem=problem, **payload.dict())
    return Problem.objects.select_related("case").get(pk=problem.pk)


@router.get(
    "/{int:alliance_id}/fund",
    response={200: list[FundOut], **ERROR_RESPONSES},
    summary="The co-building fund ledger (newest first)",
)
@paginate(PageNumber)
def list_fund(request, alliance_id: int):
    alliance = _alliance(request, alliance_id)
    return restrict(FundEntry.objects.filter(alliance=alliance), request.auth).order_by("-pk")


@router.post(
    "/{int:alliance_id}/fund",
    response={201: FundOut, **ERROR_RESPONSES},
    summary="Append a fund entry (the balance never goes negative)",
)
def add_fund(request, alliance_id: int, payload: FundIn):
    alliance = _alliance(request, alliance_id)
    data = payload.dict()
    member = _member(request, alliance, data.pop("member_id"))
    return Status(201, services.fund_entry_add(actor=request.auth, alliance=alliance, member=member, **data))
