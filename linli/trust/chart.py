"""The charts of accounts (科目表). Two schemes share one ledger:

- 信托制 (``trust``): the owners' fees held in trust, the property company as trustee paid a fixed remuneration
  (酬金) that is its own line (5101);
- 酬金制 self-managed (``self``): a compound without a company, a 楼道长 collecting cleaning fees — a short chart.

Codes are stable: they go into every entry's hash (``verify_ledger.canonical``). Balances are debit − credit; an
asset or expense line normally has a positive balance, an income line a negative one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

CASH = "1001"
RECEIVABLE = "1122"
FEE_INCOME = "4001"
REMUNERATION = "5101"


@dataclass(frozen=True)
class Line:
    code: str
    name: object
    kind: str  # asset | income | expense

    @property
    def is_expense(self) -> bool:
        return self.kind == "expense"


TRUST_CHART = (
    Line(CASH, _("Trust bank account (owners)"), "asset"),
    Line(RECEIVABLE, _("Fees receivable"), "asset"),
    Line(FEE_INCOME, _("Property fee income"), "income"),
    Line("4002", _("Common-area income (parking, advertising)"), "income"),
    Line("4003", _("Other income"), "income"),
    Line("5001", _("Cleaning"), "expense"),
    Line("5002", _("Security and order"), "expense"),
    Line("5003", _("Greening"), "expense"),
    Line("5004", _("Facility and lift maintenance"), "expense"),
    Line("5005", _("Common water and electricity"), "expense"),
    Line("5006", _("Administration and staff"), "expense"),
    Line("5009", _("Other spending"), "expense"),
    Line(REMUNERATION, _("Property company remuneration (酬金)"), "expense"),
)

SELF_CHART = (
    Line(CASH, _("Collection account (cash and transfers)"), "asset"),
    Line(RECEIVABLE, _("Fees receivable"), "asset"),
    Line(FEE_INCOME, _("Cleaning fee income"), "income"),
    Line("5001", _("Cleaning"), "expense"),
    Line("5009", _("Other spending"), "expense"),
)

CHARTS = {"trust": TRUST_CHART, "self": SELF_CHART}


def chart(scheme: str) -> tuple[Line, ...]:
    return CHARTS[scheme]


def line(scheme: str, code: str) -> Line | None:
    return next((ln for ln in CHARTS[scheme] if ln.code == code), None)


def codes(scheme: str, kind: str | None = None) -> list[str]:
    return [ln.code for ln in CHARTS[scheme] if kind is None or ln.kind == kind]


def spending_codes(scheme: str) -> list[str]:
    """Expense lines a staff member may book an expenditure on (the remuneration has its own step)."""
    return [ln.code for ln in CHARTS[scheme] if ln.kind == "expense" and ln.code != REMUNERATION]
