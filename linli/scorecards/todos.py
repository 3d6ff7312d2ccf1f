"""Score cards on the workbench, for whoever runs them (district, street, community staff over a run's place):
objections raised during 公示 to answer, computed cards to put under public notice, and notices that have run
their course to make final. Two aggregate queries, whatever the scope."""

from __future__ import annotations

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.permissions import Action, restrict
from linli.core.registry import Todo

from .models import Objection, RunState, ScoreRun

SECTION = "party"


def _url(first, last, anchor: str = "") -> str:
    """One run: its page (where the work is done); several: the list of runs."""
    if first is not None and first == last:
        return reverse("scorecards:run", args=[first]) + anchor
    return reverse("scorecards:list")


def collect(user) -> list[Todo]:
    today = dates.today()
    runs = restrict(ScoreRun.objects.all(), user, Action.CHANGE)
    out = []

    objections = restrict(Objection.objects.filter(resolved_at__isnull=True, run__in=runs.values("pk")), user)
    row = objections.aggregate(
        n=Count("pk"),
        due=Min("run__notice_ends"),
        late=Count("pk", filter=Q(run__notice_ends__lt=today)),
        first=Min("run_id"),
        last=Max("run_id"),
    )
    if row["n"]:
        out.append(
            Todo(
                "scorecards.objections",
                _("Score-card objections to answer"),
                row["n"],
                _url(row["first"], row["last"], "#objections"),
                SECTION,
                due=row["due"],
                overdue=row["late"],  # the notice has ended: the cards cannot become final until they are answered
                workdays=True,  # 公示 runs a number of working days
            )
        )

    publicise = Q(state=RunState.COMPUTED) & ~Q(rules__unscored=True)  # an unscored run needs indicators first
    finalise = Q(state=RunState.PUBLICISED, notice_ends__lt=today, has_open=False)
    row = runs.annotate(
        has_open=Exists(Objection.objects.filter(run=OuterRef("pk"), resolved_at__isnull=True))
    ).aggregate(
        publicise=Count("pk", filter=publicise),
        publicise_first=Min("pk", filter=publicise),
        publicise_last=Max("pk", filter=publicise),
        finalise=Count("pk", filter=finalise),
        finalise_first=Min("pk", filter=finalise),
        finalise_last=Max("pk", filter=finalise),
    )
    if row["publicise"]:
        out.append(
            Todo(
                "scorecards.publicise",
                _("Computed score cards to put under public notice"),
                row["publicise"],
                _url(row["publicise_first"], row["publicise_last"]),
                SECTION,
            )
        )
    if row["finalise"]:
        out.append(
            Todo(
                "scorecards.finalise",
                _("Score cards whose public notice has ended, to make final"),
                row["finalise"],
                _url(row["finalise_first"], row["finalise_last"]),
                SECTION,
            )
        )
    return out
