"""Reads for pages, exports and the API — every one through ``restrict``."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from linli.core.permissions import Action, restrict

from .models import Objection, ScoreCard, ScoreRun


def runs(user, action=Action.VIEW) -> QuerySet:
    return (
        restrict(ScoreRun.objects.select_related("place"), user, action)
        .annotate(open_objections=Count("objections", filter=Q(objections__resolved_at__isnull=True)))
        .order_by("-year", "card_type", "scope_path")
    )


def run_for(user, pk, action=Action.VIEW) -> ScoreRun:
    return get_object_or_404(
        restrict(ScoreRun.objects.select_related("place", "computed_by", "finalised_by"), user, action), pk=pk
    )


def cards(user, run: ScoreRun, *, q: str = "", stars: int | None = None, action=Action.VIEW) -> QuerySet:
    qs = restrict(ScoreCard.objects.filter(run=run), user, action)
    if q:
        qs = qs.filter(subject_label__icontains=q[:60])
    if stars:
        qs = qs.filter(stars=stars)
    return qs.order_by("-percent", "subject_label", "pk")


def card_for(user, pk) -> ScoreCard:
    return get_object_or_404(restrict(ScoreCard.objects.select_related("run", "run__place"), user), pk=pk)


def my_cards(user) -> QuerySet:
    """The cards about the user themselves (a party member's own cards)."""
    return restrict(ScoreCard.objects.filter(account_id=user.pk), user).select_related("run", "run__place")


def star_counts(user, run: ScoreRun) -> dict[int, int]:
    rows = restrict(ScoreCard.objects.filter(run=run), user).values_list("stars").annotate(n=Count("pk"))
    out = dict.fromkeys(range(1, 6), 0)
    out.update({stars: n for stars, n in rows if stars in out})  # 0 = not rated (an unscored run) is not a rating
    return out


def objections(user, run: ScoreRun) -> QuerySet:
    return restrict(Objection.objects.filter(run=run), user).select_related("raised_by", "resolved_by", "card")
