"""Reads of deliberation through ``restrict``: meetings, matters, the compliance calendar and the figures.

Each read costs a constant number of queries whatever the scope (lists annotate; the calendar and the figures read
their rows once and group them in Python)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from linli.areas.models import Level, Place
from linli.core import dates
from linli.core.paths import any_subtree_q, path_at, subtree_q
from linli.core.permissions import Action, bindings_for, restrict, role_may

from . import calendar as cal
from .models import (
    AgendaItem,
    Kind,
    Matter,
    MatterState,
    Meeting,
    MeetingPhoto,
    MeetingState,
    Outcome,
    Participant,
    Rhythm,
    Seat,
)
from .models.base import COMPOUND_PATH_LENGTH
from .models.matter import OPEN_STATES
from .models.meeting import INTERVALS, TRIPARTITE_SEATS


def tripartite_months() -> int:
    """The default rhythm of 三方议事 (``LINLI_DELIBERATION_TRIPARTITE_MONTHS``); a value that does not divide the
    year into the allowed periods counts as monthly."""
    value = getattr(settings, "LINLI_DELIBERATION_TRIPARTITE_MONTHS", 1)
    return value if value in INTERVALS else 1


# -- meetings ---------------------------------------------------------------------------------------------------


def meetings(
    user,
    *,
    action: str = Action.VIEW,
    under: str | None = None,
    kind: str = "",
    state: str = "",
    q: str = "",
) -> QuerySet:
    qs = restrict(Meeting.objects.all(), user, action).select_related("compound__parent")
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(compound__name__icontains=q))
    return qs.annotate(n_items=Count("items", distinct=True), n_seats=Count("seats", distinct=True)).order_by(
        "-scheduled_on", "-pk"
    )


def meeting_for(user, pk, action: str = Action.VIEW) -> Meeting:
    return get_object_or_404(restrict(Meeting.objects.select_related("compound__parent"), user, action), pk=pk)


def seats_of(user, meeting: Meeting) -> QuerySet:
    return restrict(Participant.objects.filter(meeting=meeting), user).order_by("seat", "pk")


def items_of(user, meeting: Meeting) -> QuerySet:
    return (
        restrict(AgendaItem.objects.filter(meeting=meeting), user).select_related("matter").order_by("position", "pk")
    )


def photos_of(user, meeting: Meeting) -> QuerySet:
    return restrict(MeetingPhoto.objects.filter(meeting=meeting), user)


def photo_for(user, pk) -> MeetingPhoto:
    return get_object_or_404(restrict(MeetingPhoto.objects.all(), user), pk=pk)


def missing_seats(seats) -> list[str]:
    """The seats of a 三方议事 nobody present filled (party organisation, property company, owners' committee)."""
    present = {p.seat for p in seats if p.present}
    return [s for s in TRIPARTITE_SEATS if s not in present]


@dataclass
class Suggestion:
    seat: str
    name: str
    party_org: object = None
    organisation: object = None
    committee: object = None

    @property
    def seat_label(self) -> str:
        return str(Seat(self.seat).label)


def suggested_seats(compound: Place) -> list[Suggestion]:
    """Who usually sits in a 三方议事 of ``compound``: the compound's party branch (or the community's), the
    property company managing it, the chair of its owners' committee — read through those domains' selectors."""
    from linli.orgs.selectors import property_companies_of
    from linli.owners.selectors import committee_of_compound, members_in_office
    from linli.party.selectors import branches_under

    out = []
    branch = branches_under(compound.path).first() or branches_under(path_at(compound.path, 3)).first()
    if branch is not None:
        out.append(Suggestion(Seat.PARTY, branch.name[:50], party_org=branch))
    company = property_companies_of(compound).first()
    if company is not None:
        out.append(Suggestion(Seat.PROPERTY, company.name[:50], organisation=company))
    committee = committee_of_compound(compound)
    if committee is not None:
        chair = members_in_office(committee.pk).select_related("resident").order_by("position", "since").first()
        name = chair.resident.name if chair else committee.name
        out.append(Suggestion(Seat.COMMITTEE, name[:50], committee=committee))
    return out


# -- matters ----------------------------------------------------------------------------------------------------


def matters(
    user,
    *,
    action: str = Action.VIEW,
    under: str | None = None,
    state: str = "",
    compound: Place | None = None,
    q: str = "",
) -> QuerySet:
    qs = restrict(Matter.objects.all(), user, action).select_related("compound__parent", "case", "decision")
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    if compound is not None:
        qs = qs.filter(compound=compound)
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(compound__name__icontains=q))
    return qs.order_by("-raised_on", "-pk")


def matter_for(user, pk, action: str = Action.VIEW) -> Matter:
    return get_object_or_404(
        restrict(Matter.objects.select_related("compound__parent", "place", "case", "from_case"), user, action), pk=pk
    )


def matter_items(user, matter: Matter) -> QuerySet:
    """The agenda items (with their meetings) where ``matter`` was discussed."""
    return (
        restrict(AgendaItem.objects.filter(matter=matter), user)
        .select_related("meeting")
        .order_by("meeting__scheduled_on", "pk")
    )


def matter_of_case(case_id: int) -> Matter | None:
    """The matter a work order was handed from or raised from (unscoped: the caller shows the case already)."""
    return Matter.objects.filter(Q(case_id=case_id) | Q(from_case_id=case_id)).first()


# -- the compliance calendar ------------------------------------------------------------------------------------


@dataclass
class CalendarRow:
    compound: Place
    kind: str
    interval: int
    cells: list = field(default_factory=list)
    set_up: bool = False  # a rhythm or a meeting of this kind recorded for the compound

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    def count(self, state: str) -> int:
        return sum(1 for c in self.cells if c.state == state)

    @property
    def n_done(self) -> int:
        return self.count(cal.DONE)

    @property
    def n_late(self) -> int:
        return self.count(cal.LATE)

    @property
    def n_missing(self) -> int:
        return self.count(cal.MISSING)


def compounds(user, *, under: str | None = None) -> QuerySet:
    """The active compounds whose meetings ``user`` may see (the Meeting grants and bindings, not the place
    tree's: department staff see places across their area but no deliberation)."""
    qs = Place.objects.filter(level=Level.COMPOUND, is_active=True).select_related("parent")
    if not (getattr(user, "is_superuser", False) and user.is_active):
        prefixes, exact = [], []
        for b in bindings_for(user):
            if not role_may(b.role, Meeting, Action.VIEW):
                continue
            for p in Meeting.coverage_prefixes(b):
                (exact if len(p) > COMPOUND_PATH_LENGTH else prefixes).append(p[:COMPOUND_PATH_LENGTH])
        where = any_subtree_q("path", prefixes)
        if exact:
            where = Q(path__in=exact) if where is None else where | Q(path__in=exact)
        if where is None:
            return qs.none()
        qs = qs.filter(where)
    if under:
        qs = qs.filter(subtree_q("path", under))
    return qs.order_by("path")


def calendar(user, *, year: int, under: str | None = None, today: dt.date | None = None) -> list[CalendarRow]:
    """Every compound in scope × every kind with a rhythm (三方议事 always: the default rhythm), as done / late /
    missing / due / upcoming per period of ``year``. Five queries."""
    today = today or dates.today()
    places = list(compounds(user, under=under))
    ids = [p.pk for p in places]
    rhythms = {(r.compound_id, r.kind): r for r in restrict(Rhythm.objects.filter(compound_id__in=ids), user)}
    held = (
        restrict(Meeting.objects.filter(compound_id__in=ids, state=MeetingState.HELD), user)
        .filter(scheduled_on__year=year)
        .annotate(
            n_present=Count(
                "seats__seat", filter=Q(seats__present=True, seats__seat__in=TRIPARTITE_SEATS), distinct=True
            )
        )
        .values_list("pk", "compound_id", "kind", "scheduled_on", "held_on", "n_present")
    )
    known = set(
        restrict(Meeting.objects.filter(compound_id__in=ids), user).values_list("compound_id", "kind").distinct()
    )
    records: dict[tuple, list] = {}
    for pk, compound_id, kind, scheduled_on, held_on, n_present in held:
        complete = kind != Kind.TRIPARTITE or n_present == len(TRIPARTITE_SEATS)
        records.setdefault((compound_id, kind), []).append(cal.Held(pk, scheduled_on, held_on, complete))
    rows = []
    for place in places:
        for kind in Kind.values:
            rhythm = rhythms.get((place.pk, kind))
            if rhythm is not None and not rhythm.is_active:
                continue
            if rhythm is None and kind != Kind.TRIPARTITE:
                continue
            interval = rhythm.interval_months if rhythm else tripartite_months()
            cells = cal.cells(year, interval, records.get((place.pk, kind), []), today)
            set_up = rhythm is not None or (place.pk, kind) in known
            rows.append(CalendarRow(place, kind, interval, cells, set_up))
    return rows


def due_now(user, *, today: dt.date | None = None) -> list[CalendarRow]:
    """The calendar rows whose current period is still due (no meeting held for it yet), of compounds where
    deliberation is set up (a rhythm or a meeting of the kind recorded): the workbench asks for the next meeting
    there; the calendar page shows every compound, set up or not."""
    today = today or dates.today()
    out = []
    for row in calendar(user, year=today.year, today=today):
        if row.set_up and any(c.state == cal.DUE for c in row.cells):
            out.append(row)
    return out


# -- figures ----------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    place: Place | None
    raised: int = 0
    solved: int = 0
    open: int = 0
    declined: int = 0
    by_meeting: int = 0
    by_workorder: int = 0
    days: list = field(default_factory=list)

    @property
    def median_days(self):
        return statistics.median(self.days) if self.days else None

    def share(self, n: int):
        """Percentage of the solved matters, as an integer (no floats shown)."""
        return round(100 * n / self.solved) if self.solved else None

    @property
    def share_meeting(self):
        return self.share(self.by_meeting)

    @property
    def share_workorder(self):
        return self.share(self.by_workorder)

    def add(self, state: str, outcome: str, days: int | None) -> None:
        self.raised += 1
        if state == MatterState.SOLVED:
            self.solved += 1
            self.by_meeting += outcome in (Outcome.MEETING, Outcome.VOTE)  # a vote prepared in deliberation
            self.by_workorder += outcome == Outcome.WORKORDER
            if days is not None:
                self.days.append(days)
        elif state == MatterState.DECLINED:
            self.declined += 1
        else:
            self.open += 1


def figures(user, *, year: int | None = None, under: str | None = None) -> tuple[Figures, list, list]:
    """(total, per community, per compound) of the matters raised in ``year`` (all years when None): raised,
    solved, open, declined, median days to solution, share solved through deliberation vs work orders. Two
    queries."""
    qs = matters(user, under=under)
    if year:
        qs = qs.filter(raised_on__year=year)
    rows = qs.values_list("compound_id", "state", "outcome", "raised_on", "closed_on").order_by()
    compound_ids = set()
    data = []
    for compound_id, state, outcome, raised_on, closed_on in rows:
        compound_ids.add(compound_id)
        data.append((compound_id, state, outcome, (closed_on - raised_on).days if closed_on else None))
    places = {p.pk: p for p in Place.objects.filter(pk__in=compound_ids).select_related("parent")}
    total = Figures(None)
    per_compound: dict[int, Figures] = {}
    per_community: dict[int, Figures] = {}
    for compound_id, state, outcome, days in data:
        place = places[compound_id]
        total.add(state, outcome, days)
        per_compound.setdefault(compound_id, Figures(place)).add(state, outcome, days)
        per_community.setdefault(place.parent_id, Figures(place.parent)).add(state, outcome, days)
    order = lambda f: f.place.path  # noqa: E731
    return total, sorted(per_community.values(), key=order), sorted(per_compound.values(), key=order)
