"""/api/v1/trust/: trust accounts, statements and their ledger exports; billing, collections, expenditures (with the
receipt as a multipart upload), the remuneration, journal entries, reversals and closing a month — the same
selectors and services as the pages. Amounts are strings in yuan with at most two digits of fen, never numbers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.dates import EventDate
from linli.core.permissions import Action

from . import export, selectors, services

router = Router(tags=["trust accounts"])
AMOUNT = r"^\d{1,12}(\.\d{1,2})?$"
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
PK = {"ge": 1, "le": 2**31 - 1}


class TrustAccountOut(Schema):
    id: int
    uid: str
    compound_code: str = Field(..., alias="compound.code")
    compound_name: str = Field(..., alias="compound.name")
    scheme: str
    trustee_id: int | None = None
    monthly_rate: str
    opened_on: dt.date
    closed_through: dt.date | None = None
    head_seq: int = Field(..., description="Number of the last entry")
    head_hash: str = Field(..., description="SHA-256 of the last entry (the chain head)")

    @staticmethod
    def resolve_uid(obj):
        return str(obj.uid)

    @staticmethod
    def resolve_monthly_rate(obj):
        return f"{obj.monthly_rate:.2f}"


class TrustStatementOut(Schema):
    id: int
    month: str
    first_seq: int
    head_seq: int
    prev_head: str
    head_hash: str
    income: str
    spending: str
    by_category: dict[str, str]
    balance: str
    arrears_rate: str = Field(..., description="Outstanding ÷ billed for bills up to the month (no debtors' names)")

    @staticmethod
    def resolve_month(obj):
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_income(obj):
        return f"{obj.income:.2f}"

    @staticmethod
    def resolve_spending(obj):
        return f"{obj.spending:.2f}"

    @staticmethod
    def resolve_balance(obj):
        return f"{obj.balance:.2f}"

    @staticmethod
    def resolve_arrears_rate(obj):
        return f"{obj.arrears_rate:.4f}"


class TrustEntryOut(Schema):
    id: int
    seq: int
    date: dt.date
    kind: str
    memo: str
    category: str
    amount: str
    hash: str
    prev_hash: str

    @staticmethod
    def resolve_amount(obj):
        return f"{obj.amount:.2f}"


class TrustBillIn(Schema):
    period: str = Field(..., pattern=MONTH, description="The month billed, YYYY-MM")
    house: str = Field("", max_length=24, description="Code of one unit; empty: every unit of the compound")


class TrustBillsOut(Schema):
    bills: int
    total: str


class TrustCollectIn(Schema):
    amount: str = Field(..., pattern=AMOUNT, description="Yuan, e.g. 120.83")
    date: EventDate


class TrustLineIn(Schema):
    code: str = Field(..., min_length=4, max_length=8)
    debit: str = Field("0", pattern=AMOUNT)
    credit: str = Field("0", pattern=AMOUNT)


class TrustJournalIn(Schema):
    date: EventDate
    kind: Literal["opening", "income"]
    memo: str = Field("", max_length=200)
    lines: list[TrustLineIn] = Field(..., min_length=2, max_length=20)


class TrustExpenditureIn(Schema):
    date: EventDate
    category: str = Field(..., max_length=8, description="A spending code of the account's chart, e.g. 5001")
    amount: str = Field(..., pattern=AMOUNT)
    payee: str = Field(..., max_length=100)
    memo: str = Field("", max_length=200)
    approver: str = Field("", max_length=60, description="Who approved the payment")


class TrustReverseIn(Schema):
    date: EventDate
    reason: str = Field(..., min_length=1, max_length=120)


class TrustCloseIn(Schema):
    month: str = Field(..., pattern=MONTH)


def _month(text: str, field: str = "month") -> dt.date:
    y, m = text.split("-")
    try:
        return dt.date(int(y), int(m), 1)
    except ValueError as exc:
        raise ValidationError({field: _("Enter a month as YYYY-MM.")}) from exc


@router.get("", response={200: list[TrustAccountOut], **ERROR_RESPONSES}, summary="Trust accounts in scope")
@paginate(PageNumber)
def list_accounts(request):
    return selectors.accounts(request.auth)


@router.get(
    "/{int:pk}", response={200: TrustAccountOut, **ERROR_RESPONSES}, summary="A trust account and its chain head"
)
def get_account(request, pk: int):
    return selectors.account_for(request.auth, pk)


@router.get("/{int:pk}/statements", response={200: list[TrustStatementOut], **ERROR_RESPONSES}, summary="Statements")
@paginate(PageNumber)
def list_statements(request, pk: int):
    return selectors.statements(request.auth, selectors.account_for(request.auth, pk))


@router.get("/statements/{int:pk}", response={200: TrustStatementOut, **ERROR_RESPONSES}, summary="A statement")
def get_statement(request, pk: int):
    return selectors.statement_for(request.auth, pk)


@router.get(
    "/statements/{int:pk}/ledger",
    response={200: dict, **ERROR_RESPONSES},
    summary="The month's entries for offline verification (linli-trust-ledger/1, see verify_ledger.py)",
)
def statement_ledger(request, pk: int):
    return export.statement_document(selectors.statement_for(request.auth, pk))


@router.get("/{int:pk}/entries", response={200: list[TrustEntryOut], **ERROR_RESPONSES}, summary="Latest entries")
@paginate(PageNumber)
def list_entries(request, pk: int):
    account = selectors.account_for(request.auth, pk)
    return selectors.recent_entries(request.auth, account, limit=10_000)


@router.post("/{int:pk}/bills", response={201: TrustBillsOut, **ERROR_RESPONSES}, summary="Bill a month")
def post_bills(request, pk: int, payload: TrustBillIn):
    account = selectors.account_for(request.auth, pk)
    houses = [place_by_code(request.auth, payload.house, field="house")] if payload.house else None
    bills = services.bill_run(
        actor=request.auth, account=account, period=_month(payload.period, "period"), houses=houses
    )
    return Status(201, {"bills": len(bills), "total": f"{sum(b.amount for b in bills):.2f}"})


@router.post("/bills/{int:pk}/collections", response={201: TrustEntryOut, **ERROR_RESPONSES}, summary="A payment")
def post_collection(request, pk: int, payload: TrustCollectIn):
    bill = selectors.bill_for(request.auth, pk, action=Action.CHANGE)
    link = services.collect(actor=request.auth, bill=bill, amount=payload.amount, date=payload.date)
    return Status(201, link.entry)


@router.post(
    "/{int:pk}/expenditures",
    response={201: TrustEntryOut, **ERROR_RESPONSES},
    summary="An expenditure with its receipt (multipart: the fields and a file 'receipt')",
)
def post_expenditure(request, pk: int, payload: Form[TrustExpenditureIn], receipt: File[UploadedFile] = None):
    account = selectors.account_for(request.auth, pk)
    entry = services.spend(actor=request.auth, account=account, receipt=receipt, **payload.dict())
    return Status(201, entry)


@router.post("/{int:pk}/journal", response={201: TrustEntryOut, **ERROR_RESPONSES}, summary="A journal entry")
def post_journal(request, pk: int, payload: TrustJournalIn):
    account = selectors.account_for(request.auth, pk)
    entry = services.journal_post(
        actor=request.auth,
        account=account,
        date=payload.date,
        kind=payload.kind,
        memo=payload.memo,
        lines=[(ln.code, ln.debit, ln.credit) for ln in payload.lines],
    )
    return Status(201, entry)


@router.post("/entries/{int:pk}/reverse", response={201: TrustEntryOut, **ERROR_RESPONSES}, summary="Reverse an entry")
def post_reverse(request, pk: int, payload: TrustReverseIn):
    entry = selectors.entry_for(request.auth, pk)
    return Status(201, services.reverse(actor=request.auth, entry=entry, date=payload.date, reason=payload.reason))


@router.post("/{int:pk}/close", response={201: TrustStatementOut, **ERROR_RESPONSES}, summary="Close a month")
def post_close(request, pk: int, payload: TrustCloseIn):
    account = selectors.account_for(request.auth, pk)
    month = _month(payload.month)
    return Status(201, services.close_month(actor=request.auth, account=account, month=month))
