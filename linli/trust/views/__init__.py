from .accounts import account_create, account_detail, account_list, budget_create, budget_document
from .entries import bill_run, close_month, collect, remuneration, reverse, spend
from .statements import account_csv, receipt, statement, statement_json, verifier

__all__ = [
    "account_create",
    "account_csv",
    "account_detail",
    "account_list",
    "bill_run",
    "budget_create",
    "budget_document",
    "close_month",
    "collect",
    "receipt",
    "remuneration",
    "reverse",
    "spend",
    "statement",
    "statement_json",
    "verifier",
]
