"""Volunteers (staff): the list with its export, registering one, one volunteer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linli.core import dates
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import apply_validation_error

from .. import exporting, forms, selectors, services
from ..models import (
    Team,
    Volunteer,
)
from .common import may_register, page_of, querystring, require_staff

# --- volunteers ------------------------------------------------------------------------------------------


@login_required
def volunteers(request):
    require_staff(request.user, Volunteer)
    q = request.GET.get("q", "")
    page = page_of(request, selectors.volunteers(request.user, q=q))
    ctx = {
        "page_obj": page,
        "object_list": page.object_list,
        "q": q,
        "querystring": querystring(request),
        "section": "services",
        "can_add": may_register(request.user),
        "can_export": may_any(request.user, Volunteer, Action.EXPORT),
    }
    template = (
        "volunteering/volunteers.html#results"
        if request.htmx and not request.htmx.boosted
        else "volunteering/volunteers.html"
    )
    return render(request, template, ctx)


@login_required
def volunteers_export(request):
    if not may_any(request.user, Volunteer, Action.EXPORT):
        raise PermissionDenied(_("You may not export volunteers."))
    out, _n = exporting.export_volunteers(actor=request.user, q=request.GET.get("q", ""))
    return FileResponse(out, as_attachment=True, filename=f"volunteers-{dates.today():%Y%m%d}.xlsx")


@login_required
def volunteer_new(request):
    if not may_register(request.user):
        raise PermissionDenied(_("You cannot register volunteers."))
    q = request.GET.get("q", "")
    form = forms.StaffRegisterForm(request.POST or None, user=request.user, q=q)
    if request.method == "POST" and form.is_valid():
        try:
            v = services.volunteer_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Registered as volunteer %(n)s.") % {"n": v.number})
            return redirect("volunteering:volunteer", pk=v.pk)
    return render(request, "volunteering/volunteer_new.html", {"form": form, "q": q, "section": "services"})


@login_required
def volunteer(request, pk):
    user = request.user
    v = selectors.volunteer_for(user, pk)
    staff = can(user, Action.CHANGE, v)
    ach_form = forms.AchievementForm(request.POST if request.POST.get("form") == "achievement" else None)
    cert_form = forms.CertificateForm(request.POST if request.POST.get("form") == "certificate" else None)
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("You do not have permission to do this."))
        try:
            if request.POST.get("form") == "achievement" and ach_form.is_valid():
                services.achievement_add(actor=user, volunteer=v, **ach_form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect("volunteering:volunteer", pk=v.pk)
            if request.POST.get("form") == "certificate" and cert_form.is_valid():
                cert = services.certificate_issue(actor=user, volunteer=v, **cert_form.cleaned_data)
                return redirect("volunteering:certificate", pk=cert.pk)
        except ValidationError as exc:
            apply_validation_error(ach_form if request.POST.get("form") == "achievement" else cert_form, exc)
    ctx = {
        "v": v,
        "resident": v.resident,
        "staff": staff,
        "ach_form": ach_form,
        "cert_form": cert_form,
        "records": v.records.select_related("activity")[:50],
        "achievements": v.achievements.all(),
        "certificates": v.certificates.all(),
        "teams": v.team_memberships.select_related("team"),
        "years": selectors.my_hours_by_year(v),
        "awards": v.star_awards.all(),
        "section": "services",
    }
    # Team pages that open for this user (a grid worker reads a volunteer of their grid, not every team).
    ctx["viewable_teams"] = set(restrict(Team.objects.filter(members__volunteer=v), user).values_list("pk", flat=True))
    return render(request, "volunteering/volunteer.html", ctx)
