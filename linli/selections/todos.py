"""Selections on the workbench of the staff who hold them: nominations waiting for review, selections whose vote
has closed and wait to be counted and announced, and results whose 公示 has ended and wait to be made final. Three
aggregate queries whatever the scope; nothing for those who cannot change selections."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.permissions import Action, may_any, restrict
from linli.core.registry import Todo

from .models import Nomination, NominationState, Selection, SelectionState

SECTION = "services"


def collect(user) -> list[Todo]:
    if not may_any(user, Selection, Action.CHANGE):
        return []
    today = dates.today()
    url = reverse("selections:list")
    out = []
    review = restrict(
        Nomination.objects.filter(state=NominationState.PENDING, selection__state=SelectionState.NOMINATING),
        user,
        Action.CHANGE,
    ).aggregate(n=Count("id"), due=Min("selection__nominate_until"))
    if review["n"]:
        out.append(
            Todo(
                "selections.review",
                _("Nominations waiting for review"),
                review["n"],
                f"{url}?state={SelectionState.NOMINATING}",
                SECTION,
                due=review["due"],
                overdue=0,
            )
        )
    steps = (
        ("selections.announce", _("Selections to count and announce"), SelectionState.VOTING, "vote_until"),
        ("selections.finalise", _("Selection results to make final"), SelectionState.PUBLICITY, "publicity_until"),
    )
    for key, label, state, field in steps:
        row = restrict(Selection.objects.filter(state=state, **{f"{field}__lt": today}), user, Action.CHANGE).aggregate(
            n=Count("id"), due=Min(field)
        )
        if row["n"]:
            out.append(Todo(key, label, row["n"], f"{url}?state={state}", SECTION, due=row["due"], overdue=row["n"]))
    return out
