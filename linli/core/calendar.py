"""Services for the statutory calendar (core.CalendarDay): set or clear a day, import a year from the package."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .models import CalendarDay
from .permissions import may_any
from .workdays import package_rows, package_years


def _require(actor, action: str) -> None:
    if not may_any(actor, CalendarDay, action):
        raise PermissionDenied(_("Only district administrators may edit the working-day calendar."))


@transaction.atomic
def calendar_day_set(*, actor, date: dt.date, is_workday: bool, name: str = "") -> CalendarDay | None:
    """Mark ``date`` a holiday or a working day. A day set back to what the weekday rule says needs no row."""
    _require(actor, "change")
    if not isinstance(date, dt.date):
        raise ValidationError({"date": _("Enter a valid date.")})
    name = (name or "").strip()
    if len(name) > 40:
        raise ValidationError({"name": _("At most %(n)s characters.") % {"n": 40}})
    existing = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = audit.snapshot(existing) if existing else None
    if is_workday == (date.weekday() < 5) and not name:
        if existing:
            existing.delete()
            audit.record(actor=actor, action="delete", object_type="core.calendarday", object_id=str(date),
                         object_repr=str(date), before=before)
        return None
    day = existing or CalendarDay(date=date)
    day.is_workday, day.name = bool(is_workday), name
    day.full_clean()
    day.save()
    audit.record(actor=actor, action="update" if existing else "create", obj=day, before=before,
                 after=audit.snapshot(day))
    return day


@transaction.atomic
def calendar_import_year(*, actor, year: int) -> int:
    """Copy one year's holidays and adjusted workdays from the installed chinesecalendar package (rows that
    already exist are left as the administrators set them)."""
    _require(actor, "add")
    first, last = package_years()
    if not first <= year <= last:
        raise ValidationError({"year": _("The calendar package knows %(a)s–%(b)s only; enter %(y)s by hand from "
                                         "the State Council's notice.") % {"a": first, "b": last, "y": year}})
    existing = set(CalendarDay.objects.filter(date__year=year).values_list("date", flat=True))
    rows = [CalendarDay(date=d, is_workday=w, name=n) for d, w, n in package_rows(year, year) if d not in existing]
    CalendarDay.objects.bulk_create(rows)
    audit.record(actor=actor, action="create", object_type="core.calendarday", object_id=str(year),
                 object_repr=_("Calendar %(y)s") % {"y": year}, after={"imported": len(rows)})
    return len(rows)
