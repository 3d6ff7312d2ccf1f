"""Reads on pairings and visits through ``restrict``, and the visit-rule triggers (who is due a visit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from linli.core.permissions import Action, restrict
from linli.registry import selectors as registry_selectors
from linli.registry.models import HouseholdMember

from .models import CareEvent, Errand, Pairing, Visit, VisitNeed, VisitRule


def pairings(user, *, current_only: bool = True, action: str = Action.VIEW):
    qs = restrict(Pairing.objects.all(), user, action).select_related("resident", "partner_resident", "partner_org")
    if current_only:
        qs = qs.filter(until__isnull=True)
    return qs.order_by("-since", "-id")


def visits(user, *, resident=None, action: str = Action.VIEW):
    qs = restrict(Visit.objects.all(), user, action).select_related("resident", "visitor")
    if resident is not None:
        qs = qs.filter(resident=resident)
    return qs.order_by("-visited_on", "-id")


def needs(user, visit: Visit):
    return restrict(VisitNeed.objects.filter(visit=visit), user).select_related("wish")


def errands(user, *, action: str = Action.VIEW):
    return restrict(Errand.objects.all(), user, action).select_related("resident", "handled_by").order_by(
        "-handled_on", "-id")


def care_events(user):
    return restrict(CareEvent.objects.all(), user).select_related("resident").order_by("-occurred_on", "-id")


def rules():
    return VisitRule.objects.filter(is_active=True).order_by("name")


@dataclass
class Due:
    resident: object
    rule: VisitRule
    last_visit: dt.date | None
    due_on: dt.date
    overdue_days: int
    event: CareEvent | None = None


def _last_visit(resident_ref: str):
    return Subquery(Visit.objects.filter(resident_id=OuterRef(resident_ref)).order_by().values("resident_id")
                    .annotate(m=Max("visited_on")).values("m")[:1])


def due_visits(user, *, today: dt.date | None = None, within_days: int = 7) -> list[Due]:
    """Residents the visit rules say are due (or overdue) for a visit, for the places ``user`` may visit.

    * tag rules: a resident in the care group (current membership the user may see) not visited in ``days``;
    * event rules: a care event (住院, 丧事…) without a visit since to the resident or their household, due
      ``days`` after it happened.
    Lists what is overdue and what falls due within ``within_days``. A constant number of queries."""
    today = today or timezone.localdate()
    if not _may_visit(user):
        return []
    active = list(rules())
    out: list[Due] = []
    tag_rules = {r.tag_code: r for r in active if r.tag_code}
    if tag_rules:
        qs = (registry_selectors.assignments(user, current_only=True)
              .filter(tag__code__in=list(tag_rules), resident__is_active=True)
              .select_related("resident", "tag").annotate(last_visit=_last_visit("resident_id")))
        seen = set()
        for a in qs.order_by("resident_id"):
            rule = tag_rules[a.tag.code]
            since = a.last_visit or a.since
            due_on = since + dt.timedelta(days=rule.days)
            key = (a.resident_id, rule.pk)
            if key in seen or due_on > today + dt.timedelta(days=within_days):
                continue
            seen.add(key)
            out.append(Due(a.resident, rule, a.last_visit, due_on, max(0, (today - due_on).days)))
    event_rules = {r.event_kind: r for r in active if r.event_kind}
    if event_rules:
        # The household is what must be visited (a bereaved or hospitalised family): a visit on or after the
        # event to the resident or to anyone living in the same household now counts.
        household = Subquery(HouseholdMember.objects.filter(resident_id=OuterRef("resident_id"), until__isnull=True)
                             .values("household_id")[:1])
        housemates = HouseholdMember.objects.filter(household_id=OuterRef(OuterRef("household_id")),
                                                    until__isnull=True).values("resident_id")
        visited_since = Visit.objects.filter(Q(resident_id=OuterRef("resident_id")) | Q(resident_id__in=housemates),
                                             visited_on__gte=OuterRef("occurred_on"))
        qs = (restrict(CareEvent.objects.filter(kind__in=list(event_rules)), user)
              .annotate(household_id=household)
              .filter(~Exists(visited_since)).select_related("resident")
              .annotate(last_visit=_last_visit("resident_id")))
        for ev in qs:
            rule = event_rules[ev.kind]
            due_on = ev.occurred_on + dt.timedelta(days=rule.days)
            out.append(Due(ev.resident, rule, ev.last_visit, due_on, max(0, (today - due_on).days), ev))
    out.sort(key=lambda d: (d.due_on, d.resident.pk))
    return out


def _may_visit(user) -> bool:
    from linli.core.permissions import may_any

    return may_any(user, Visit, Action.ADD)


