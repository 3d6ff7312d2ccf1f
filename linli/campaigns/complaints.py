"""The property complaint rate (物业投诉率): complaints about property per 1,000 households per month, per compound
and street, with the change on the same period a year earlier (the seeds' "12345 物业投诉下降 35.8 %").

Definitions (printed on the page and in docs/domains/campaigns.md):

* **Complaints about property** — work orders whose category is a property category (the work-order category tree
  marks them "property company first", ``Category.handled_by_property``, on the category or its parent: 物业管理,
  物业服务质量, 公共设施维修, 电梯 by default), of the types complaint, report and request for help, from the
  residents' channels (a resident's report, 12345, the counter, Open311, the assistant) — not what governments
  find themselves (campaign findings, grid patrols, IoT alarms). Merged duplicates and withdrawn cases left out.
  Counted in the month the case was received (Asia/Shanghai), at the compound its place lies in.
* **Households** — the data centre's active households (``registry.Household``) of the compound; a compound
  with none registered counts its residential houses instead (marked on the page). The households are today's
  for both years (there is no history of them), so the year-on-year change is the change in complaints.
* **Rate** — complaints × 1000 / households / months of the period; **year-on-year** — (rate − rate a year
  earlier) / rate a year earlier, one decimal; none when the year before had no complaint.

Reads go through ``restrict`` (the viewer's cases and places): three aggregate queries whatever the scope, plus
one for the property categories' ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from linli.areas.models import Place
from linli.core.paths import PATH_LENGTHS
from linli.core.permissions import restrict
from linli.registry.models import Household

COMPOUND = PATH_LENGTHS[4]
STREET = PATH_LENGTHS[2]
TYPES = ("complaint", "report", "help")
EXCLUDED_SOURCES = ("campaign", "patrol", "iot")
EXCLUDED_STATES = ("cancelled", "merged")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, n: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


@dataclass
class Rate:
    place: Place
    households: int = 0
    houses_counted: bool = False  # no households registered: residential houses counted instead
    complaints: int = 0
    complaints_before: int = 0
    months: int = 1

    def per_thousand(self, n: int) -> Decimal | None:
        if not self.households:
            return None
        value = Decimal(n) * 1000 / Decimal(self.households) / Decimal(self.months)
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def rate(self) -> Decimal | None:
        return self.per_thousand(self.complaints)

    @property
    def rate_before(self) -> Decimal | None:
        return self.per_thousand(self.complaints_before)

    @property
    def change(self) -> Decimal | None:
        """Year-on-year change in per cent (the households are the same both years, so of the counts)."""
        if not self.complaints_before or not self.households:
            return None
        value = Decimal(self.complaints - self.complaints_before) * 100 / Decimal(self.complaints_before)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def property_categories() -> list[int]:
    """The ids of the property categories (one small query: the category tree is reference data)."""
    from linli.workorders.models import Category

    return list(
        Category.objects.filter(Q(handled_by_property=True) | Q(parent__handled_by_property=True)).values_list(
            "pk", flat=True
        )
    )


def property_cases(user):
    from linli.workorders.models import Case

    return (
        restrict(Case.objects.all(), user)
        .filter(category_id__in=property_categories())
        .filter(case_type__in=TYPES)
        .exclude(source__in=EXCLUDED_SOURCES)
        .exclude(state__in=EXCLUDED_STATES)
    )


def period(last_month: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The ``months`` whole months ending with the month of ``last_month``: [first day, first day after)."""
    end = add_months(month_start(last_month), 1)
    return add_months(end, -months), end


def rates(user, *, last_month: dt.date, months: int = 1, under: Place | None = None) -> tuple[list, list, Rate]:
    """Per compound, per street and in total for the period and the same period a year earlier."""
    start, end = period(last_month, months)
    compounds = restrict(Place.objects.filter(level=4, is_active=True), user).select_related("parent")
    if under is not None:
        compounds = compounds.filter(path__startswith=under.path)
    rows = {c.path: Rate(place=c, months=months) for c in compounds}
    if not rows:
        return [], [], Rate(place=under, months=months)
    households = (
        Household.objects.filter(is_active=True, scope_path__gte=min(rows), scope_path__lt=max(rows) + ":")
        .annotate(compound=Substr("scope_path", 1, COMPOUND))
        .values("compound")
        .annotate(n=Count("pk"))
    )
    for h in households:
        if h["compound"] in rows:
            rows[h["compound"]].households = h["n"]
    bare = [p for p, r in rows.items() if not r.households]
    if bare:
        houses = (
            Place.objects.filter(level=7, is_active=True, path__gte=min(bare), path__lt=max(bare) + ":")
            .annotate(compound=Substr("path", 1, COMPOUND))
            .values("compound")
            .annotate(n=Count("pk"))
        )
        for h in houses:
            if h["compound"] in bare:
                rows[h["compound"]].households, rows[h["compound"]].houses_counted = h["n"], True
    year_ago = (add_months(start, -12), add_months(end, -12))
    counted = (
        property_cases(user)
        .filter(created_at__gte=aware(year_ago[0]), created_at__lt=aware(end))
        .annotate(compound=Substr("scope_path", 1, COMPOUND))
        .values("compound")
        .annotate(
            now=Count("pk", filter=Q(created_at__gte=aware(start))),
            before=Count("pk", filter=Q(created_at__lt=aware(year_ago[1]))),
        )
    )
    for c in counted:
        row = rows.get(c["compound"])
        if row is not None:
            row.complaints, row.complaints_before = c["now"], c["before"]
    by_compound = sorted(rows.values(), key=lambda r: r.place.path)
    streets = {p.path: Rate(place=p, months=months) for p in Place.objects.filter(path__in={r[:STREET] for r in rows})}
    total = Rate(place=under, months=months)
    for r in by_compound:
        for agg in (streets.get(r.place.path[:STREET]), total):
            if agg is not None:
                agg.households += r.households
                agg.complaints += r.complaints
                agg.complaints_before += r.complaints_before
    return by_compound, sorted(streets.values(), key=lambda r: r.place.path), total
