"""Deliberation on the workbench: matters waiting for a meeting, compounds whose meeting is due this period (the
compliance calendar's "due" cells), and the open matters of the scope as a figure. A few aggregate queries
whatever the scope."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.context_processors import is_staff_user
from linli.core.permissions import Action, may_any
from linli.core.registry import Figure, Todo

from . import selectors
from .models import Matter, MatterState, Meeting
from .models.matter import OPEN_STATES

SECTION = "management"


def collect(user) -> list[Todo]:
    out = []
    if may_any(user, Matter, Action.CHANGE):
        row = selectors.matters(user, action=Action.CHANGE, state=MatterState.RAISED).aggregate(
            n=Count("id"), first=Min("raised_on")
        )
        if row["n"]:
            out.append(
                Todo(
                    "deliberation.waiting",
                    _("Matters waiting for a meeting"),
                    row["n"],
                    reverse("deliberation:matters") + "?state=raised",
                    SECTION,
                )
            )
    if may_any(user, Meeting, Action.ADD):
        today = dates.today()
        due = selectors.due_now(user, today=today)
        if due:
            end = min(c.period.end for r in due for c in r.cells if c.state == "due")
            out.append(
                Todo(
                    "deliberation.due",
                    _("Deliberation meetings due this period"),
                    len(due),
                    reverse("deliberation:calendar"),
                    SECTION,
                    due=end,
                )
            )
    return out


def figures(user) -> list[Figure]:
    if not is_staff_user(user) or not may_any(user, Matter):
        return []
    n = selectors.matters(user).filter(state__in=OPEN_STATES).count()
    return [
        Figure(
            "deliberation.open",
            _("Open matters for deliberation"),
            n,
            SECTION,
            reverse("deliberation:matters") + "?state=open",
        )
    ]
