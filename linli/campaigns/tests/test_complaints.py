"""The property complaint rate: which work orders count, per 1,000 households a month, year on year per compound
and street; the workbench figure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.campaigns import complaints, figures
from linli.core.testing import count_queries
from linli.workorders import services as wo
from linli.workorders.models import Case

pytestmark = pytest.mark.django_db


def report(tree, *, category="property-service", when, case_type="complaint", source="hotline", place=None):
    case = wo.case_create(
        actor=tree.users["dispatcher"],
        category=category,
        title="物业不作为",
        description="楼道垃圾无人清理",
        place=place or tree.building_a1,
        case_type=case_type,
        source=source,
        reporter_name="张三",
    )
    at = timezone.make_aware(dt.datetime.combine(when, dt.time(10)))
    Case.objects.filter(pk=case.pk).update(created_at=at)
    return case


def test_rate_per_thousand_households_and_year_on_year(tree):
    month = dt.date(2026, 3, 1)
    for _ in range(3):
        report(tree, when=dt.date(2025, 3, 10))  # a year earlier: three
    report(tree, when=dt.date(2026, 3, 5))
    report(tree, when=dt.date(2026, 3, 6), category="elevator")  # a child? no: elevator is itself property-first
    report(tree, when=dt.date(2026, 3, 7), category="noise")  # not a property category
    report(tree, when=dt.date(2026, 3, 8), source="campaign", case_type="report")  # found by a campaign
    report(tree, when=dt.date(2026, 3, 9), case_type="praise")  # praise is no complaint
    report(tree, when=dt.date(2026, 4, 1))  # next month
    rows, streets, _total = complaints.rates(tree.users["district_admin"], last_month=month)
    row = next(r for r in rows if r.place == tree.compound_a1)
    # 怡心花园 has no registered household: its one residential house is counted (marked)
    assert row.houses_counted and row.households == 1
    assert (row.complaints, row.complaints_before) == (2, 3)
    assert str(row.rate) == "2000.00" and str(row.change) == "-33.3"
    street = next(s for s in streets if s.place == tree.street_a)
    assert street.complaints == 2 and street.households == 2
    twelve = complaints.rates(tree.users["district_admin"], last_month=month, months=12)[2]
    assert twelve.complaints == 2 and twelve.complaints_before == 3 and twelve.months == 12


def test_households_from_the_data_centre_and_scope(tree):
    from linli.registry.models import Household

    Household.objects.create(number="H1", house=tree.house_a1, scope_path=tree.house_a1.path)
    Household.objects.create(number="H2", house=tree.house_a1, scope_path=tree.house_a1.path)
    report(tree, when=dt.date(2026, 3, 5))
    rows, _streets, _total = complaints.rates(tree.users["secretary_a1"], last_month=dt.date(2026, 3, 1))
    assert [r.place for r in rows] == [tree.compound_a1]  # the secretary's community only
    assert rows[0].households == 2 and not rows[0].houses_counted and str(rows[0].rate) == "500.00"
    assert rows[0].change is None  # nothing a year earlier


def test_query_count_does_not_grow_with_the_data(tree):
    report(tree, when=dt.date(2026, 3, 1), place=tree.building_a2)
    complaints.rates(tree.users["district_admin"], last_month=dt.date(2026, 3, 1), months=12)  # bindings loaded
    with count_queries() as small:
        complaints.rates(tree.users["district_admin"], last_month=dt.date(2026, 3, 1), months=12)
    for day in range(1, 20):
        report(tree, when=dt.date(2026, 3, day), place=tree.building_a2)
    with count_queries() as big:
        complaints.rates(tree.users["district_admin"], last_month=dt.date(2026, 3, 1), months=12)
    assert big.count == small.count


def test_workbench_figures(tree):
    assert figures.collect(tree.users["resident_a1"]) == []
    keys = [fig.key for fig in figures.collect(tree.users["street_a"])]
    assert keys == ["campaigns_running", "campaigns_complaint_rate"]
