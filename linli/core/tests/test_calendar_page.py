"""Administrators keep the working-day calendar; everyone else only reads it; each change is audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from linli.core import calendar as services
from linli.core.models import AuditLog, CalendarDay
from linli.core.workdays import is_workday

pytestmark = pytest.mark.django_db


def test_admin_sets_and_clears_a_future_holiday(tree, client):
    admin = tree.users["district_admin"]
    client.force_login(admin)
    response = client.post("/calendar/", {"date": "2027-03-08", "is_workday": "0", "name": "调休"})
    assert response.status_code == 302
    assert not is_workday(dt.date(2027, 3, 8))
    assert AuditLog.objects.filter(object_type="core.calendarday", action="create").exists()
    page = client.get("/calendar/?year=2027")
    assert "调休" in page.content.decode()
    services.calendar_day_set(actor=admin, date=dt.date(2027, 3, 8), is_workday=True)
    assert not CalendarDay.objects.filter(date=dt.date(2027, 3, 8)).exists()


def test_others_read_but_cannot_edit(tree, client):
    client.force_login(tree.users["secretary_a1"])
    assert client.get("/calendar/?year=2026").status_code == 200
    client.post("/calendar/", {"date": "2027-03-08", "is_workday": "0", "name": "x"})
    assert not CalendarDay.objects.filter(date=dt.date(2027, 3, 8)).exists()
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(actor=tree.users["secretary_a1"], date=dt.date(2027, 3, 8), is_workday=False)
    client.force_login(tree.users["resident_a1"])
    assert client.get("/calendar/").status_code == 403


def test_import_refuses_years_the_package_does_not_know(tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.calendar_import_year(actor=tree.users["district_admin"], year=2031)
    CalendarDay.objects.filter(date__year=2025).delete()
    assert services.calendar_import_year(actor=tree.users["district_admin"], year=2025) > 10
