"""xlsx exports of the visit log and of 帮办代办 records. Names only, never ID or phone numbers; the first row
names the exporter and the time; every export writes one audit row (action "export")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.permissions import Action, may_any, restrict
from linli.core.xlsx import Book, signature

from .models import Errand, Visit

MAX_ROWS = 20_000


def _sheet(actor, title: str, header: list[str]):
    who, when = signature(actor)
    book = Book(creator=who, title=title)
    ws = book.sheet(title)
    ws.append([_("%(title)s · exported by %(who)s at %(when)s") % {"title": title, "who": who, "when": when}])
    ws.append(header, bold=True)
    return book, ws


def export_visits(*, actor):
    if not may_any(actor, Visit, Action.EXPORT):
        raise PermissionDenied(_("You do not have permission to do this."))
    title = _("Visit log")
    book, ws = _sheet(
        actor,
        title,
        [_("Date"), _("Resident"), _("Kind"), _("Purpose"), _("Findings"), _("Needs raised"), _("Visitor")],
    )
    qs = (
        restrict(Visit.objects.all(), actor, Action.EXPORT)
        .select_related("resident", "visitor")
        .prefetch_related("needs")
        .order_by("-visited_on", "-id")[:MAX_ROWS]
    )
    n = 0
    for v in qs:
        visitor = (getattr(v.visitor, "display_name", "") or str(v.visitor)) if v.visitor else ""
        ws.append(
            [
                v.visited_on,
                v.resident.name,
                v.get_kind_display(),
                v.purpose,
                v.findings,
                "；".join(n.description for n in v.needs.all()),
                visitor,
            ]
        )
        n += 1
    audit.record(actor=actor, action="export", object_type="visits.visit", object_repr=title, note=f"{n} rows")
    return book.save(), n


def export_errands(*, actor):
    if not may_any(actor, Errand, Action.EXPORT):
        raise PermissionDenied(_("You do not have permission to do this."))
    title = _("Errands")
    book, ws = _sheet(actor, title, [_("Date"), _("For"), _("Matter"), _("Outcome"), _("Note"), _("Done by")])
    qs = (
        restrict(Errand.objects.all(), actor, Action.EXPORT)
        .select_related("resident", "handled_by")
        .order_by("-handled_on", "-id")[:MAX_ROWS]
    )
    n = 0
    for e in qs:
        by = (getattr(e.handled_by, "display_name", "") or str(e.handled_by)) if e.handled_by else ""
        ws.append([e.handled_on, e.resident.name, e.matter, e.get_outcome_display(), e.note, by])
        n += 1
    audit.record(actor=actor, action="export", object_type="visits.errand", object_repr=title, note=f"{n} rows")
    return book.save(), n
