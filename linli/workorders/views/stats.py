"""The statistics page and its xlsx export (filters: period, place)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker
from linli.core import dates
from linli.core.dates import BoundedDateField
from linli.core.permissions import may_any

from .. import stats
from ..models import Case, CaseStatistics


class StatsFilter(forms.Form):
    start = BoundedDateField(label=_("From"), required=False)
    end = BoundedDateField(label=_("To"), required=False)
    under = forms.RegexField(
        label=_("Within"),
        regex=r"^\d{6,24}$",
        required=False,
        error_messages={"invalid": _("Digits only, as in a place path.")},
        widget=PlacePicker(levels=(1, 2, 3, 4)),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def _filters(request):
    data = request.GET.copy()
    if not data.get("start") and not data.get("end"):
        today = dates.today()
        data.setdefault("start", (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1).isoformat())
        data.setdefault("end", today.isoformat())
    form = StatsFilter(data)
    filters = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
        if filters.get("under"):
            from linli.areas.models import Place

            place = Place.objects.filter(code=filters["under"]).only("path").first()
            filters["under"] = place.path if place else filters["under"]
    return form, filters


@login_required
def stats_page(request):
    if not may_any(request.user, CaseStatistics):
        raise PermissionDenied
    form, filters = _filters(request)
    grouping = request.GET.get("by", "department")
    if grouping not in stats.GROUPINGS:
        grouping = "department"
    rows = stats.table(request.user, grouping, **filters) if form.is_valid() else []
    total = stats.totals(rows)
    render_row = [[fn(r) for _k, fn in stats.COLUMNS] for r in rows]
    return render(
        request,
        "workorders/stats/stats.html",
        {
            "form": form,
            "grouping": grouping,
            "groupings": stats.grouping_labels(),
            "headers": stats.column_labels(),
            "rows": render_row,
            "total": [fn(total) for _k, fn in stats.COLUMNS],
            "can_export": may_any(request.user, Case, "export"),
            "query": request.GET.urlencode(),
            "definitions": stats.definitions(),
        },
    )


@login_required
def stats_export(request):
    if not may_any(request.user, Case, "export"):
        raise PermissionDenied
    form, filters = _filters(request)
    if not form.is_valid():
        return stats_page(request)
    handle = stats.export_xlsx(request.user, **filters)
    name = f"workorder-stats-{dates.today():%Y%m%d}.xlsx"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
