"""/api/v1/scorecards/: runs (compute, publicise, finalise), cards with their explanations, objections."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.permissions import restrict

from . import selectors, services
from .models import CardType, Objection, RunState

router = Router(tags=["scorecards"])


class RunOut(Schema):
    id: int
    year: int
    card_type: str
    place_code: str = Field(..., alias="place.code")
    place_name: str = Field(..., alias="place.name")
    state: str
    subject_count: int
    publicised_on: dt.date | None = None
    notice_ends: dt.date | None = None
    unavailable: list[dict] = []
    rules: dict = {}
    unscored: bool = Field(False, description="no indicator scored the run: its cards are not rated (0 stars)")


class RunIn(Schema):
    place: str = Field(..., max_length=24, description="Code of the district, street or community")
    year: int = Field(..., ge=2000, le=2100)
    card_type: CardType


class RunFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    card_type: CardType | None = None
    state: RunState | None = None


class RecordOut(Schema):
    ref: str
    label: str
    url: str = ""
    state: str = Field(
        "", description='"missing": something required that did not happen (a missed period, an absence)'
    )


class LineOut(Schema):
    code: str
    label: str
    available: bool
    value: str | None = None
    display: str = ""
    points: Decimal
    max_points: Decimal
    weight: Decimal
    weighted: Decimal | None = Field(None, description="points × weight (what the line adds to the total)")
    weighted_max: Decimal | None = None
    target: Decimal
    count: int = 0
    records: list[RecordOut] = []


class CardOut(Schema):
    id: int
    run_id: int
    subject_key: str
    subject_label: str
    subject_detail: str
    total: Decimal
    max_total: Decimal
    percent: Decimal
    stars: int
    lines: list[LineOut]


class CardFilters(Schema):
    q: str | None = Field(None, max_length=60)
    stars: int | None = Field(None, ge=1, le=5)


class ObjectionIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000)


class ObjectionOut(Schema):
    id: int
    run_id: int
    card_id: int | None = None
    text: str
    response: str
    resolved_at: dt.datetime | None = None


@router.get("/runs", response={200: list[RunOut], **ERROR_RESPONSES}, summary="Score-card runs in scope")
@paginate(PageNumber)
def list_runs(request, filters: Query[RunFilters]):
    qs = selectors.runs(request.auth)
    for key in ("year", "card_type", "state"):
        value = getattr(filters, key)
        if value:
            qs = qs.filter(**{key: value})
    return qs


@router.post(
    "/runs",
    response={201: RunOut, **ERROR_RESPONSES},
    summary="Compute (or recompute before final) a year's cards of one type under a place",
)
def compute_run(request, payload: RunIn):
    place = place_by_code(request.auth, payload.place, field="place")
    run = services.run_compute(actor=request.auth, place=place, year=payload.year, card_type=payload.card_type)
    return Status(201, selectors.run_for(request.auth, run.pk))


@router.get("/runs/{int:run_id}", response={200: RunOut, **ERROR_RESPONSES}, summary="One run")
def get_run(request, run_id: int):
    return selectors.run_for(request.auth, run_id)


@router.post(
    "/runs/{int:run_id}/publicise", response={200: RunOut, **ERROR_RESPONSES}, summary="Start the public notice (公示)"
)
def publicise_run(request, run_id: int):
    run = services.run_publicise(actor=request.auth, run=selectors.run_for(request.auth, run_id))
    return selectors.run_for(request.auth, run.pk)


@router.post(
    "/runs/{int:run_id}/finalise",
    response={200: RunOut, **ERROR_RESPONSES},
    summary="Make the cards final after the notice",
)
def finalise_run(request, run_id: int):
    run = services.run_finalise(actor=request.auth, run=selectors.run_for(request.auth, run_id))
    return selectors.run_for(request.auth, run.pk)


@router.get(
    "/runs/{int:run_id}/cards",
    response={200: list[CardOut], **ERROR_RESPONSES},
    summary="The run's cards, best first, each with its indicator lines and records",
)
@paginate(PageNumber)
def list_cards(request, run_id: int, filters: Query[CardFilters]):
    run = selectors.run_for(request.auth, run_id)
    return selectors.cards(request.auth, run, q=filters.q or "", stars=filters.stars)


@router.get("/cards/{int:card_id}", response={200: CardOut, **ERROR_RESPONSES}, summary="One card")
def get_card(request, card_id: int):
    return selectors.card_for(request.auth, card_id)


@router.post(
    "/cards/{int:card_id}/objections",
    response={201: ObjectionOut, **ERROR_RESPONSES},
    summary="Object to a card while its public notice runs",
)
def object_to_card(request, card_id: int, payload: ObjectionIn):
    card = selectors.card_for(request.auth, card_id)
    return Status(201, services.objection_raise(actor=request.auth, run=card.run, card=card, text=payload.text))


@router.get(
    "/runs/{int:run_id}/objections",
    response={200: list[ObjectionOut], **ERROR_RESPONSES},
    summary="Objections to a run",
)
@paginate(PageNumber)
def list_objections(request, run_id: int):
    run = selectors.run_for(request.auth, run_id)
    return restrict(Objection.objects.filter(run=run), request.auth)
