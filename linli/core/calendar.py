"""Services for the statutory calendar (core.CalendarDay, core.CalendarYear): set or clear a day, import a year from
the package, mark a year arranged once the State Council's notice is entered."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .holidays import CalendarRangeError, check_year, statutory_holidays
from .models import CalendarDay, CalendarYear
from .permissions import may_any
from .workdays import arranged_years, default_is_workday, package_rows, package_years


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
    _check_year(date.year, "date")
    existing = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = audit.snapshot(existing) if existing else None
    if is_workday == default_is_workday(date, date.year in arranged_years()) and not name:
        if existing:
            existing.delete()
            audit.record(
                actor=actor,
                action="delete",
                object_type="core.calendarday",
                object_id=str(date),
                object_repr=str(date),
                before=before,
            )
        return None
    day = existing or CalendarDay(date=date)
    day.is_workday, day.name = bool(is_workday), name
    day.full_clean()
    day.save()
    audit.record(
        actor=actor, action="update" if existing else "create", obj=day, before=before, after=audit.snapshot(day)
    )
    return day


@transaction.atomic
def calendar_import_year(*, actor, year: int) -> int:
    """Copy one year's holidays and adjusted workdays from the installed chinesecalendar package (rows that
    already exist are left as the administrators set them)."""
    _require(actor, "add")
    first, last = package_years()
    if not first <= year <= last:
        raise ValidationError(
            {
                "year": _(
                    "The calendar package knows %(a)s–%(b)s only; enter %(y)s by hand from the State Council's notice."
                )
                % {"a": first, "b": last, "y": year}
            }
        )
    existing = set(CalendarDay.objects.filter(date__year=year).values_list("date", flat=True))
    rows = [CalendarDay(date=d, is_workday=w, name=n) for d, w, n in package_rows(year, year) if d not in existing]
    CalendarDay.objects.bulk_create(rows)
    CalendarYear.objects.get_or_create(
        year=year, defaults={"source": "国务院办公厅部分节假日安排的通知 (chinesecalendar package)"}
    )
    audit.record(
        actor=actor,
        action="create",
        object_type="core.calendarday",
        object_id=str(year),
        object_repr=_("Calendar %(y)s") % {"y": year},
        after={"imported": len(rows)},
    )
    return len(rows)


def _check_year(year: int, field: str) -> None:
    try:
        check_year(year)
    except CalendarRangeError as exc:
        raise ValidationError({field: str(exc)}) from exc


def arrangement_gaps(year: int) -> list[tuple[dt.date, str]]:
    """Statutory holidays of ``year`` that the entered rows would leave as working days (a notice never does)."""
    rows = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday"))
    return [(day, name) for day, name in statutory_holidays(year).items() if rows.get(day, day.weekday() < 5)]


@transaction.atomic
def calendar_year_arrange(*, actor, year: int, source: str) -> CalendarYear:
    """The State Council's arrangement of ``year`` is entered (its holidays and 调休 days as ``CalendarDay`` rows):
    the year stops being provisional. Refused while a statutory holiday would still be a working day."""
    _require(actor, "change")
    _check_year(year, "year")
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": _("Name the State Council's notice (its title and number or address).")})
    if len(source) > 300:
        raise ValidationError({"source": _("At most %(n)s characters.") % {"n": 300}})
    gaps = arrangement_gaps(year)
    if gaps:
        raise ValidationError(
            {
                "year": _("Enter the notice's days first: these statutory holidays are still working days: %(days)s.")
                % {"days": ", ".join(f"{day:%Y-%m-%d} {name}" for day, name in gaps)}
            }
        )
    arranged, created = CalendarYear.objects.select_for_update().get_or_create(year=year, defaults={"source": source})
    before = None if created else audit.snapshot(arranged)
    if not created:
        arranged.source = source
        arranged.save(update_fields=["source"])
    audit.record(
        actor=actor,
        action="create" if created else "update",
        obj=arranged,
        before=before,
        after=audit.snapshot(arranged),
    )
    return arranged
