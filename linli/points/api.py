"""Points API: my balance and ledger, the shop, redemption, my orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.api import ERROR_RESPONSES, PageNumber

from . import selectors, services

router = Router(tags=["points"])


class BalanceOut(Schema):
    balance: Decimal


class EntryOut(Schema):
    id: int
    at: dt.datetime
    amount: Decimal
    reason: str
    note: str


class PointsItemOut(Schema):
    id: int
    name: str
    description: str
    price: Decimal
    stock: int
    is_active: bool


class RedeemIn(Schema):
    quantity: int = Field(1, ge=1, le=20, description="How many")


class OrderOut(Schema):
    id: int
    item_id: int
    quantity: int
    points: Decimal
    state: str
    created_at: dt.datetime


@router.get("/me", response={200: BalanceOut, **ERROR_RESPONSES}, summary="My points balance")
def my_balance(request):
    account = selectors.my_account(request.auth)
    return {"balance": services.balance_of(account) if account else services.ZERO}


@router.get("/me/ledger", response={200: list[EntryOut], **ERROR_RESPONSES}, summary="My ledger")
@paginate(PageNumber)
def my_ledger(request):
    account = selectors.my_account(request.auth)
    return selectors.ledger(request.auth, account) if account else []


@router.get("/items", response={200: list[PointsItemOut], **ERROR_RESPONSES}, summary="Shop items I may see")
@paginate(PageNumber)
def list_items(request):
    return selectors.shop_items(request.auth)


@router.post("/items/{item_id}/redeem", response={201: OrderOut, **ERROR_RESPONSES}, summary="Redeem points")
def redeem(request, item_id: int, data: RedeemIn):
    item = get_object_or_404(selectors.shop_items(request.auth), pk=item_id)
    return Status(201, services.redeem(actor=request.auth, item=item, quantity=data.quantity))


@router.get("/orders", response={200: list[OrderOut], **ERROR_RESPONSES}, summary="My orders")
@paginate(PageNumber)
def my_orders(request):
    return selectors.orders(request.auth, mine=True)
