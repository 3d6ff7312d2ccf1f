"""xlsx exports: learning statistics per branch, and one course's learners. Names only (no personal numbers);
the first row names the exporter and the time; every export writes one audit row (action "export")."""

from __future__ import annotations

import tempfile

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core import audit
from linli.core.permissions import Action, may_any

from . import selectors
from .models import Assignment


def _who(actor) -> tuple[str, str]:
    name = getattr(actor, "display_name", "") or actor.get_full_name() or actor.get_username()
    return f"{name} ({actor.get_username()})", timezone.localtime().strftime("%Y-%m-%d %H:%M")


def _safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _row(ws, values, bold=False):
    ws.append([_safe(v) for v in values])
    if bold:
        for c in ws[ws.max_row]:
            c.font = Font(bold=True)


def _save(wb):
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    wb.save(out)
    out.seek(0)
    return out


def export_stats(*, actor, year: int | None, under: str | None = None):
    if not may_any(actor, Assignment, Action.EXPORT):
        raise PermissionDenied(_("You do not have permission to do this."))
    who, when = _who(actor)
    stats = selectors.branch_stats(actor, year=year, under=under)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Learning")[:31]
    title = _("Learning statistics per branch") + (f" {year}" if year else "")
    _row(ws, [_("%(title)s · exported by %(who)s at %(when)s") % {"title": title, "who": who, "when": when}])
    _row(ws, [_("Branch"), _("Assigned"), _("Completed"), _("Completion rate (%)"), _("Average score")], bold=True)
    for s in stats:
        _row(ws, [s.name, s.assigned, s.completed, s.completion_rate, s.average_score])
    audit.record(actor=actor, action="export", object_type="learning.assignment", object_repr=title,
                 note=f"{len(stats)} rows", after={"year": year, "under": under})
    return _save(wb), len(stats)


def export_learners(*, actor, course):
    if not may_any(actor, Assignment, Action.EXPORT):
        raise PermissionDenied(_("You do not have permission to do this."))
    who, when = _who(actor)
    rows = list(selectors.learners(actor, course))
    wb = Workbook()
    ws = wb.active
    ws.title = _("Learners")[:31]
    _row(ws, [_("%(title)s · exported by %(who)s at %(when)s") % {"title": course.title, "who": who, "when": when}])
    _row(ws, [_("Learner"), _("Branch"), _("Opened"), _("Progress (%)"), _("Quiz attempts"), _("Best score"),
              _("Completed at")], bold=True)
    for a in rows:
        name = a.resident.name if a.resident_id else (getattr(a.user, "display_name", "") or a.user.get_username())
        _row(ws, [name, a.via_org.name if a.via_org_id else "", _("yes") if a.opened_at else _("no"), a.percent,
                  a.attempts, a.best_score,
                  timezone.localtime(a.completed_at).strftime("%Y-%m-%d %H:%M") if a.completed_at else ""])
    audit.record(actor=actor, action="export", obj=course, note=f"{len(rows)} learners")
    return _save(wb), len(rows)
