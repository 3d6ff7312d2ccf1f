"""The 微心愿 list as xlsx: the wishes ``actor`` may export (``restrict`` with "export"), filtered like the staff list,
one row per wish with its state and claimers, and a second sheet with one row per claim. Names only — never the
address, ID or phone numbers. The exporter's name and the time are in the first row, on the information sheet and
in the file's properties; every export writes one audit row. Streamed with openpyxl's write-only mode to an
anonymous temporary file."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.paths import common_path
from linli.core.permissions import Action, bindings_for, may_any, restrict, role_may
from linli.core.xlsx import Book, signature

from . import selectors
from .models import Wish, WishClaim

CHUNK = 500


def _scope(actor, model) -> str:
    if actor.is_superuser:
        return ""
    return common_path(
        [p for b in bindings_for(actor) if role_may(b.role, model, Action.EXPORT) for p in model.coverage_prefixes(b)]
    )


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _pct(share) -> str:
    text = f"{share:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sheet(book, title, headers, widths, banner=None):
    ws = book.sheet(title, widths=widths)
    if banner:
        ws.append([banner])
    ws.append(headers, bold=True)
    return ws


def export_wishes(*, actor, state: str = "", q: str = ""):
    """(file, rows) of the wish list with claimers and states."""
    if not may_any(actor, Wish, Action.EXPORT):
        raise PermissionDenied(_("You may not export micro-wishes."))
    who, when = signature(actor)
    title = _("Micro-wishes")
    wb = Book(creator=who, title=title)
    banner = _(
        "%(title)s · exported by %(who)s at %(when)s · personal information: keep it safe, do not pass it "
        "on · no addresses, ID or phone numbers"
    ) % {"title": title, "who": who, "when": when}
    wishes_ws = _sheet(
        wb,
        title,
        [
            _("No."),
            _("Community"),
            _("Resident in need"),
            _("Shown as"),
            _("Wish"),
            _("Type"),
            _("Estimated value"),
            _("State"),
            _("Submitted at"),
            _("Published at"),
            _("Fulfilled at"),
            _("Confirmed at"),
            _("Claimers"),
        ],
        [7, 12, 10, 8, 24, 8, 10, 16, 17, 17, 17, 17, 48],
        banner,
    )
    claims_ws = _sheet(
        wb,
        _("Claims"),
        [
            _("No."),
            _("Wish"),
            _("Claimer"),
            _("Claimed as"),
            _("Share (%)"),
            _("Claim state"),
            _("Fulfil by"),
            _("Claimed at"),
            _("Ended at"),
        ],
        [7, 24, 18, 14, 8, 18, 11, 17, 17],
        banner,
    )
    claims = restrict(WishClaim.objects.select_related("resident", "organisation", "user"), actor).order_by(
        "created_at", "pk"
    )
    qs = selectors.wishes(actor, state=state, q=q, action=Action.EXPORT).prefetch_related(
        Prefetch("claims", queryset=claims, to_attr="export_claims")
    )
    rows = n_claims = 0
    for w in qs.iterator(chunk_size=CHUNK):
        parts = []
        for c in w.export_claims:
            parts.append(f"{c.claimer_name}（{c.get_kind_display()}）{_pct(c.share)}% {c.get_state_display()}")
            claims_ws.append(
                [
                    w.pk,
                    w.title,
                    c.claimer_name,
                    c.get_kind_display(),
                    c.share,
                    c.get_state_display(),
                    c.due_date,
                    _local(c.created_at),
                    _local(c.ended_at),
                ]
            )
            n_claims += 1
        wishes_ws.append(
            [
                w.pk,
                w.community.name,
                w.resident.name,
                w.public_name,
                w.title,
                w.get_kind_display(),
                w.estimated_value,
                w.get_state_display(),
                _local(w.created_at),
                _local(w.published_at),
                _local(w.fulfilled_at),
                _local(w.confirmed_at),
                "；".join(parts),
            ]
        )
        rows += 1
    filters = {k: v for k, v in (("state", state), ("q", q)) if v}
    info = wb.sheet(_("Export information"))
    for row in (
        [_("Exported by"), who],
        [_("Exported at"), when],
        [_("Rows"), rows],
        [_("Claims"), n_claims],
        [_("Filters"), json.dumps(filters, ensure_ascii=False) if filters else _("none")],
        [_("Note"), _("Names only: no addresses, ID or phone numbers are exported.")],
    ):
        info.append(row)
    out = wb.save()
    audit.record(
        actor=actor,
        action="export",
        object_type="wishes.wish",
        object_id="",
        object_repr=title,
        scope_path=_scope(actor, Wish),
        note=json.dumps({"filters": filters, "rows": rows, "claims": n_claims}, ensure_ascii=False),
    )
    return out, rows
