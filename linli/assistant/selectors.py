"""Reads for the accuracy page: acceptance over time and per category, the versions, the version in use."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from linli.core import dates
from linli.core.permissions import restrict

from .models import Decision, RoutingModel, Suggestion


def suggestions(user):
    return restrict(Suggestion.objects.all(), user)


def _rate(accepted: int, decided: int) -> int | None:
    return round(100 * accepted / decided) if decided else None


def acceptance_by_week(user, weeks: int = 12) -> list[dict]:
    """[{start, decided, accepted, rate}] for the last ``weeks`` weeks (Monday to Sunday, local time)."""
    today = dates.today()
    first = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    rows = list(
        suggestions(user)
        .filter(decided_at__gte=start)
        .exclude(decision=Decision.PENDING)
        .values_list("decided_at", "decision")
    )
    out = []
    for i in range(weeks):
        monday = first + dt.timedelta(days=7 * i)
        out.append({"start": monday, "decided": 0, "accepted": 0})
    for when, decision in rows:
        i = (timezone.localtime(when).date() - first).days // 7
        if 0 <= i < weeks:
            out[i]["decided"] += 1
            out[i]["accepted"] += decision == Decision.ACCEPTED
    for w in out:
        w["rate"] = _rate(w["accepted"], w["decided"])
    return out


def acceptance_by_category(user) -> list[dict]:
    rows = (
        suggestions(user)
        .exclude(decision=Decision.PENDING)
        .values("category__code", "category__name")
        .annotate(decided=Count("pk"), accepted=Count("pk", filter=Q(decision=Decision.ACCEPTED)))
        .order_by("category__sort", "category__code")
    )
    return [
        {
            "code": r["category__code"],
            "name": r["category__name"],
            "decided": r["decided"],
            "accepted": r["accepted"],
            "rate": _rate(r["accepted"], r["decided"]),
        }
        for r in rows
    ]


def totals(user) -> dict:
    agg = suggestions(user).aggregate(
        made=Count("pk"),
        decided=Count("pk", filter=~Q(decision=Decision.PENDING)),
        accepted=Count("pk", filter=Q(decision=Decision.ACCEPTED)),
    )
    agg["rate"] = _rate(agg["accepted"], agg["decided"])
    return agg


def versions(user):
    return restrict(RoutingModel.objects.defer("blob"), user).order_by("-version")


def in_use(user) -> RoutingModel | None:
    return versions(user).filter(status="active").first()
