"""Every write of the trust domain."""

from .accounts import account_open, budget_record, close_month, month_end, month_figures, next_month
from .fees import bill_amount, bill_run, bill_unit, collect, pay_remuneration, spend, store_receipt
from .ledger import Spec, append, journal_post, money, reverse, round_fen

__all__ = [
    "Spec",
    "account_open",
    "append",
    "bill_amount",
    "bill_run",
    "bill_unit",
    "budget_record",
    "close_month",
    "collect",
    "journal_post",
    "money",
    "month_end",
    "month_figures",
    "next_month",
    "pay_remuneration",
    "reverse",
    "round_fen",
    "spend",
    "store_receipt",
]
