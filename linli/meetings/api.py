"""/api/v1/meetings — my meetings, meetings in scope, one meeting with live tallies, check-in and votes."""

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber

from . import selectors, services
from .models import State

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    title: str
    host_kind: str
    host_label: str
    party_org_id: int | None = None
    scope_path: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str
    majority_base: str
    quorum_numerator: int
    quorum_denominator: int
    quorum_strict: bool
    secret_ballot: bool


class TallyOut(Schema):
    yes: int
    no: int
    abstain: int
    base: int
    needed: int
    passed: bool


class ItemOut(Schema):
    id: int
    position: int
    title: str
    description: str
    is_vote: bool
    decision: str
    outcome: str
    tally: TallyOut | None = None
    my_vote: str = ""


class MeetingDetailOut(MeetingOut):
    description: str
    minutes: str
    invitees: int
    checked_in: int
    quorum_met: bool
    results_hidden: bool = Field(False, description="A secret ballot still running: no tally until it closes")
    invited: bool
    my_check_in: dt.datetime | None = None
    items: list[ItemOut]


class MeetingFilters(Schema):
    mine: bool = Field(False, description="Only meetings I am invited to")
    under: str | None = Field(None, max_length=24, description="Only meetings in this place's subtree")
    # Values inline: a component named "State" would clash with the work orders' state enum.
    state: Literal[tuple(State.values)] | None = None


class VoteIn(Schema):
    choice: Literal["yes", "no", "abstain"]


class VoteOut(Schema):
    item: int
    choice: str


def _tally(t):
    return (
        None
        if t is None
        else {"yes": t.yes, "no": t.no, "abstain": t.abstain, "base": t.base, "needed": t.needed, "passed": t.passed}
    )


def _detail(user, meeting):
    from .models import quorum_met

    n_inv, n_att = services.attendance(meeting)
    tallies = services.published_tallies(meeting, counts=(n_inv, n_att))
    inv = selectors.my_invitation(user, meeting)
    mine = selectors.my_votes(user, meeting) if inv else {}
    items = [
        {
            "id": i.pk,
            "position": i.position,
            "title": i.title,
            "description": i.description,
            "is_vote": i.is_vote,
            "decision": i.decision,
            "outcome": i.outcome,
            "tally": _tally(tallies.get(i.pk)),
            "my_vote": mine.get(i.pk, ""),
        }
        for i in selectors.items(user, meeting)
    ]
    return {
        **{f: getattr(meeting, f) for f in MeetingOut.model_fields if f != "host_label"},
        "host_label": meeting.host_label,
        "description": meeting.description,
        "minutes": meeting.minutes,
        "invitees": n_inv,
        "checked_in": n_att,
        "invited": inv is not None,
        "results_hidden": services.results_hidden(meeting),
        "my_check_in": inv.checked_in_at if inv else None,
        "quorum_met": quorum_met(
            attendees=n_att,
            invitees=n_inv,
            numerator=meeting.quorum_numerator,
            denominator=meeting.quorum_denominator,
            strict=meeting.quorum_strict,
        ),
        "items": items,
    }


@router.get("", response={200: list[MeetingOut], **ERROR_RESPONSES}, summary="Meetings I may see")
@paginate(PageNumber)
def list_meetings(request, filters: Query[MeetingFilters]):
    if filters.mine:
        qs = selectors.my_meetings(request.auth)
        if filters.state:
            qs = qs.filter(state=filters.state)
        return qs
    under = place_by_code(request.auth, filters.under).path if filters.under else None
    return selectors.meetings(request.auth, under=under, state=filters.state or "")


@router.get(
    "/{int:meeting_id}",
    response={200: MeetingDetailOut, **ERROR_RESPONSES},
    summary="One meeting with its agenda and live (or final) tallies; a secret ballot's only once closed",
)
def get_meeting(request, meeting_id: int):
    return _detail(request.auth, selectors.meeting_for(request.auth, meeting_id))


@router.post(
    "/{int:meeting_id}/check-in",
    response={200: MeetingDetailOut, **ERROR_RESPONSES},
    summary="Check in (invitees only, during the meeting)",
)
def check_in(request, meeting_id: int):
    meeting = selectors.meeting_for(request.auth, meeting_id)
    services.check_in(actor=request.auth, meeting=meeting)
    return _detail(request.auth, meeting)


@router.post(
    "/{int:meeting_id}/items/{int:item_id}/vote",
    response={201: VoteOut, **ERROR_RESPONSES},
    summary="Cast or change my vote on an agenda item",
)
def cast_vote(request, meeting_id: int, item_id: int, payload: VoteIn):
    meeting = selectors.meeting_for(request.auth, meeting_id)
    item = get_object_or_404(selectors.items(request.auth, meeting), pk=item_id)
    ballot = services.vote(actor=request.auth, item=item, choice=payload.choice)
    return Status(201, {"item": item.pk, "choice": ballot.choice})
