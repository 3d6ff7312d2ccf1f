"""Reads on pairings and visits through ``restrict``, and the visit-rule triggers (who is due a visit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery

from linli.core import dates
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
    return (
        restrict(Errand.objects.all(), user, action)
        .select_related("resident", "handled_by")
        .order_by("-handled_on", "-id")
    )


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

    @property
    def building(self):
        """The resident's building (house → unit → building), or None for a record without a house."""
        home = self.resident.home if self.resident.home_id else None
        unit = home.parent if home is not None and home.parent_id else None
        return unit.parent if unit is not None and unit.parent_id else None

    @property
    def grid(self):
        building = self.building
        return building.grid if building is not None and building.grid_id else None


def _household():
    return Subquery(
        HouseholdMember.objects.filter(resident_id=OuterRef("resident_id"), until__isnull=True).values("household_id")[
            :1
        ]
    )


def _visits_to_household():
    """Visits to the resident or to anyone living in the same household now (one visit serves the household);
    the outer query must be annotated with ``household_id`` (``_household``)."""
    housemates = HouseholdMember.objects.filter(
        household_id=OuterRef(OuterRef("household_id")), until__isnull=True
    ).values("resident_id")
    return Visit.objects.filter(Q(resident_id=OuterRef("resident_id")) | Q(resident_id__in=housemates))


def _last_visit():
    return Subquery(_visits_to_household().order_by("-visited_on").values("visited_on")[:1])


HOME = ("resident__home__parent__parent__grid", "resident__home__parent__parent__parent")  # building, grid, compound


def _start(*days: dt.date | None) -> dt.date:
    return max(d for d in days if d is not None)


def due_visits(user, *, today: dt.date | None = None, within_days: int = 7) -> list[Due]:
    """Residents the visit rules say are due (or overdue) for a visit, for the places ``user`` may visit.

    * tag rules: a resident in the care group (current membership the user may see) not visited for ``days``.
      The clock starts at the latest of the rule taking effect (``starts_on``), the resident joining the group
      and the last visit to their household — never decades ago because a care group dates from a birthday;
    * event rules: a care event (住院, 丧事…) without a visit since to the resident or their household, due
      ``days`` after it happened.
    Lists what is overdue and what falls due within ``within_days``, most urgent first. A constant number of
    queries (the resident's building and grid come along, for grouping)."""
    today = today or dates.today()
    if not _may_visit(user):
        return []
    active = list(rules())
    out: list[Due] = []
    horizon = today + dt.timedelta(days=within_days)
    tag_rules = {r.tag_code: r for r in active if r.tag_code}
    if tag_rules:
        qs = (
            registry_selectors.assignments(user, current_only=True)
            .filter(tag__code__in=list(tag_rules), resident__is_active=True)
            .select_related(*HOME, "tag")
            .annotate(household_id=_household())
            .annotate(last_visit=_last_visit())
        )
        seen = set()
        for a in qs.order_by("resident_id"):
            rule = tag_rules[a.tag.code]
            due_on = _start(a.last_visit, a.since, rule.starts_on) + dt.timedelta(days=rule.days)
            key = (a.resident_id, rule.pk)
            if key in seen or due_on > horizon:
                continue
            seen.add(key)
            out.append(Due(a.resident, rule, a.last_visit, due_on, max(0, (today - due_on).days)))
    event_rules = {r.event_kind: r for r in active if r.event_kind}
    if event_rules:
        # The household is what must be visited (a bereaved or hospitalised family): a visit on or after the
        # event to the resident or to anyone living in the same household now counts.
        visited_since = _visits_to_household().filter(visited_on__gte=OuterRef("occurred_on"))
        qs = (
            restrict(CareEvent.objects.filter(kind__in=list(event_rules)), user)
            .annotate(household_id=_household())
            .filter(~Exists(visited_since))
            .select_related(*HOME)
            .annotate(last_visit=_last_visit())
        )
        for ev in qs:
            rule = event_rules[ev.kind]
            due_on = ev.occurred_on + dt.timedelta(days=rule.days)
            out.append(Due(ev.resident, rule, ev.last_visit, due_on, max(0, (today - due_on).days), ev))
    out.sort(key=lambda d: (d.due_on, d.resident.pk))
    return out


@dataclass
class DueGroup:
    """The entries of one building (and its grid) on a page of the worklist."""

    grid: object
    building: object
    items: list[Due]


def _group_key(d: Due) -> tuple[int, int]:
    building, grid = d.building, d.grid
    return (grid.pk if grid is not None else 0, building.pk if building is not None else 0)


def worklist(items: list[Due]) -> list[Due]:
    """The due list in the order a worker walks it: grids, then buildings within a grid, each by its most urgent
    entry (the grid and building with the longest-overdue resident first), then the entries by due date."""
    first_grid: dict = {}
    first_building: dict = {}
    for d in items:  # items come sorted by due date: a group's first entry is its most urgent
        grid, building = _group_key(d)
        first_grid.setdefault(grid, (d.due_on, d.resident.pk))
        first_building.setdefault((grid, building), (d.due_on, d.resident.pk))

    def key(d: Due):
        grid, building = _group_key(d)
        return (first_grid[grid], grid, first_building[(grid, building)], building, d.due_on, d.resident.pk)

    return sorted(items, key=key)


def grouped(page_items) -> list[DueGroup]:
    """One page of ``worklist`` entries, grouped by building (a building split across pages shows again)."""
    groups: list[DueGroup] = []
    for d in page_items:
        if not groups or _group_key(groups[-1].items[0]) != _group_key(d):
            groups.append(DueGroup(d.grid, d.building, []))
        groups[-1].items.append(d)
    return groups


def _may_visit(user) -> bool:
    from linli.core.permissions import may_any

    return may_any(user, Visit, Action.ADD)
