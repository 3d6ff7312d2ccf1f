"""/api/v1/selections/: selections (hold, open the vote, announce, finalise), nominations (nominate, accept,
reject), the ballot and a resident's vote, the result — over the same selectors and services as the pages."""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.models import Place
from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.dates import EventDate
from linli.core.paths import subtree_q

from . import selectors, services
from .models import Kind, Nomination, SelectionState
from .views.common import household_by_number, place_in, residents_for

router = Router(tags=["selections"])

ID = Field(..., ge=1, le=2**31 - 1)


class SelectionOut(Schema):
    id: int
    place_code: str = Field(..., alias="place.code")
    place_name: str = Field(..., alias="place.name")
    kind: str
    title: str
    period: str
    rules: str
    seats: int
    nominate_from: dt.date
    nominate_until: dt.date
    vote_from: dt.date
    vote_until: dt.date
    publicity_days: int
    announced_on: dt.date | None = None
    publicity_until: dt.date | None = None
    state: str


class SelectionIn(Schema):
    place: str = Field(..., max_length=24, description="Code of the community or compound holding the selection")
    kind: Literal[tuple(Kind.values)]
    title: str = Field(..., min_length=1, max_length=100)
    period: str = Field(..., min_length=1, max_length=20)
    rules: str = Field(..., min_length=1, max_length=4000)
    seats: int = Field(3, ge=1, le=50, description="Number of winners")
    nominate_from: EventDate
    nominate_until: EventDate
    vote_from: EventDate
    vote_until: EventDate
    publicity_days: int = Field(7, ge=3, le=30, description="Days of public notice (公示) after the announcement")


class SelectionFilters(Schema):
    under: str | None = Field(None, max_length=24, description="Only selections in this place's subtree")
    state: Literal[tuple(SelectionState.values)] | None = None


class SelectionNomineeOut(Schema):
    id: int
    name: str
    building_name: str | None = Field(None, alias="building.name")
    reason: str
    votes: int | None = Field(None, description="Only once the result is announced")
    rank: int | None = None
    is_winner: bool


class SelectionNominationOut(Schema):
    id: int
    name: str
    reason: str
    channel: str
    state: str
    review_reason: str
    resident_id: int | None = None
    household_id: int | None = None
    building_id: int | None = None


class SelectionNominateIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000)
    resident_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Staff: the nominated resident")
    household_number: str | None = Field(None, max_length=32, description="Staff: the nominated household")
    building: str | None = Field(
        None, max_length=24, description="Code of the nominated building, or (a resident nominating) the nominee's"
    )
    name: str = Field("", max_length=50, description="A resident nominating a person: the nominee's name")


class SelectionAcceptIn(Schema):
    resident_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Link a resident's nomination to this record")
    household_number: str | None = Field(None, max_length=32)


class SelectionReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class SelectionVoteIn(Schema):
    nomination_id: int = ID


class SelectionVoteOut(Schema):
    selection_id: int
    nomination_id: int


def ballot_rows(selection):
    announced = selection.state in selectors.ANNOUNCED
    rows = list(selectors.ballot(selection))
    for n in rows:
        if not announced:
            n.votes = None
    return rows


def staff_selection(user, pk: int):
    selection = selectors.selection_for(user, pk)
    if not selectors.is_staff_for(user, selection):
        raise PermissionDenied(_("You cannot manage this selection."))
    return selection


@router.get("", response={200: list[SelectionOut], **ERROR_RESPONSES}, summary="Selections in scope")
@paginate(PageNumber)
def list_selections(request, filters: Query[SelectionFilters]):
    qs = selectors.selections(request.auth, state=filters.state or "")
    if filters.under:
        qs = qs.filter(subtree_q("scope_path", place_by_code(request.auth, filters.under).path))
    return qs


@router.post("", response={201: SelectionOut, **ERROR_RESPONSES}, summary="Hold a selection")
def create_selection(request, payload: SelectionIn):
    data = payload.dict()
    data["place"] = place_by_code(request.auth, data["place"], field="place")
    return Status(201, services.selection_create(actor=request.auth, **data))


@router.get("/{int:selection_id}", response={200: SelectionOut, **ERROR_RESPONSES}, summary="One selection")
def get_selection(request, selection_id: int):
    return selectors.selection_for(request.auth, selection_id)


@router.get(
    "/{int:selection_id}/ballot",
    response={200: list[SelectionNomineeOut], **ERROR_RESPONSES},
    summary="The accepted nominations (with counts, ranks and winners once announced)",
)
def get_ballot(request, selection_id: int):
    return ballot_rows(selectors.selection_for(request.auth, selection_id))


@router.get(
    "/{int:selection_id}/nominations",
    response={200: list[SelectionNominationOut], **ERROR_RESPONSES},
    summary="Every nomination (staff)",
)
def list_nominations(request, selection_id: int):
    return list(selectors.nominations(request.auth, staff_selection(request.auth, selection_id)))


@router.post(
    "/{int:selection_id}/nominations",
    response={201: SelectionNominationOut, **ERROR_RESPONSES},
    summary="Nominate (staff: a registry record or a building; a resident: a name and a building)",
)
def create_nomination(request, selection_id: int, payload: SelectionNominateIn):
    user = request.auth
    selection = selectors.selection_for(user, selection_id)
    resident = residents_for(user).filter(pk=payload.resident_id).first() if payload.resident_id else None
    if payload.building and selectors.is_staff_for(user, selection):
        building = place_in(user, payload.building)
    else:
        building = Place.objects.filter(subtree_q("path", selection.scope_path), code=payload.building or "").first()
    nomination = services.nominate(
        actor=user,
        selection=selection,
        reason=payload.reason,
        resident=resident,
        household=household_by_number(user, payload.household_number or ""),
        building=building,
        name=payload.name,
    )
    return Status(201, nomination)


def staff_nomination(user, nomination_id: int) -> Nomination:
    nomination = get_object_or_404(Nomination.objects.select_related("selection"), pk=nomination_id)
    staff_selection(user, nomination.selection_id)
    return nomination


@router.post(
    "/nominations/{int:nomination_id}/accept",
    response={200: SelectionNominationOut, **ERROR_RESPONSES},
    summary="Accept a nomination onto the ballot",
)
def accept_nomination(request, nomination_id: int, payload: SelectionAcceptIn):
    user = request.auth
    nomination = staff_nomination(user, nomination_id)
    resident = residents_for(user).filter(pk=payload.resident_id).first() if payload.resident_id else None
    household = household_by_number(user, payload.household_number or "")
    return services.nomination_accept(actor=user, nomination=nomination, resident=resident, household=household)


@router.post(
    "/nominations/{int:nomination_id}/reject",
    response={200: SelectionNominationOut, **ERROR_RESPONSES},
    summary="Reject a nomination with a reason",
)
def reject_nomination(request, nomination_id: int, payload: SelectionReasonIn):
    nomination = staff_nomination(request.auth, nomination_id)
    return services.nomination_reject(actor=request.auth, nomination=nomination, reason=payload.reason)


def run_step(request, selection_id: int, call):
    return call(actor=request.auth, selection=staff_selection(request.auth, selection_id))


@router.post(
    "/{int:selection_id}/open-vote",
    response={200: SelectionOut, **ERROR_RESPONSES},
    summary="Close nominations and open the vote (every nomination reviewed, one accepted at least)",
)
def open_vote(request, selection_id: int):
    return run_step(request, selection_id, services.selection_open_vote)


@router.post(
    "/{int:selection_id}/announce",
    response={200: SelectionOut, **ERROR_RESPONSES},
    summary="After the voting window: count, rank, mark the winners and start the public notice (公示)",
)
def announce(request, selection_id: int):
    return run_step(request, selection_id, services.selection_announce)


@router.post(
    "/{int:selection_id}/finalise",
    response={200: SelectionOut, **ERROR_RESPONSES},
    summary="After the public notice: the result is final",
)
def finalise(request, selection_id: int):
    return run_step(request, selection_id, services.selection_finalise)


@router.post(
    "/{int:selection_id}/votes",
    response={201: SelectionVoteOut, **ERROR_RESPONSES},
    summary="Vote (a resident, as the registry record linked to the login; one vote per selection)",
)
def cast_vote(request, selection_id: int, payload: SelectionVoteIn):
    selection = selectors.selection_for(request.auth, selection_id)
    nomination = get_object_or_404(Nomination.objects.filter(selection=selection), pk=payload.nomination_id)
    return Status(201, services.vote_cast(actor=request.auth, nomination=nomination))
