"""/api/v1/votes/: owners' decisions (业主共同决定) — create, notice, open, close, publish; ballots (the owner online,
staff on paper); the tally, the published list and the verification file — over the same selectors and services as
the pages."""

import base64
import binascii
import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.dates import EventDate
from linli.core.permissions import Action, can

from . import selectors, services
from .models import Choice, Decision, DecisionState, ElectorateUnit, MatterType

router = Router(tags=["owners' decisions"])
ID = Field(..., ge=1, le=2**31 - 1)


class VotesDecisionOut(Schema):
    id: int
    compound_code: str = Field(..., alias="compound.code")
    compound_name: str = Field(..., alias="compound.name")
    matter_type: int = Field(..., description="1–9: the matters of 民法典 第278条; 6, 7, 8 need 3/4")
    is_major: bool
    title: str
    text: str
    state: str = Field(..., description="draft / noticed / voting / closed / published / final")
    noticed_on: dt.date | None = None
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    published_on: dt.date | None = None
    objections_until: dt.date | None = None
    total_units: int = Field(..., description="Denominator: units (专有部分) in the frozen electorate")
    total_area_centi: int = Field(..., description="Denominator: their exclusive area, in 0.01 m²")
    total_heads: int = Field(..., description="Denominator: heads (one owner of several units = 1; developer = 1)")
    passed: bool | None = None
    corrects_id: int | None = None


class VotesDecisionIn(Schema):
    compound: str = Field(..., max_length=24, description="Code of the compound (小区)")
    matter_type: Literal[tuple(MatterType.values)] = Field(..., description="1–9, 民法典 第278条")
    title: str = Field(..., min_length=1, max_length=100)
    text: str = Field(..., min_length=1, max_length=8000)


class VotesNoticeIn(Schema):
    opens_on: EventDate = Field(..., description="At least the notice period (15 days by default) from today")
    closes_on: EventDate


class VotesBallotIn(Schema):
    choice: Literal[tuple(Choice.values)]
    unit_ids: list[int] | None = Field(
        None, max_length=100, description="Only these of your units (default: every unit you vote for)"
    )


class VotesReceiptOut(Schema):
    unit_id: int
    unit: str
    choice: str
    receipt: str = Field(..., description="Keep it: find your ballot in the published list by it")


class VotesPaperIn(Schema):
    unit_id: int = ID
    choice: Literal[tuple(Choice.values)]
    scan_name: str = Field(..., min_length=1, max_length=120, description="File name of the scan")
    scan_base64: str = Field(..., min_length=1, max_length=14_000_000, description="The scan (image or PDF), base64")


class VotesTestOut(Schema):
    name: str = Field(..., description="participation_area / participation_heads / approval_area / approval_heads")
    numerator: int
    denominator: int
    threshold: str
    strict: bool = Field(..., description="true: more than (过半数); false: at least (以上)")
    passed: bool


class VotesTallyOut(Schema):
    decision_id: int
    published: bool = Field(..., description="false: the count after closing, not yet posted")
    major: bool
    total_units: int
    total_area_centi: int
    total_heads: int
    ballots: int
    area_centi: dict[str, int]
    heads: dict[str, int]
    tests: list[VotesTestOut]
    participation_passed: bool
    approval_passed: bool
    passed: bool


class VotesPublishedOut(Schema):
    receipt_hash: str
    choice: str
    area_centi: int


class VotesFilters(Schema):
    under: str | None = Field(None, max_length=24, description="Only decisions in this place's subtree")
    state: Literal[tuple(DecisionState.values)] | None = None


def _decision(user, decision_id: int) -> Decision:
    return get_object_or_404(selectors.decisions(user), pk=decision_id)


@router.get("", response={200: list[VotesDecisionOut], **ERROR_RESPONSES}, summary="Owners' decisions in scope")
@paginate(PageNumber)
def list_decisions(request, filters: Query[VotesFilters]):
    under = place_by_code(request.auth, filters.under) if filters.under else None
    return selectors.decisions(request.auth, under=under, state=filters.state or "")


@router.post("", response={201: VotesDecisionOut, **ERROR_RESPONSES}, summary="Create a draft decision")
def create_decision(request, payload: VotesDecisionIn):
    compound = place_by_code(request.auth, payload.compound, field="compound")
    decision = services.decision_create(
        actor=request.auth, compound=compound, matter_type=payload.matter_type, title=payload.title, text=payload.text
    )
    return Status(201, decision)


@router.get("/{int:decision_id}", response={200: VotesDecisionOut, **ERROR_RESPONSES}, summary="One decision")
def get_decision(request, decision_id: int):
    return _decision(request.auth, decision_id)


@router.post(
    "/{int:decision_id}/notice",
    response={200: VotesDecisionOut, **ERROR_RESPONSES},
    summary="Post the notice: freeze the electorate and its denominators",
)
def notice_decision(request, decision_id: int, payload: VotesNoticeIn):
    return services.decision_notice(
        actor=request.auth,
        decision=_decision(request.auth, decision_id),
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
    )


def _step(name):
    def run(request, decision_id: int):
        return getattr(services, name)(actor=request.auth, decision=_decision(request.auth, decision_id))

    return run


for _path, _name, _summary in (
    ("open", "decision_open", "Open voting"),
    ("close", "decision_close", "Close voting"),
    ("publish", "decision_publish", "Publish the result (公示)"),
    ("finalise", "decision_finalise", "Make the result final after the objection window"),
):
    router.post(
        f"/{{int:decision_id}}/{_path}",
        response={200: VotesDecisionOut, **ERROR_RESPONSES},
        summary=_summary,
        operation_id=f"votes_{_path}",
    )(_step(_name))


@router.post(
    "/{int:decision_id}/ballots",
    response={201: list[VotesReceiptOut], **ERROR_RESPONSES},
    summary="Vote online (the owner, or the co-owners' representative)",
)
def cast_ballot(request, decision_id: int, payload: VotesBallotIn):
    out = services.ballot_cast_online(
        actor=request.auth,
        decision=_decision(request.auth, decision_id),
        choice=payload.choice,
        unit_ids=payload.unit_ids,
    )
    return Status(
        201,
        [{"unit_id": b.unit_id, "unit": b.unit.label, "choice": b.choice, "receipt": code} for b, code in out],
    )


@router.post(
    "/{int:decision_id}/paper-ballots",
    response={201: VotesReceiptOut, **ERROR_RESPONSES},
    summary="Enter a paper ballot with its scan (staff); it locks the unit",
)
def enter_paper_ballot(request, decision_id: int, payload: VotesPaperIn):
    decision = _decision(request.auth, decision_id)
    try:
        data = base64.b64decode(payload.scan_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"scan_base64": _("The scan is not valid base64.")}) from exc
    unit = ElectorateUnit.objects.filter(decision=decision, pk=payload.unit_id).first()
    if unit is None:
        raise ValidationError({"unit_id": _("This unit is not in this vote's electorate.")})
    ballot, code = services.ballot_enter_paper(
        actor=request.auth,
        decision=decision,
        unit=unit,
        choice=payload.choice,
        scan=SimpleUploadedFile(payload.scan_name, data),
    )
    return Status(201, {"unit_id": unit.pk, "unit": unit.label, "choice": ballot.choice, "receipt": code})


@router.get(
    "/{int:decision_id}/tally",
    response={200: VotesTallyOut, **ERROR_RESPONSES},
    summary="The tally: four quantities with numerator, denominator and verdict",
)
def get_tally(request, decision_id: int):
    decision = _decision(request.auth, decision_id)
    if decision.is_settled:
        return {"decision_id": decision.pk, "published": True, **decision.result}
    if decision.state == DecisionState.CLOSED and can(request.auth, Action.CHANGE, decision):
        return {"decision_id": decision.pk, "published": False, **services.compute_tally(decision)}
    raise ValidationError({"state": _("The tally is shown once voting has closed.")})


@router.get(
    "/{int:decision_id}/published",
    response={200: list[VotesPublishedOut], **ERROR_RESPONSES},
    summary="The published ballots (receipt hash, choice, unit area)",
)
@paginate(PageNumber)
def published_ballots(request, decision_id: int):
    decision = _decision(request.auth, decision_id)
    return [{"receipt_hash": h, "choice": c, "area_centi": a} for h, c, a in selectors.published_list(decision)]


@router.get(
    "/{int:decision_id}/verification",
    response={200: dict, **ERROR_RESPONSES},
    summary="The verification file: electorate, ballots and tally (docs/domains/votes.md)",
)
def verification_file(request, decision_id: int):
    decision = _decision(request.auth, decision_id)
    if not decision.is_settled:
        raise ValidationError({"state": _("The verification file is offered once the result is published.")})
    return selectors.verification_data(decision)
