"""走访 on the workbench: the residents the visit rules say are due this week or overdue, for whoever visits them
(grid workers, building heads, community staff)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.registry import Todo

from . import selectors

SECTION = "services"


def collect(user) -> list[Todo]:
    due = selectors.due_visits(user)
    if not due:
        return []
    return [
        Todo(
            "visits.due",
            _("Home visits due this week"),
            len(due),
            reverse("visits:due"),
            SECTION,
            due=min(d.due_on for d in due),
            overdue=sum(1 for d in due if d.overdue_days),
        )
    ]
