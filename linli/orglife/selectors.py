"""Reads of organisational life — lists through ``restrict``; the compliance calendar and attendance rates
computed from the records (nothing is filed twice: 减负, domain rules §10).

``compliance(org, year)`` and ``attendance_rate(member, year)`` are the entry points the score cards use.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from linli.core import dates
from linli.core.paths import subtree_q
from linli.core.permissions import restrict

from . import periods
from .models import (
    Attendance,
    AttendanceStatus,
    EvalState,
    Evaluation,
    EvaluationEntry,
    Kind,
    Meeting,
    MeetingPhoto,
    Resolution,
    RhythmRule,
    Status,
    Talk,
)

CALENDAR_ORG_KINDS = ("branch", "general_branch", "group")
# A 支部委员会 has 3–5 (at most 7) members; a branch with fewer seats (under 7 full members it elects only a
# secretary) holds no 支委会, so the calendar does not ask for one.
MIN_COMMITTEE_SEATS = 3


# -- meetings -----------------------------------------------------------------------------------------------------


def meetings(user, *, org=None, kind: str = "", year: int | None = None, under: str | None = None) -> QuerySet:
    qs = restrict(Meeting.objects.select_related("org"), user)
    if org is not None:
        qs = qs.filter(org=org)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(held_on__year=year)
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    return qs.annotate(photo_count=Count("photos", distinct=True)).order_by("-held_on", "-pk")


def meeting_for(user, pk) -> Meeting:
    qs = restrict(Meeting.objects.select_related("org", "recorded_by"), user).prefetch_related(
        Prefetch(
            "attendance",
            queryset=Attendance.objects.select_related("member__resident").order_by("status", "member__resident__name"),
        ),
        Prefetch("photos", queryset=MeetingPhoto.objects.order_by("pk")),
        Prefetch("resolutions", queryset=Resolution.objects.order_by("pk")),
    )
    return get_object_or_404(qs, pk=pk)


def photo_for(user, pk) -> MeetingPhoto:
    return get_object_or_404(restrict(MeetingPhoto.objects.all(), user), pk=pk)


def _visible_orgs(user) -> QuerySet:
    """Party organisations the user sees: through ``restrict``, plus (resident logins) those where they hold a
    committee seat and those organisations' groups."""
    from linli.party.models import PartyOrg

    from .models import seat_org_ids

    seen = restrict(PartyOrg.objects.all(), user)
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return seen
    seats = seat_org_ids(user.pk)
    return PartyOrg.objects.filter(Q(pk__in=seen.values("pk")) | Q(pk__in=seats) | Q(parent__in=seats))


def party_orgs(user, *, under: str | None = None, kinds=CALENDAR_ORG_KINDS) -> QuerySet:
    qs = _visible_orgs(user).filter(kind__in=kinds)
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    return qs.order_by("scope_path", "pk")


def party_org_for(user, pk):
    return get_object_or_404(_visible_orgs(user), pk=pk)


# -- the compliance calendar ----------------------------------------------------------------------------------------


@dataclass
class Row:
    kind: str
    label: str
    period: str
    cells: list[periods.Cell]


@dataclass
class Compliance:
    org: object
    year: int
    today: dt.date
    rows: list[Row] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(periods.STATES, 0)
        for row in self.rows:
            for cell in row.cells:
                out[cell.state] += 1
        return out

    @property
    def required(self) -> int:
        c = self.counts
        return c[periods.DONE] + c[periods.OVERDUE] + c[periods.MISSING]

    @property
    def done_share(self) -> Fraction | None:
        """Done on time over periods already over or done (None before anything was due)."""
        return Fraction(self.counts[periods.DONE], self.required) if self.required else None

    def cell(self, kind: str, key: str) -> periods.Cell | None:
        for row in self.rows:
            if row.kind == kind:
                for c in row.cells:
                    if c.period.key == key:
                        return c
        return None

    def current(self) -> list[tuple[Row, periods.Cell]]:
        """Each item's cell for the period containing ``today`` (the reminder and the overview use it)."""
        out = []
        for row in self.rows:
            for c in row.cells:
                if c.period.contains(self.today):
                    out.append((row, c))
        return out


def rhythm_rules() -> dict[str, list[RhythmRule]]:
    """Active rules by organisation kind; the statutory defaults when nothing is configured at all."""
    from .defaults import DEFAULT_RHYTHM

    rules: dict[str, list[RhythmRule]] = defaultdict(list)
    rows = list(RhythmRule.objects.order_by("pk"))
    if not rows:
        rows = [RhythmRule(kind=k, org_kind=o, period=p) for k, o, p in DEFAULT_RHYTHM]
    for rule in rows:
        if rule.is_active:
            rules[rule.org_kind].append(rule)
    order = {k: i for i, k in enumerate(Kind.values)}
    for lst in rules.values():
        lst.sort(key=lambda r: order.get(r.kind, 99))
    return rules


def _held_records(org_ids: list[int], year: int) -> dict[tuple[int, str], list[periods.Held]]:
    """Everything that counts for ``year``: held meetings, rated evaluations, talks — three queries. A meeting held
    without its quorum is passed on as not quorate: it does not count (periods.state_of)."""
    out: dict[tuple[int, str], list[periods.Held]] = defaultdict(list)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for org_id, kind, held_on, counts_for, pk, quorate in Meeting.objects.filter(
        org_id__in=org_ids, status=Status.HELD, counts_for__range=(start, end)
    ).values_list("org_id", "kind", "held_on", "counts_for", "pk", "quorum_met"):
        out[(org_id, kind)].append(periods.Held(held_on, counts_for, pk, quorate))
    for org_id, rated_on, pk in Evaluation.objects.filter(
        org_id__in=org_ids, year=year, state=EvalState.RATED
    ).values_list("org_id", "rated_on", "pk"):
        # The evaluation of year Y is often rated early in Y+1: it is that year's, on time.
        day = min(rated_on or end, end)
        out[(org_id, Kind.EVALUATION)].append(periods.Held(day, day, pk))
    for org_id, held_on, pk in Talk.objects.filter(org_id__in=org_ids, held_on__range=(start, end)).values_list(
        "org_id", "held_on", "pk"
    ):
        out[(org_id, Kind.HEART_TALK)].append(periods.Held(held_on, held_on, pk))
    return out


def _seat_counts(org_ids: list[int]) -> dict[int, int]:
    from linli.party.models import CommitteeSeat

    return dict(
        CommitteeSeat.objects.filter(org_id__in=org_ids, is_active=True)
        .values_list("org_id")
        .annotate(n=Count("pk"))
        .values_list("org_id", "n")
    )


def compliance_many(orgs, year: int, today: dt.date | None = None) -> list[Compliance]:
    """The calendars of many organisations at a constant number of queries (five)."""
    today = today or dates.today()
    orgs = list(orgs)
    rules = rhythm_rules()
    records = _held_records([o.pk for o in orgs], year)
    seats = _seat_counts([o.pk for o in orgs])
    result = []
    for org in orgs:
        comp = Compliance(org=org, year=year, today=today)
        for rule in rules.get(org.kind, []):
            if rule.kind == Kind.COMMITTEE and seats.get(org.pk, 0) < MIN_COMMITTEE_SEATS:
                continue
            recs = records.get((org.pk, rule.kind), [])
            comp.rows.append(
                Row(
                    kind=rule.kind,
                    label=str(Kind(rule.kind).label),
                    period=rule.period,
                    cells=periods.cells(rule.period, year, recs, today, rule.times),
                )
            )
        result.append(comp)
    return result


def compliance(org, year: int, today: dt.date | None = None) -> Compliance:
    """One organisation's calendar for ``year``: every required item × period as due/done/overdue/missing/upcoming."""
    return compliance_many([org], year, today)[0]


# -- attendance rate ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRate:
    present: int
    absent: int
    leave: int

    @property
    def expected(self) -> int:
        """Meetings the member was expected at; excused leave (请假) is not held against them."""
        return self.present + self.absent

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.present, self.expected) if self.expected else None

    @property
    def percent(self) -> int | None:
        r = self.rate
        return None if r is None else round(r * 100)


def attendance_rate(member, year: int) -> AttendanceRate:
    """How often ``member`` attended the held meetings they were entitled to in ``year`` (one query)."""
    counts = dict(
        Attendance.objects.filter(member=member, meeting__status=Status.HELD, meeting__held_on__year=year)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return AttendanceRate(
        present=counts.get(AttendanceStatus.PRESENT, 0),
        absent=counts.get(AttendanceStatus.ABSENT, 0),
        leave=counts.get(AttendanceStatus.LEAVE, 0),
    )


def attendance_rates(member_ids, year: int) -> dict[int, AttendanceRate]:
    """``attendance_rate`` for many members in one query (score cards for a whole district)."""
    rows = (
        Attendance.objects.filter(
            member_id__in=list(member_ids), meeting__status=Status.HELD, meeting__held_on__year=year
        )
        .values("member_id")
        .annotate(
            p=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            a=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
            lv=Count("pk", filter=Q(status=AttendanceStatus.LEAVE)),
        )
    )
    out = {mid: AttendanceRate(0, 0, 0) for mid in member_ids}
    for r in rows:
        out[r["member_id"]] = AttendanceRate(r["p"], r["a"], r["lv"])
    return out


# -- evaluations and talks ------------------------------------------------------------------------------------------


def evaluations(user, *, org=None) -> QuerySet:
    qs = restrict(Evaluation.objects.select_related("org"), user)
    if org is not None:
        qs = qs.filter(org=org)
    return qs.annotate(member_count=Count("entries")).order_by("-year", "pk")


def evaluation_for(user, pk) -> Evaluation:
    return get_object_or_404(restrict(Evaluation.objects.select_related("org"), user), pk=pk)


def evaluation_entries(user, ev: Evaluation) -> QuerySet:
    """The entries of ``ev`` the user may read: all of them for the committee and staff, a member's own only."""
    return (
        restrict(EvaluationEntry.objects.filter(evaluation=ev), user)
        .select_related("member__resident")
        .order_by("member__resident__name", "pk")
    )


def talks(user, *, org=None) -> QuerySet:
    qs = restrict(Talk.objects.select_related("org", "member_a__resident", "member_b__resident"), user)
    if org is not None:
        qs = qs.filter(org=org)
    return qs.order_by("-held_on", "-pk")
