"""Score-card provider of volunteering (registered from ``registrations.py`` when score cards are installed): a
member's volunteer service hours in the year. One query a run.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from linli.scorecards.providers import Value, record, resident_ids

from .models import ServiceRecord


def volunteering_member_hours(subs, year):
    by_resident = {s.extra.get("resident"): s.key for s in subs}
    total, recs = defaultdict(Decimal), defaultdict(list)
    for pk, resident_id, served_on, content, h in (
        ServiceRecord.objects.filter(volunteer__resident_id__in=resident_ids(subs), served_on__year=year)
        .values_list("pk", "volunteer__resident_id", "served_on", "content", "hours")
        .order_by("served_on")
    ):
        key = by_resident[resident_id]
        total[key] += h
        recs[key].append(record(f"volunteering.servicerecord:{pk}", f"{served_on} {content} · {h} h"))
    return {s.key: Value(total[s.key], _("%(h)s hours") % {"h": total[s.key]}, recs[s.key]) for s in subs}


def register() -> None:
    from django.utils.translation import gettext_lazy

    from linli.scorecards.models import CardType
    from linli.scorecards.providers import providers

    providers.register(
        "volunteering.member_hours",
        volunteering_member_hours,
        label=gettext_lazy("Volunteer service hours"),
        card_types=(CardType.MEMBER,),
        unit="h",
    )
