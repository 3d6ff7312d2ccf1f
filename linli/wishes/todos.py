"""微心愿 on the workbench: wishes waiting for review or for confirmation (staff), claims waiting to be fulfilled
(the claimer)."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.permissions import Action, restrict
from linli.core.registry import Figure, Todo

from .models import ClaimState, State, Wish, WishClaim

SECTION = "services"


def collect(user) -> list[Todo]:
    out = []
    counts = {
        r["state"]: r["n"]
        for r in restrict(Wish.objects.filter(state__in=[State.SUBMITTED, State.FULFILLED]), user, Action.CHANGE)
        .values("state")
        .annotate(n=Count("id"))
    }
    url = reverse("wishes:list")
    if counts.get(State.SUBMITTED):
        out.append(
            Todo(
                "wishes.review",
                _("Micro-wishes to review"),
                counts[State.SUBMITTED],
                f"{url}?state={State.SUBMITTED}",
                SECTION,
            )
        )
    if counts.get(State.FULFILLED):
        out.append(
            Todo(
                "wishes.confirm",
                _("Fulfilled micro-wishes to confirm"),
                counts[State.FULFILLED],
                f"{url}?state={State.FULFILLED}",
                SECTION,
            )
        )
    row = WishClaim.objects.filter(user_id=user.pk, state=ClaimState.ACTIVE).aggregate(
        n=Count("id"), due=Min("due_date"), late=Count("id", filter=Q(due_date__lt=dates.today()))
    )
    if row["n"]:
        out.append(
            Todo(
                "wishes.claims",
                _("Micro-wishes I claimed, to fulfil"),
                row["n"],
                reverse("wishes:mine"),
                SECTION,
                due=row["due"],
                overdue=row["late"],
            )
        )
    return out


def figures(user) -> list[Figure]:
    """For staff who manage wishes: how many published wishes still wait for a claimer."""
    qs = restrict(Wish.objects.all(), user, Action.CHANGE)
    counts = {r["state"]: r["n"] for r in qs.values("state").annotate(n=Count("id"))}
    if not counts:
        return []
    return [
        Figure(
            "wishes.open",
            _("Micro-wishes waiting for a claimer"),
            counts.get(State.PUBLISHED, 0),
            SECTION,
            url=f"{reverse('wishes:list')}?state={State.PUBLISHED}",
        )
    ]
