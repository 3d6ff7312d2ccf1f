"""The work-order panel of the resident 360° page: the cases this resident reported (their account or their
record), as far as the viewer may see them; anonymous reports never appear."""

from __future__ import annotations

from django.db.models import Q

from linli.core.permissions import restrict

from .models import Case, Confidentiality


def resident_cases(user, resident) -> dict | None:
    who = Q(reporter_resident=resident)
    if resident.account_id:
        who |= Q(reporter_id=resident.account_id)
    qs = (restrict(Case.objects.select_related("category"), user).filter(who)
          .exclude(confidentiality=Confidentiality.ANONYMOUS).order_by("-created_at"))
    cases = list(qs[:10])
    return {"cases": cases, "more": qs.count() > len(cases) if len(cases) == 10 else False}
