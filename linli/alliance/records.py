"""The alliance's records as other domains may see them (``registry.add_record_source``): a problem-list item by
"alliance.problem:<pk>" — its title, description, place and page — for a matter raised for deliberation from it."""

from __future__ import annotations

from django.urls import reverse

from linli.core.permissions import restrict
from linli.core.registry import RecordRef

from .models import Problem


def problem_ref(user, pk: int) -> RecordRef | None:
    problem = restrict(Problem.objects.select_related("place"), user).filter(pk=pk).first()
    if problem is None:
        return None
    return RecordRef(
        key=f"alliance.problem:{problem.pk}",
        title=problem.title,
        description=problem.description,
        place=problem.place,
        url=reverse("alliance:detail", args=[problem.alliance_id]) + "#problems",
    )
