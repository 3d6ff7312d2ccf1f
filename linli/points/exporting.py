"""xlsx exports of points: the ledger (every entry, with the balances on a second sheet) and the shop's orders.
Rows come through ``restrict`` with the "export" action; names only, never ID or phone numbers; the exporter's name
and the time are in the first row, on the information sheet and in the file's properties; every export writes one
audit row. Streamed: openpyxl's write-only mode, an anonymous temporary file."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.paths import COMMUNITY, common_path, path_at
from linli.core.permissions import Action, bindings_for, may_any, restrict, role_may
from linli.core.xlsx import Book as _Workbook
from linli.core.xlsx import signature

from . import selectors
from .models import LedgerEntry, Order, OrderState

CHUNK = 2000


class Book:
    """A write-only workbook whose sheets open with a banner naming the exporter and the time."""

    def __init__(self, *, actor, title: str):
        self.who, self.when = signature(actor)
        self.title = title
        self.wb = _Workbook(creator=self.who, title=title)

    def sheet(self, title: str, headers: list[str], widths: list[int]):
        ws = self.wb.sheet(title, widths=widths)
        ws.append(
            [
                _("%(title)s · exported by %(who)s at %(when)s · personal information: keep it safe, do not pass it on")
                % {"title": title, "who": self.who, "when": self.when}
            ]
        )
        ws.append(headers, bold=True)
        return ws

    def close(self, rows: list[list]):
        info = self.wb.sheet(_("Export information"))
        for row in [
            [_("Exported by"), self.who],
            [_("Exported at"), self.when],
            *rows,
            [_("Note"), _("Names only: no ID or phone numbers are exported.")],
        ]:
            info.append(row)
        return self.wb.save()


def _scope(actor, model) -> str:
    if actor.is_superuser:
        return ""
    return common_path(
        [p for b in bindings_for(actor) if role_may(b.role, model, Action.EXPORT) for p in model.coverage_prefixes(b)]
    )


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _who(user) -> str:
    return (getattr(user, "display_name", "") or user.get_username()) if user else ""


def _audit(actor, *, model, title: str, filters: dict, counts: dict) -> None:
    audit.record(
        actor=actor,
        action="export",
        object_type=model._meta.label_lower,
        object_id="",
        object_repr=title,
        scope_path=_scope(actor, model),
        note=json.dumps({"filters": filters, **counts}, ensure_ascii=False)[:2000],
    )


def export_ledger(*, actor, q: str = ""):
    """(file, entries): every ledger entry of the accounts ``actor`` may export, oldest first, and the balances."""
    if not may_any(actor, LedgerEntry, Action.EXPORT):
        raise PermissionDenied(_("You may not export points ledgers."))
    title = _("Points ledger")
    book = Book(actor=actor, title=title)
    ws = book.sheet(
        title,
        [_("Time"), _("Resident"), _("Community"), _("Reason"), _("Points"), _("Source"), _("Note"), _("Entered by")],
        [17, 10, 12, 16, 9, 22, 30, 14],
    )
    entries = (
        restrict(LedgerEntry.objects.all(), actor, Action.EXPORT)
        .select_related("account__resident", "created_by")
        .order_by("at", "pk")
    )
    if q:
        entries = entries.filter(account__resident__name__icontains=q)
    communities = _community_names()
    n = 0
    for e in entries.iterator(chunk_size=CHUNK):
        source = f"{e.source_type}:{e.source_id}" if e.source_type or e.source_id else ""
        ws.append(
            [
                _local(e.at),
                e.account.resident.name,
                communities.get(path_at(e.scope_path, COMMUNITY), ""),
                e.get_reason_display(),
                e.amount,
                source,
                e.note,
                _who(e.created_by),
            ]
        )
        n += 1
    balances = book.sheet(_("Balances"), [_("Resident"), _("Community"), _("Balance")], [10, 12, 10])
    m = 0
    for a in selectors.accounts(actor, q=q, action=Action.EXPORT).iterator(chunk_size=CHUNK):
        balances.append([a.resident.name, communities.get(path_at(a.scope_path, COMMUNITY), ""), a.balance_value])
        m += 1
    filters = {"q": q} if q else {}
    out = book.close(
        [
            [_("Entries"), n],
            [_("Accounts"), m],
            [_("Filters"), json.dumps(filters, ensure_ascii=False) if filters else _("none")],
        ]
    )
    _audit(actor, model=LedgerEntry, title=title, filters=filters, counts={"rows": n, "accounts": m})
    return out, n


def export_orders(*, actor, state: str = ""):
    """(file, orders): the shop orders ``actor`` may export, newest first."""
    if not may_any(actor, Order, Action.EXPORT):
        raise PermissionDenied(_("You may not export shop orders."))
    state = state if state in OrderState.values else ""
    title = _("Shop orders")
    book = Book(actor=actor, title=title)
    ws = book.sheet(
        title,
        [
            _("Order"),
            _("Placed at"),
            _("Resident"),
            _("Shop"),
            _("Item"),
            _("Quantity"),
            _("Points"),
            _("State"),
            _("Handed over or cancelled at"),
            _("Handled by"),
        ],
        [8, 17, 10, 12, 20, 8, 9, 10, 17, 14],
    )
    orders = (
        restrict(Order.objects.all(), actor, Action.EXPORT)
        .select_related("account__resident", "item__shop", "handled_by")
        .order_by("-created_at", "-pk")
    )
    if state:
        orders = orders.filter(state=state)
    n = 0
    for o in orders.iterator(chunk_size=CHUNK):
        ws.append(
            [
                o.pk,
                _local(o.created_at),
                o.account.resident.name,
                o.item.shop.name,
                o.item.name,
                o.quantity,
                o.points,
                o.get_state_display(),
                _local(o.handled_at),
                _who(o.handled_by),
            ]
        )
        n += 1
    filters = {"state": state} if state else {}
    out = book.close(
        [[_("Rows"), n], [_("Filters"), json.dumps(filters, ensure_ascii=False) if filters else _("none")]]
    )
    _audit(actor, model=Order, title=title, filters=filters, counts={"rows": n})
    return out, n


def _community_names() -> dict[str, str]:
    from linli.areas.models import Place

    return dict(Place.objects.filter(level=3).values_list("path", "name"))
