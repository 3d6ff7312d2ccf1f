"""Short dates that keep the year when it matters: ``{{ value|day }}`` and ``{{ value|when }}``.

A phone has little room, so a date of the current year is shown without it (12月7日 · 12月7日 14:30); any other
year shows it (2025年12月7日), so a record of last December never reads like this one. Datetimes are shown in
the local time zone. Load with ``{% load linli_dates %}``; Python code uses ``short_day`` / ``short_when``.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import pgettext

from linli.core import dates

register = template.Library()


def _local(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


def _this_year(value) -> bool:
    return value.year == dates.today().year


def short_day(value) -> str:
    if not value:
        return ""
    value = _local(value)
    fmt = pgettext("short date", "M j") if _this_year(value) else pgettext("short date", "M j, Y")
    return date_format(value, fmt)


def short_when(value) -> str:
    if not value:
        return ""
    value = _local(value)
    fmt = pgettext("short date", "M j H:i") if _this_year(value) else pgettext("short date", "M j, Y H:i")
    return date_format(value, fmt)


register.filter("day", short_day)
register.filter("when", short_when)
