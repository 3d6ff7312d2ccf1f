"""Work-order statistics per department, community and category, computed from the cases themselves.

Rates (domain rules §4; the 12345 practice):
* volume — cases created in the period (merged duplicates not counted);
* on-time signing — of the cases signed for or already past their sign deadline unsigned, the share signed
  before the deadline (an open case waiting past its deadline is late already: it counts against the rate);
* on-time completion — of the cases completed or still open past their handling deadline, the share completed
  before the deadline (likewise);
* resolution — of the cases not withdrawn, the share completed (办结, evaluated or archived);
* satisfaction — of the cases with a verdict, the share whose verdict counts as satisfied (满意 + 基本满意);
* reopen — of the cases completed, the share sent back at least once (发回重办);
* mean handling time — working days from dispatch to completion, on the statutory calendar.

Everything is read through ``restrict`` (the viewer's scope) and computed with one aggregate query per grouping
plus one query for handling times; rates are exact ``Fraction``s until they are shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, F, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core.permissions import restrict
from linli.core.workdays import calendar_exceptions
from linli.orgs.models import Organisation

from .models import Case, Category, State

DONE_STATES = (State.COMPLETED, State.EVALUATED, State.ARCHIVED)
HANDLING_STATES = (State.DISPATCHED, State.SIGNED, State.HANDLING)
GROUPINGS = ("department", "community", "category")


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
    judged: int = 0
    satisfied: int = 0
    reopened: int = 0
    handling_days: list[int] = field(default_factory=list)

    @staticmethod
    def _rate(num: int, den: int) -> Fraction | None:
        return Fraction(num, den) if den else None

    @property
    def sign_rate(self):
        return self._rate(self.signed_on_time, self.signed + self.sign_late_open)

    @property
    def completion_rate(self):
        return self._rate(self.completed_on_time, self.completed + self.handle_late_open)

    @property
    def resolution_rate(self):
        return self._rate(self.completed, self.not_withdrawn)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.judged)

    @property
    def reopen_rate(self):
        return self._rate(self.reopened, self.completed)

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
    """Working days between two moments, with the calendar rows loaded once for the whole table."""

    def __init__(self, first: dt.date, last: dt.date):
        self.overrides = calendar_exceptions(first, last)  # rows, and computed holidays of provisional years

    def between(self, a: dt.datetime, b: dt.datetime) -> int:
        da, db = timezone.localtime(a).date(), timezone.localtime(b).date()
        count, day = 0, da
        while day < db:
            day += dt.timedelta(days=1)
            if self.overrides.get(day, day.weekday() < 5):
                count += 1
        return count


def table(user, grouping: str, *, now=None, **filters) -> list[Row]:
    if grouping not in GROUPINGS:
        raise ValueError(grouping)
    now = now or timezone.now()
    qs = base_queryset(user, **filters).annotate(k=_group_expr(grouping))
    agg = qs.values("k").annotate(
        volume=Count("pk"),
        signed=Count("pk", filter=Q(signed_at__isnull=False)),
        signed_on_time=Count("pk", filter=Q(signed_at__isnull=False, sign_overdue=False)),
        sign_late_open=Count("pk", filter=Q(state=State.DISPATCHED, signed_at__isnull=True, sign_due__lt=now)),
        handle_late_open=Count("pk", filter=Q(state__in=HANDLING_STATES, handle_due__lt=now)),
        completed=Count("pk", filter=Q(completed_at__isnull=False, state__in=DONE_STATES)),
        completed_on_time=Count("pk", filter=Q(completed_at__isnull=False, state__in=DONE_STATES,
                                               handle_overdue=False)),
        not_withdrawn=Count("pk", filter=~Q(state=State.CANCELLED)),
        judged=Count("pk", filter=Q(verdict__isnull=False, state__in=(State.EVALUATED, State.ARCHIVED))),
        satisfied=Count("pk", filter=Q(verdict__counts_as_satisfied=True, state__in=(State.EVALUATED,
                                                                                      State.ARCHIVED))),
        reopened=Count("pk", filter=Q(reopen_count__gt=0, completed_at__isnull=False, state__in=DONE_STATES)),
    ).order_by()
    rows = {r["k"]: Row(key=r["k"], label="", **{k: v for k, v in r.items() if k != "k"}) for r in agg}
    labels = _labels(grouping, list(rows))
    for key, row in rows.items():
        row.label = labels.get(key, str(key))
    # Handling times: dispatch → completion, in working days.
    spans = list(qs.filter(state__in=DONE_STATES, dispatched_at__isnull=False, completed_at__isnull=False)
                 .values_list("k", "dispatched_at", "completed_at"))
    if spans:
        first = min(timezone.localtime(s[1]).date() for s in spans)
        last = max(timezone.localtime(s[2]).date() for s in spans)
        counter = WorkdayCounter(first, last)
        for key, start, end in spans:
            if key in rows:
                rows[key].handling_days.append(counter.between(start, end))
    return sorted(rows.values(), key=lambda r: (-r.volume, r.label))


def totals(rows: list[Row]) -> Row:
    total = Row(key=None, label=_("Total"))
    for row in rows:
        for name in ("volume", "signed", "signed_on_time", "sign_late_open", "completed", "completed_on_time",
                     "handle_late_open", "not_withdrawn", "judged", "satisfied", "reopened"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.handling_days.extend(row.handling_days)
    return total


COLUMNS = [
    ("label", lambda r: r.label),
    ("volume", lambda r: r.volume),
    ("sign_rate", lambda r: percent(r.sign_rate)),
    ("completion_rate", lambda r: percent(r.completion_rate)),
    ("resolution_rate", lambda r: percent(r.resolution_rate)),
    ("satisfaction_rate", lambda r: percent(r.satisfaction_rate)),
    ("reopen_rate", lambda r: percent(r.reopen_rate)),
    ("mean_days", lambda r: days(r.mean_handling_days)),
]


def column_labels() -> list[str]:
    return [_("Name"), _("Volume"), _("On-time signing"), _("On-time completion"), _("Resolution rate"),
            _("Satisfaction"), _("Reopen rate"), _("Mean handling time (working days)")]


def grouping_labels() -> dict[str, str]:
    return {"department": _("By department"), "community": _("By community"), "category": _("By category")}


def export_xlsx(user, **filters):
    """An xlsx workbook (one sheet per grouping), signed with the exporter and time, audited."""
    import io

    from openpyxl import Workbook

    from linli.core import audit

    wb = Workbook(write_only=True)
    name = getattr(user, "display_name", "") or user.get_username()
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    period = f"{filters.get('start') or '…'} — {filters.get('end') or '…'}"
    for grouping, title in grouping_labels().items():
        ws = wb.create_sheet(title=title[:31])
        ws.append([_("Exported by %(name)s at %(when)s; period %(period)s") % {"name": name, "when": when,
                                                                             "period": period}])
        ws.append(column_labels())
        rows = table(user, grouping, **filters)
        for row in [*rows, totals(rows)]:
            ws.append([fn(row) for _key, fn in COLUMNS])
    wb.properties.creator = name
    handle = io.BytesIO()  # a few hundred rows at most: one per department, community or category
    wb.save(handle)
    handle.seek(0)
    audit.record(actor=user, action="export", object_type="workorders.stats", object_repr=_("Work-order statistics"),
                 note=f"period {period}; under {filters.get('under') or '-'}")
    return handle
