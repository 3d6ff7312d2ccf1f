"""A deadline in a year whose State Council holiday arrangement is not entered is marked provisional (#11 item 17)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.models import CalendarYear
from linli.workorders import services as wo
from linli.workorders.models import Case

pytestmark = pytest.mark.django_db
FAR = 2030  # a year no notice covers yet


def _dispatched_case_due_in(tree, year):
    case = wo.case_create(
        actor=tree.users["resident_a1"],
        place=tree.building_a1,
        case_type="complaint",
        category="illegal-building",
        title="楼顶违章搭建",
        description="3栋楼顶有人在搭彩钢棚",
    )
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    due = timezone.make_aware(dt.datetime(year, 1, 7, 23, 59))
    Case.objects.filter(pk=case.pk).update(handle_due=due)  # as if reported late in the year before
    return case


def test_case_page_and_api_flag_a_deadline_in_a_provisional_year(tree, client, token_for):
    CalendarYear.objects.filter(year=FAR).delete()
    case = _dispatched_case_due_in(tree, FAR)
    client.force_login(tree.users["secretary_a1"])
    page = client.get(reverse("workorders:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="due-provisional"' in page
    body = client.get(f"/api/v1/workorders/cases/{case.pk}", **token_for("secretary_a1")).json()
    assert body["handle_due_provisional"] is True

    CalendarYear.objects.create(year=FAR, source="test notice")
    page = client.get(reverse("workorders:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="due-provisional"' not in page
    body = client.get(f"/api/v1/workorders/cases/{case.pk}", **token_for("secretary_a1")).json()
    assert body["handle_due_provisional"] is False


def test_a_deadline_in_an_arranged_year_is_not_provisional(tree):
    case = _dispatched_case_due_in(tree, 2026)
    case.refresh_from_db()
    assert not case.handle_due_provisional


def test_statistics_count_working_days_with_the_computed_holidays():
    from linli.workorders.stats import WorkdayCounter

    CalendarYear.objects.filter(year=FAR).delete()
    counter = WorkdayCounter(dt.date(FAR - 1, 12, 30), dt.date(FAR, 1, 3))
    start = timezone.make_aware(dt.datetime(FAR - 1, 12, 31, 10, 0))
    end = timezone.make_aware(dt.datetime(FAR, 1, 2, 10, 0))
    assert counter.between(start, end) == 1  # Tuesday 1 January (元旦) is not a working day
