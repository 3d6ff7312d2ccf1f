"""The work-order panel of the resident 360° page: the cases this resident reported (their account or their
record), as far as the viewer may see them. Anonymous reports never appear; confidential ones only to whoever
may see their reporter (``policy.sees_reporter``) — listing them here would name the reporter otherwise."""

from __future__ import annotations

from django.db.models import Q

from linli.core.permissions import restrict

from . import policy
from .models import Case, Confidentiality

SHOWN = 10


def resident_cases(user, resident) -> dict | None:
    who = Q(reporter_resident=resident)
    if resident.account_id:
        who |= Q(reporter_id=resident.account_id)
    qs = (
        restrict(Case.objects.select_related("category"), user)
        .filter(who)
        .exclude(confidentiality=Confidentiality.ANONYMOUS)
        .order_by("-created_at", "-pk")
    )
    cases = []
    for case in qs.iterator(chunk_size=50):
        if case.confidentiality == Confidentiality.CONFIDENTIAL and not policy.sees_reporter(case, user):
            continue
        cases.append(case)
        if len(cases) > SHOWN:
            break
    return {"cases": cases[:SHOWN], "more": len(cases) > SHOWN}
