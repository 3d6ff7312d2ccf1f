"""The property complaint rate page: per street and compound, a month or the last twelve months, with the change on
the same period a year earlier (definitions in ``complaints.py``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from linli.core import dates
from linli.core.permissions import may_any

from .. import complaints
from ..models import Campaign

SECTION = "management"


def parse_month(raw: str, default: dt.date) -> dt.date:
    try:
        year, month = (int(x) for x in (raw or "").split("-")[:2])
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return default


@login_required
def complaint_rate(request):
    user = request.user
    if not may_any(user, Campaign):
        raise PermissionDenied(_("You cannot see the complaint rate."))
    last = complaints.add_months(dates.today().replace(day=1), -1)
    month = parse_month(request.GET.get("month", ""), last)
    if not (dt.date(2000, 1, 1) <= month <= dates.today()):
        month = last
    months = 12 if request.GET.get("months") == "12" else 1
    rows, streets, total = complaints.rates(user, last_month=month, months=months)
    start, end = complaints.period(month, months)
    return render(
        request,
        "campaigns/complaints.html",
        {
            "rows": rows,
            "streets": streets,
            "total": total,
            "month": month,
            "months": months,
            "start": start,
            "last_day": end - dt.timedelta(days=1),
            "section": SECTION,
        },
    )
