"""三会一课 on the workbench: for whoever records a branch's meetings, the items due in the current period (due by
the period's end) and the periods of this year already missed."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.permissions import Action, can_at, may_any
from linli.core.registry import Figure, Todo

from . import periods, selectors
from .models import Meeting, seat_org_ids

SECTION = "party"


def _orgs(user) -> list:
    """The branches and groups whose meetings the user records (staff over the place, or a committee seat)."""
    if not may_any(user, Meeting, Action.ADD):
        return []
    seats = set(seat_org_ids(user.pk))
    return [
        o
        for o in selectors.party_orgs(user)
        if o.pk in seats or o.parent_id in seats or can_at(user, Action.ADD, Meeting, o.scope_path)
    ]


def _compliance(user):
    orgs = _orgs(user)
    return orgs, selectors.compliance_many(orgs, dates.today().year) if orgs else []


def collect(user) -> list[Todo]:
    orgs, comps = _compliance(user)
    if not orgs:
        return []
    due = [cell for comp in comps for _row, cell in comp.current() if cell.state == periods.DUE]
    missing = sum(comp.counts[periods.MISSING] for comp in comps)
    url = reverse("orglife:calendar", args=[orgs[0].pk]) if len(orgs) == 1 else reverse("orglife:overview")
    out = []
    if due:
        out.append(
            Todo(
                "orglife.due",
                _("Organisational life due this period"),
                len(due),
                url,
                SECTION,
                due=min(c.period.end for c in due),
            )
        )
    if missing:
        out.append(
            Todo("orglife.missing", _("Organisational life missed this year"), missing, url, SECTION, overdue=missing)
        )
    return out


def figures(user) -> list[Figure]:
    orgs, comps = _compliance(user)
    if not orgs:
        return []
    required = sum(c.required for c in comps)
    done = sum(c.counts[periods.DONE] for c in comps)
    value = f"{round(100 * done / required)}%" if required else "—"
    return [
        Figure(
            "orglife.done_share",
            _("Organisational life held on time this year"),
            value,
            SECTION,
            url=reverse("orglife:overview"),
        )
    ]
