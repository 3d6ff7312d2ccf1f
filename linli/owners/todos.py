"""Owners' committees on the workbench, for whoever keeps their record (community, street and district staff):
the flags the committee pages show (建房〔2009〕274号) as work — a re-election (换届) due or overdue, seats outside
an odd 5 to 11, a filing (备案) with the street still missing. One query (the committees of the scope with their
seat counts), whatever the scope."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Action
from linli.core.registry import Todo

from . import selectors

SECTION = "management"

# Flag codes → the to-do they make (in this order).
KINDS = (
    ("owners.reelection", ("term_ended", "reelection_due"), _("Owners' committees due for re-election (换届)")),
    ("owners.members", ("members",), _("Owners' committees whose seats are not an odd 5 to 11")),
    ("owners.filing", ("not_filed",), _("Owners' committees not yet filed with the street (备案)")),
)


def collect(user) -> list[Todo]:
    committees = selectors.with_flags(selectors.committees(user, action=Action.CHANGE))
    out = []
    for key, codes, label in KINDS:
        flagged = [c for c in committees if any(f.code in codes for f in c.flags)]
        if not flagged:
            continue
        url = reverse("owners:detail", args=[flagged[0].pk]) if len(flagged) == 1 else reverse("owners:list")
        due = overdue = None
        if key == "owners.reelection":
            due = min(c.term_end for c in flagged)
            overdue = sum(1 for c in flagged if any(f.code == "term_ended" for f in c.flags))
        out.append(Todo(key, label, len(flagged), url, SECTION, due=due, overdue=overdue or 0))
    return out
