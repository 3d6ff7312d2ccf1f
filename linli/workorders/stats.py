"""Work-order statistics per department, community and category: the one place where each figure is defined.

Every figure is over the cases created in the period, in the viewer's scope (``restrict``), merged duplicates
left out. Rates are exact ``Fraction``s until they are shown (one decimal). The definitions follow 12345 practice
(domain rules §4) and are printed on the statistics page (指标说明, ``definitions()``) and in
docs/domains/workorders.md:

* 受理量 volume — the cases.
* 响应率 sign_rate — signed for (签收) within the sign limit, of the cases signed for plus those still waiting past
  the limit (an open case waiting past its deadline is late already). A case signed late in any round counts late.
* 按时办结率 completion_rate — completed (办结) within the handling deadline, of the cases completed plus those still
  being handled past it. After 发回重办 the deadline is the new round's (counted from the reopen).
* 办结率 closure_rate — completed (办结, evaluated or archived), of the cases not withdrawn.
* 解决率 resolution_rate — of the cases with a final verdict (回访), the share whose final verdict counts as
  satisfied: the problem was solved in the resident's judgement, after any re-doing.
* 满意率 satisfaction_rate — of ALL verdicts given, the share that counts as satisfied (满意 + 基本满意 by default).
  A case evaluated twice contributes both verdicts: the 不满意 that sent it back (发回重办) stays in the base.
  Every reopen is one verdict that does not count as satisfied (a reopening level cannot, services.config), so the
  verdicts are the final ones plus ``reopen_count``.
* 重办率 reopen_rate — sent back at least once, of the cases completed at least once.
* 平均办理时长 mean_handling_days — in working days, to the hour: for each completed case, the time from each
  dispatch (派单) or reopen (发回重办) to the completion that ends that round, counting only the hours of working
  days on the statutory calendar (a working day is 24 hours of a day that is a working day), summed over the
  rounds; the mean over completed cases. The wait for the resident's verdict between rounds is not counted.

Queries: one aggregate per table, one for the completed cases' group keys and one for their timeline (dispatch,
reopen, return, complete events), one for the calendar — the same however many cases there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core.permissions import restrict
from linli.core.workdays import calendar_exceptions
from linli.orgs.models import Organisation

from .models import Case, CaseEvent, Category, State, handle_late_q, sign_late_q

DONE_STATES = (State.COMPLETED, State.EVALUATED, State.ARCHIVED)
JUDGED_STATES = (State.EVALUATED, State.ARCHIVED)
GROUPINGS = ("department", "community", "category")
COUNTERS = (
    "volume",
    "signed",
    "signed_on_time",
    "sign_late_open",
    "completed",
    "completed_on_time",
    "handle_late_open",
    "not_withdrawn",
    "final_judged",
    "final_satisfied",
    "reopen_verdicts",
    "ever_completed",
    "reopened",
)


@dataclass
class Row:
    key: object
    label: str
    volume: int = 0
    signed: int = 0
    signed_on_time: int = 0
    sign_late_open: int = 0  # still waiting to be signed for, past the sign deadline
    completed: int = 0
    completed_on_time: int = 0
    handle_late_open: int = 0  # still being handled, past the handling deadline
    not_withdrawn: int = 0
    final_judged: int = 0  # cases with a final verdict
    final_satisfied: int = 0  # … that counts as satisfied
    reopen_verdicts: int = 0  # verdicts that sent a case back (each counts as not satisfied)
    ever_completed: int = 0  # completed at least once (done now, or sent back after a completion)
    reopened: int = 0  # sent back at least once
    handling_days: list[Fraction] = field(default_factory=list)

    @staticmethod
    def _rate(num: int, den: int) -> Fraction | None:
        return Fraction(num, den) if den else None

    @property
    def judged(self) -> int:
        """Every verdict given: the final ones and those that sent a case back."""
        return self.final_judged + self.reopen_verdicts

    @property
    def satisfied(self) -> int:
        return self.final_satisfied

    @property
    def sign_rate(self):
        return self._rate(self.signed_on_time, self.signed + self.sign_late_open)

    @property
    def completion_rate(self):
        return self._rate(self.completed_on_time, self.completed + self.handle_late_open)

    @property
    def closure_rate(self):
        return self._rate(self.completed, self.not_withdrawn)

    @property
    def resolution_rate(self):
        return self._rate(self.final_satisfied, self.final_judged)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.judged)

    @property
    def reopen_rate(self):
        return self._rate(self.reopened, self.ever_completed)

    @property
    def mean_handling_days(self) -> Fraction | None:
        return Fraction(sum(self.handling_days), len(self.handling_days)) if self.handling_days else None


def percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def days(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def period_bounds(start: dt.date | None, end: dt.date | None):
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz) if start else None
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz) if end else None
    return lo, hi


def base_queryset(user, *, start: dt.date | None = None, end: dt.date | None = None, under: str | None = None):
    qs = restrict(Case.objects.all(), user).exclude(state=State.MERGED)
    lo, hi = period_bounds(start, end)
    if lo:
        qs = qs.filter(created_at__gte=lo)
    if hi:
        qs = qs.filter(created_at__lt=hi)
    if under:
        qs = qs.filter(scope_path__gte=under, scope_path__lt=under + ":")
    return qs


def _group_expr(grouping: str):
    if grouping == "department":
        return F("lead_org_id")
    if grouping == "community":
        return Substr("scope_path", 1, 12)
    if grouping == "category":
        return F("category_id")
    raise ValueError(grouping)


def _labels(grouping: str, keys: list) -> dict:
    keys = [k for k in keys if k is not None]
    if grouping == "department":
        found = dict(Organisation.objects.filter(pk__in=keys).values_list("pk", "name"))
        found[None] = _("The community itself")
        return found
    if grouping == "community":
        return dict(Place.objects.filter(path__in=keys).values_list("path", "name"))
    return {c.pk: str(c) for c in Category.objects.filter(pk__in=keys).select_related("parent")}


class WorkdayCounter:
    """Working time between two moments on the statutory calendar, with its rows loaded once for the whole table
    (``core.workdays`` answers one date at a time; this reads the same ``CalendarDay`` rows with the same rule)."""

    DAY = dt.timedelta(days=1)

    def __init__(self, first: dt.date, last: dt.date):
        self.overrides = calendar_exceptions(first, last)  # rows, and computed holidays of provisional years

    def is_workday(self, day: dt.date) -> bool:
        return self.overrides.get(day, day.weekday() < 5)

    def between(self, a: dt.datetime, b: dt.datetime) -> Fraction:
        """Working days from ``a`` to ``b``, exact: the part of each local day that lies in [a, b) and is a working
        day, in days (whole hours or not)."""
        a, b = timezone.localtime(a), timezone.localtime(b)
        if b <= a:
            return Fraction(0)
        total, day = dt.timedelta(0), a.date()
        while day <= b.date():
            if self.is_workday(day):
                lo = max(a, dt.datetime.combine(day, dt.time.min, tzinfo=a.tzinfo))
                hi = min(b, dt.datetime.combine(day + self.DAY, dt.time.min, tzinfo=a.tzinfo))
                if hi > lo:
                    total += hi - lo
            day += self.DAY
        return Fraction(int(total.total_seconds()), 86400)


def _handling_times(qs, rows: dict) -> None:
    """Per completed case, the working time of its handling rounds (dispatch or reopen → completion), summed."""
    done = dict(qs.filter(state__in=DONE_STATES, completed_at__isnull=False).values_list("pk", "k"))
    if not done:
        return
    timeline = list(
        CaseEvent.objects.filter(
            case_id__in=qs.filter(state__in=DONE_STATES).values("pk"),
            action__in=("dispatch", "reopen", "return_case", "complete"),
        )
        .order_by("case_id", "at", "pk")
        .values_list("case_id", "action", "at")
    )
    if not timeline:
        return
    first = min(timezone.localtime(e[2]).date() for e in timeline)
    last = max(timezone.localtime(e[2]).date() for e in timeline)
    counter = WorkdayCounter(first, last)
    spent: dict[int, Fraction] = defaultdict(Fraction)
    started: dict[int, dt.datetime] = {}
    for case_id, action, at in timeline:
        if action in ("dispatch", "reopen"):
            started[case_id] = at
        elif action == "return_case":  # 退单: that handler's round ends without a completion
            started.pop(case_id, None)
        elif case_id in started:
            spent[case_id] += counter.between(started.pop(case_id), at)
    for case_id, key in done.items():
        if case_id in spent and key in rows:
            rows[key].handling_days.append(spent[case_id])


def table(user, grouping: str, *, now=None, **filters) -> list[Row]:
    if grouping not in GROUPINGS:
        raise ValueError(grouping)
    now = now or timezone.now()
    qs = base_queryset(user, **filters).annotate(k=_group_expr(grouping))
    done = Q(completed_at__isnull=False, state__in=DONE_STATES)
    agg = (
        qs.values("k")
        .annotate(
            volume=Count("pk"),
            signed=Count("pk", filter=Q(signed_at__isnull=False)),
            signed_on_time=Count("pk", filter=Q(signed_at__isnull=False, sign_overdue=False)),
            sign_late_open=Count("pk", filter=sign_late_q(now) & Q(signed_at__isnull=True)),
            handle_late_open=Count("pk", filter=handle_late_q(now)),
            completed=Count("pk", filter=done),
            completed_on_time=Count("pk", filter=done & Q(handle_overdue=False)),
            not_withdrawn=Count("pk", filter=~Q(state=State.CANCELLED)),
            final_judged=Count("pk", filter=Q(verdict__isnull=False, state__in=JUDGED_STATES)),
            final_satisfied=Count("pk", filter=Q(verdict__counts_as_satisfied=True, state__in=JUDGED_STATES)),
            reopen_verdicts=Sum("reopen_count"),
            ever_completed=Count("pk", filter=done | Q(reopen_count__gt=0)),
            reopened=Count("pk", filter=Q(reopen_count__gt=0)),
        )
        .order_by()
    )
    rows = {r["k"]: Row(key=r["k"], label="", **{k: v or 0 for k, v in r.items() if k != "k"}) for r in agg}
    labels = _labels(grouping, list(rows))
    for key, row in rows.items():
        row.label = labels.get(key, str(key))
    _handling_times(qs, rows)
    return sorted(rows.values(), key=lambda r: (-r.volume, r.label))


def totals(rows: list[Row]) -> Row:
    total = Row(key=None, label=_("Total"))
    for row in rows:
        for name in COUNTERS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.handling_days.extend(row.handling_days)
    return total


COLUMNS = [
    ("label", lambda r: r.label),
    ("volume", lambda r: r.volume),
    ("sign_rate", lambda r: percent(r.sign_rate)),
    ("completion_rate", lambda r: percent(r.completion_rate)),
    ("closure_rate", lambda r: percent(r.closure_rate)),
    ("resolution_rate", lambda r: percent(r.resolution_rate)),
    ("satisfaction_rate", lambda r: percent(r.satisfaction_rate)),
    ("reopen_rate", lambda r: percent(r.reopen_rate)),
    ("mean_days", lambda r: days(r.mean_handling_days)),
]


def column_labels() -> list[str]:
    return [
        _("Name"),
        _("Volume"),
        _("Response rate"),
        _("On-time completion"),
        _("Completion rate"),
        _("Resolution rate"),
        _("Satisfaction"),
        _("Reopen rate"),
        _("Mean handling time (working days)"),
    ]


def definitions() -> list[tuple[str, str]]:
    """The 指标说明 block of the statistics page: each column and how it is computed (the docstring above)."""
    return [
        (_("Volume"), _("Cases created in the period, merged duplicates left out.")),
        (
            _("Response rate"),
            _(
                "Signed for within the sign limit, of the cases signed for plus those still waiting "
                "past the limit. A case signed late in any round counts as late."
            ),
        ),
        (
            _("On-time completion"),
            _(
                "Completed within the handling deadline, of the cases completed plus those "
                "still being handled past it. After 发回重办 a new deadline runs from the "
                "reopening."
            ),
        ),
        (_("Completion rate"), _("Completed (办结, evaluated or archived), of the cases not withdrawn.")),
        (
            _("Resolution rate"),
            _(
                "Of the cases with a final verdict, those whose final verdict counts as "
                "satisfied: solved in the resident's judgement, after any re-doing."
            ),
        ),
        (
            _("Satisfaction"),
            _(
                "Of all verdicts given, those that count as satisfied (满意 or 基本满意). A case "
                "evaluated twice counts twice: the verdict that sent it back stays in the base."
            ),
        ),
        (_("Reopen rate"), _("Sent back for re-doing at least once, of the cases completed at least once.")),
        (
            _("Mean handling time (working days)"),
            _(
                "From each dispatch or reopening to the completion that ends it, counting only the hours of working "
                "days on the statutory calendar (24 hours a working day), summed per case; the mean over completed "
                "cases. The wait for the resident's verdict is not counted."
            ),
        ),
    ]


def grouping_labels() -> dict[str, str]:
    return {"department": _("By department"), "community": _("By community"), "category": _("By category")}


def export_xlsx(user, **filters):
    """An xlsx workbook (one sheet per grouping), signed with the exporter and time, audited."""
    from linli.core import audit
    from linli.core.xlsx import Book

    name = getattr(user, "display_name", "") or user.get_username()
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    period = f"{filters.get('start') or '…'} — {filters.get('end') or '…'}"
    book = Book(creator=name)
    for grouping, title in grouping_labels().items():
        ws = book.sheet(title)
        ws.append(
            [_("Exported by %(name)s at %(when)s; period %(period)s") % {"name": name, "when": when, "period": period}]
        )
        ws.append(column_labels())
        rows = table(user, grouping, **filters)
        for row in [*rows, totals(rows)]:
            ws.append([fn(row) for _key, fn in COLUMNS])
    handle = book.save()
    audit.record(
        actor=user,
        action="export",
        object_type="workorders.stats",
        object_repr=_("Work-order statistics"),
        note=f"period {period}; under {filters.get('under') or '-'}",
    )
    return handle
