"""Score-card providers for 在职党员 (registered with ``linli.scorecards`` when it is installed).

Bulk: one query for all subjects. Values are Decimal; each explains itself with the records behind it.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from . import selectors
from .models import ServiceRecord

RECORDS_KEPT = 60


def _ref(rec) -> dict:
    label = f"{rec['date']} {rec['content']} ({rec['hours']} h)"[:120]
    return {"ref": f"party.servicerecord:{rec['pk']}", "label": label,
            "url": reverse("party:inservice_detail", args=[rec["member_id"]])}


def _records(ids, year):
    out: dict[int, list] = {}
    for rec in (ServiceRecord.objects.filter(member_id__in=ids, date__year=year).order_by("date", "pk")
                .values("pk", "member_id", "date", "content", "hours")):
        rows = out.setdefault(rec["member_id"], [])
        if len(rows) < RECORDS_KEPT:
            rows.append(_ref(rec))
    return out


def service_hours_provider(subjects, year):
    from linli.scorecards.providers import Value

    ids = [s.pk for s in subjects]
    hours = selectors.service_hours_many(ids, year)
    recs = _records(ids, year)
    return {s.key: Value(hours.get(s.pk, Decimal("0")), f"{hours.get(s.pk, Decimal('0'))} h", recs.get(s.pk, []))
            for s in subjects}


def service_quarters_provider(subjects, year):
    from linli.scorecards.providers import Value

    ids = [s.pk for s in subjects]
    quarters = selectors.service_quarters_many(ids, year)
    recs = _records(ids, year)
    out = {}
    for s in subjects:
        qs = sorted(quarters.get(s.pk, set()))
        out[s.key] = Value(Decimal(len(qs)), "、".join(f"Q{q}" for q in qs) or "—", recs.get(s.pk, []))
    return out
