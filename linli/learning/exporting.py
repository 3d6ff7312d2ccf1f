"""xlsx exports: learning statistics per branch, and one course's learners. Names only (no personal numbers);
the first row names the exporter and the time; every export writes one audit row (action "export")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.permissions import Action, may_any
from linli.core.xlsx import Book, signature

from . import selectors
from .models import Assignment


def export_stats(*, actor, year: int | None, under: str | None = None):
    if not may_any(actor, Assignment, Action.EXPORT):
        raise PermissionDenied(_("You do not have permission to do this."))
    who, when = signature(actor)
    stats = selectors.branch_stats(actor, year=year, under=under)
    title = _("Learning statistics per branch") + (f" {year}" if year else "")
    book = Book(creator=who, title=title)
    ws = book.sheet(_("Learning"))
    ws.append([_("%(title)s · exported by %(who)s at %(when)s") % {"title": title, "who": who, "when": when}])
    ws.append([_("Branch"), _("Assigned"), _("Completed"), _("Completion rate (%)"), _("Average score")], bold=True)
    for s in stats:
        ws.append([s.name, s.assigned, s.completed, s.completion_rate, s.average_score])
    audit.record(
        actor=actor,
        action="export",
        object_type="learning.assignment",
        object_repr=title,
        note=f"{len(stats)} rows",
        after={"year": year, "under": under},
    )
    return book.save(), len(stats)


def export_learners(*, actor, course):
    if not may_any(actor, Assignment, Action.EXPORT):
        raise PermissionDenied(_("You do not have permission to do this."))
    who, when = signature(actor)
    rows = list(selectors.learners(actor, course))
    book = Book(creator=who, title=course.title)
    ws = book.sheet(_("Learners"))
    ws.append([_("%(title)s · exported by %(who)s at %(when)s") % {"title": course.title, "who": who, "when": when}])
    ws.append(
        [
            _("Learner"),
            _("Branch"),
            _("Opened"),
            _("Progress (%)"),
            _("Quiz attempts"),
            _("Best score"),
            _("Completed at"),
        ],
        bold=True,
    )
    for a in rows:
        name = a.resident.name if a.resident_id else (getattr(a.user, "display_name", "") or a.user.get_username())
        ws.append(
            [
                name,
                a.via_org.name if a.via_org_id else "",
                _("yes") if a.opened_at else _("no"),
                a.percent,
                a.attempts,
                a.best_score,
                timezone.localtime(a.completed_at).strftime("%Y-%m-%d %H:%M") if a.completed_at else "",
            ]
        )
    audit.record(actor=actor, action="export", obj=course, note=f"{len(rows)} learners")
    return book.save(), len(rows)
