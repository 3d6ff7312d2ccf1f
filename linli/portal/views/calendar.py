"""The working-day calendar page: see a year's holidays and adjusted workdays; administrators edit them."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core import calendar as services
from linli.core import dates
from linli.core.holidays import FIRST_YEAR, LAST_YEAR, statutory_holidays
from linli.core.models import CalendarDay, CalendarYear
from linli.core.permissions import may_any, restrict
from linli.core.workdays import package_years


class DayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=gettext_lazy("This day is"),
        coerce=lambda v: v == "1",
        choices=[("0", gettext_lazy("a holiday (no work)")), ("1", gettext_lazy("a working day (调休)"))],
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=40, required=False)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or dates.today().year)
    except ValueError:
        year = dates.today().year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


@login_required
def calendar_page(request):
    if not may_any(request.user, CalendarDay):
        raise PermissionDenied
    year = _year(request)
    form = DayForm(request.POST or None, initial={"date": dt.date(year, 1, 1)})
    if request.method == "POST":
        try:
            if request.POST.get("arrange"):
                services.calendar_year_arrange(actor=request.user, year=year, source=request.POST.get("source", ""))
                messages.success(
                    request, _("The %(y)s arrangement is entered: the year is no longer provisional.") % {"y": year}
                )
                return redirect(f"{request.path}?year={year}")
            if request.POST.get("import"):
                n = services.calendar_import_year(actor=request.user, year=year)
                messages.success(request, _("%(n)s days imported for %(y)s.") % {"n": n, "y": year})
                return redirect(f"{request.path}?year={year}")
            if form.is_valid():
                data = form.cleaned_data
                services.calendar_day_set(
                    actor=request.user, date=data["date"], is_workday=data["is_workday"], name=data["name"]
                )
                messages.success(request, _("Saved."))
                return redirect(f"{request.path}?year={data['date'].year}")
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
    days = restrict(CalendarDay.objects.filter(date__year=year), request.user)
    first, last = package_years()
    arranged = CalendarYear.objects.filter(year=year).first()
    return render(
        request,
        "portal/calendar.html",
        {
            "arranged": arranged,
            "computed": [] if arranged else sorted(statutory_holidays(year).items()),
            "year": year,
            "days": days,
            "form": form,
            "can_edit": may_any(request.user, CalendarDay, "change"),
            "package_first": first,
            "package_last": last,
            "in_package": first <= year <= last,
        },
    )
