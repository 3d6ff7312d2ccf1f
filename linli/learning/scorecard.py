"""Score-card providers for 微学习 (registered from ``registrations.py`` when score cards are installed).

Per domain-rules §10 they score **completion** of the courses assigned in the year — never study hours or online
time. Bulk: two queries for all subjects of a run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Assignment


def _rate(done: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(100 * done) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _rows(resident_filter, year: int):
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    return (
        Assignment.objects.filter(resident_id__in=resident_filter, created_at__year=year)
        .values_list("pk", "resident_id", "course_id", "course__title", "completed_at", "best_score")
        .order_by("pk")
    ), end


def _label(title, completed_at, score, end) -> str:
    state = _("completed") if completed_at and completed_at < end else _("not completed")
    return f"{title} · {state}" + (f" · {score}" if score is not None else "")


def _values(keys, done, total, recs):
    from linli.scorecards.providers import Value

    out = {}
    for key in keys:
        rate = _rate(done[key], total[key])
        display = (
            _("%(done)s of %(total)s courses completed") % {"done": done[key], "total": total[key]}
            if total[key]
            else _("no courses assigned")
        )
        out[key] = Value(rate, display, recs[key])
    return out


def member_completion(subs, year: int):
    """Registered member / in-service member: % of the courses assigned in ``year`` completed by its end."""
    from linli.scorecards.providers import record, resident_ids

    by_resident = {s.extra.get("resident"): s.key for s in subs}
    rows, end = _rows(resident_ids(subs), year)
    done, total, recs = defaultdict(int), defaultdict(int), defaultdict(list)
    pattern = reverse("learning:course", args=[987654321]).replace("987654321", "{}")
    for pk, resident_id, course_id, title, completed_at, score in rows:
        key = by_resident.get(resident_id)
        if key is None:
            continue
        total[key] += 1
        done[key] += bool(completed_at and completed_at < end)
        recs[key].append(
            record(f"learning.assignment:{pk}", _label(title, completed_at, score, end), pattern.format(course_id))
        )
    return _values([s.key for s in subs], done, total, recs)


def branch_completion(subs, year: int):
    """Party branch: % of the courses assigned in ``year`` to its active members completed by the year's end."""
    from linli.party.models import PartyMember
    from linli.scorecards.providers import record, subject_ids

    by_org = {s.pk: s.key for s in subs}
    member_org = dict(
        PartyMember.objects.filter(org_id__in=subject_ids(subs), is_active=True).values_list("resident_id", "org_id")
    )
    members = PartyMember.objects.filter(org_id__in=subject_ids(subs), is_active=True).values("resident_id")
    rows, end = _rows(members, year)
    done, total, recs = defaultdict(int), defaultdict(int), defaultdict(list)
    for pk, resident_id, _course, title, completed_at, score in rows:
        key = by_org.get(member_org.get(resident_id))
        if key is None:
            continue
        total[key] += 1
        done[key] += bool(completed_at and completed_at < end)
        recs[key].append(record(f"learning.assignment:{pk}", _label(title, completed_at, score, end)))
    return _values([s.key for s in subs], done, total, recs)


def register() -> None:
    from django.utils.translation import gettext_lazy

    from linli.scorecards.models import CardType
    from linli.scorecards.providers import providers

    providers.register(
        "learning.member_completion",
        member_completion,
        label=gettext_lazy("Assigned courses completed"),
        card_types=(CardType.MEMBER, CardType.INSERVICE),
        unit="%",
    )
    providers.register(
        "learning.branch_completion",
        branch_completion,
        label=gettext_lazy("Assigned courses completed by members"),
        card_types=(CardType.BRANCH,),
        unit="%",
    )
