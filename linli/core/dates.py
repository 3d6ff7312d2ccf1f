"""The dates a person may type: one rule per family, for forms (``PastDateField``...) and the API (``PastDate``...).

Python's dates end at year 1 and 9999, and a day at either end cannot be moved by a day or converted to UTC
without an ``OverflowError``; a birth date in the future or a move-in in year 9999 is a typing slip that would
otherwise be stored. So every date a person types belongs to a family with a plausible window:

- ``PAST``: a day that has happened — birth dates, moving in and out, visits, joining. 1900-01-01 .. today.
- ``EVENT``: a day of something planned or recorded — meetings, activities, terms, due dates.
  Today − 50 years .. today + 10 years.
- ``FILTER``: a day bounding a search or a report period. 1900-01-01 .. 2199-12-31: wide, but far from the ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
EVENT_YEARS_BACK = 50
EVENT_YEARS_AHEAD = 10

PAST, EVENT, FILTER = "past", "event", "filter"


def today() -> dt.date:
    """Today in the platform's time zone (``TIME_ZONE``, Asia/Shanghai): the one "today" of every domain.

    Call it as ``dates.today()`` (``from linli.core import dates``), so a test can fix the day for all of them."""
    return timezone.localdate()


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def bounds(family: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day a date of ``family`` may be, inclusive."""
    today = today or globals()["today"]()  # the module-level today(), which the parameter hides
    if family == PAST:
        return EARLIEST, today
    if family == EVENT:
        return _years_from(today, -EVENT_YEARS_BACK), _years_from(today, EVENT_YEARS_AHEAD)
    return EARLIEST, LATEST


def check_date(value, family: str):
    """``value`` (a date or datetime) if its day is inside the family's window; ValidationError otherwise."""
    if value is None:
        return value
    day = value.date() if isinstance(value, dt.datetime) else value
    lo, hi = bounds(family)
    if family == PAST and day > hi:
        raise ValidationError(_("This date cannot be in the future."), code="date_future")
    if not lo <= day <= hi:
        raise ValidationError(
            _("Enter a date between %(lo)s and %(hi)s.") % {"lo": lo.isoformat(), "hi": hi.isoformat()},
            code="date_range",
        )
    return value


# -- forms ------------------------------------------------------------------------------------------------------


class _Bounded:
    family = FILTER

    def __init__(self, *args, family: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family or self.family

    def validate(self, value):
        super().validate(value)
        check_date(value, self.family)  # the window is taken when the form is checked, not when it was declared


class BoundedDateField(_Bounded, forms.DateField):
    """A ``forms.DateField`` refusing days outside its family's window (default: ``FILTER``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(*args, **kwargs)


class BoundedDateTimeField(_Bounded, forms.DateTimeField):
    """A ``forms.DateTimeField`` refusing moments outside its family's window (default: ``EVENT``)."""

    family = EVENT

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
        super().__init__(*args, **kwargs)


def bound_form_dates(form, families: dict[str, str]) -> None:
    """Give the named (e.g. model-generated) date fields of ``form`` their family's window."""
    for name, family in families.items():
        field = form.fields.get(name)
        if field is not None:
            field.validators.append(lambda value, family=family: check_date(value, family))


# -- API (pydantic) ---------------------------------------------------------------------------------------------


def _checker(family: str):
    def check(value):
        try:
            return check_date(value, family)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None

    return check


PastDate = Annotated[dt.date, AfterValidator(_checker(PAST))]
EventDate = Annotated[dt.date, AfterValidator(_checker(EVENT))]
FilterDate = Annotated[dt.date, AfterValidator(_checker(FILTER))]
EventDateTime = Annotated[dt.datetime, AfterValidator(_checker(EVENT))]
