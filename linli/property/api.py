"""红色物业 API: the compound's public property page, contracts in scope, evaluation rounds, answering."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.models import Place
from linli.core.api import ERROR_RESPONSES, PageNumber

from . import selectors, services
from .models import EvaluationRound

router = Router(tags=["property"])


class PropertyFeeOut(Schema):
    category: str
    rate: Decimal = Field(description="yuan per m² per month")


class PropertyBadgeOut(Schema):
    name: str
    role: str


class PropertyItemOut(Schema):
    text: str
    average: Decimal | None
    answers: int


class PropertyResultOut(Schema):
    round_id: int
    year: int
    quarter: int
    households: int
    answers: int
    response_rate: Decimal | None = Field(description="percent of the compound's households that answered")
    score: Decimal | None = Field(description="average stars, 1-5")
    items: list[PropertyItemOut]


class PropertyCompoundOut(Schema):
    compound: str
    company: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    standard: str | None
    hotline: str | None
    fees: list[PropertyFeeOut]
    party_orgs: list[str]
    badges: list[PropertyBadgeOut]
    evaluation: PropertyResultOut | None
    open_problems: int
    open_round_id: int | None


class PropertyContractOut(Schema):
    id: int
    company: str = Field(alias="company.name")
    compound_id: int
    starts_on: dt.date
    ends_on: dt.date
    standard: str
    hotline: str


class PropertyStarIn(Schema):
    question: int = Field(description="the question's id (see GET /rounds/{id})")
    stars: int = Field(description="1..5")


class PropertyAnswerIn(Schema):
    stars: list[PropertyStarIn] = Field(description="one entry per question of the round")


def _result(r) -> dict | None:
    if r is None:
        return None
    return {
        "round_id": r.round.pk,
        "year": r.round.year,
        "quarter": r.round.quarter,
        "households": r.households,
        "answers": r.answers,
        "response_rate": r.response_rate,
        "score": r.score,
        "items": [{"text": i.text, "average": i.average, "answers": i.answers} for i in r.items],
    }


@router.get("/compounds/{pk}", response={200: PropertyCompoundOut, **ERROR_RESPONSES}, summary="A compound's 物业服务")
def compound(request, pk: int):
    place = get_object_or_404(Place, pk=pk, level=services.COMPOUND_LEVEL)
    page = selectors.compound_page(place)
    c = page["contract"]
    return {
        "compound": place.name,
        "company": c.company.name if c else None,
        "starts_on": c.starts_on if c else None,
        "ends_on": c.ends_on if c else None,
        "standard": c.standard if c else None,
        "hotline": c.hotline if c else None,
        "fees": [{"category": f.category, "rate": f.rate} for f in page["fees"]],
        "party_orgs": [o.name for o in page["party_orgs"]],
        "badges": [{"name": n, "role": r} for n, r in page["badges"]],
        "evaluation": _result(page["result"]),
        "open_problems": page["open_problems"],
        "open_round_id": page["open_round"].pk if page["open_round"] else None,
    }


@router.get("/contracts", response={200: list[PropertyContractOut], **ERROR_RESPONSES}, summary="Contracts in scope")
@paginate(PageNumber)
def contracts(request):
    return selectors.contracts(request.auth).order_by("-starts_on", "-id")


@router.get("/rounds/{pk}", response={200: PropertyResultOut, **ERROR_RESPONSES}, summary="Results of a round")
def round_results(request, pk: int):
    rnd = get_object_or_404(selectors.rounds(request.auth), pk=pk)
    return _result(selectors.round_results(rnd))


@router.post("/rounds/{pk}/answer", response={201: dict, **ERROR_RESPONSES}, summary="Answer for my household")
def answer(request, pk: int, payload: PropertyAnswerIn):
    rnd = get_object_or_404(EvaluationRound, pk=pk)
    a = services.answer_submit(actor=request.auth, round=rnd, stars={s.question: s.stars for s in payload.stars})
    return Status(201, {"id": a.pk})


class PropertyDisputeOut(Schema):
    id: int
    compound_id: int
    subject: str
    state: str
    referral: str
    work_order_id: int | None


@router.get("/disputes", response={200: list[PropertyDisputeOut], **ERROR_RESPONSES}, summary="Property disputes")
@paginate(PageNumber)
def disputes(request):
    return selectors.disputes(request.auth)
