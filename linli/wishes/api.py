"""微心愿 API: the public board (privacy-safe fields), claiming, my claims, and the staff list."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.api import ERROR_RESPONSES, PageNumber

from . import selectors, services
from .models import ClaimerKind, Wish

router = Router(tags=["wishes"])


class BoardOut(Schema):
    id: int
    public_name: str = Field(description="Surname + 某: all that is shown of the person")
    title: str
    need: str
    kind: str
    estimated_value: Decimal
    state: str
    community: str = Field(alias="community__name")


class BoardFilters(Schema):
    state: str = Field("", max_length=12)
    kind: str = Field("", max_length=12)


class WishOut(Schema):
    id: int
    resident_id: int
    title: str
    need: str
    kind: str
    estimated_value: Decimal
    state: str
    created_at: dt.datetime


class WishFilters(Schema):
    state: str = Field("", max_length=12)
    q: str = Field("", max_length=50)


class ClaimIn(Schema):
    kind: ClaimerKind
    share: Decimal = Field(Decimal("100"), ge=1, le=100, max_digits=5, decimal_places=2)
    organisation_id: int | None = Field(None, ge=1, le=2**31)


class ClaimOut(Schema):
    id: int
    wish_id: int
    kind: str
    share: Decimal
    due_date: dt.date
    state: str


@router.get("/board", response={200: list[BoardOut], **ERROR_RESPONSES}, summary="Published wishes (public)")
@paginate(PageNumber)
def board(request, filters: Query[BoardFilters]):
    return selectors.board(state=filters.state, kind=filters.kind)


@router.get("/board/{wish_id}", response={200: BoardOut, **ERROR_RESPONSES}, summary="One published wish")
def board_item(request, wish_id: int):
    item = selectors.board_item(wish_id)
    if item is None:
        raise Http404
    return item


@router.post("/board/{wish_id}/claim", response={201: ClaimOut, **ERROR_RESPONSES}, summary="Claim a wish")
def claim(request, wish_id: int, data: ClaimIn):
    if selectors.board_item(wish_id) is None:
        raise Http404
    org = None
    if data.organisation_id:
        org = next(
            (o for k, _l, o in services.claim_options(request.auth) if o is not None and o.pk == data.organisation_id),
            None,
        )
        if org is None:
            raise Http404
    wish = Wish.objects.get(pk=wish_id)
    return Status(
        201, services.claim(actor=request.auth, wish=wish, kind=data.kind, share=data.share, organisation=org)
    )


@router.get("/claims/mine", response={200: list[ClaimOut], **ERROR_RESPONSES}, summary="My claims")
@paginate(PageNumber)
def my_claims(request):
    return selectors.claims(request.auth, mine=True)


@router.get("", response={200: list[WishOut], **ERROR_RESPONSES}, summary="Wishes in my scope (staff)")
@paginate(PageNumber)
def list_wishes(request, filters: Query[WishFilters]):
    return selectors.wishes(request.auth, state=filters.state, q=filters.q)
