"""Star levels: the staff list, the public notice, the thresholds, withdrawing an award."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.permissions import Action, may_any, restrict
from linli.core.views import apply_validation_error

from .. import forms, selectors, services
from ..models import (
    StarAward,
    StarNotice,
    StarStatus,
    StarThreshold,
)
from .common import flash_error, only_resident, require_staff

# --- stars -----------------------------------------------------------------------------------------------


@login_required
def stars(request):
    require_staff(request.user, StarAward)
    status = request.GET.get("status", StarStatus.NOTICE)
    if status not in StarStatus.values:
        status = StarStatus.NOTICE
    ctx = {
        "object_list": selectors.star_notices(request.user, status)[:300],
        "status": status,
        "statuses": StarStatus.choices,
        "thresholds": services.thresholds(),
        "section": "services",
    }
    return render(request, "volunteering/stars.html", ctx)


@login_required
def star_notice(request):
    """公示: the stars on public notice in the user's community — readable by residents and staff alike."""
    if not may_any(request.user, StarNotice):
        raise PermissionDenied(_("This notice is for the residents of the community."))
    notices = list(selectors.public_notices(request.user)[:500])
    return render(
        request,
        "volunteering/star_notice.html",
        {
            "notices": notices,
            "workdays": services.NOTICE_WORKDAYS,
            "section": "services",
            "staff": not only_resident(request.user) and may_any(request.user, StarAward, Action.CHANGE),
        },
    )


@login_required
def star_levels(request):
    """The star table: the district administrator edits it; other staff read it."""
    require_staff(request.user, StarThreshold)
    may_change = may_any(request.user, StarThreshold, Action.CHANGE)
    table = services.thresholds()
    form = forms.ThresholdsForm(request.POST if request.method == "POST" else None, table=table)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(_("Only the district administrator sets the star levels."))
        if form.is_valid():
            try:
                services.thresholds_set(actor=request.user, hours_by_level=form.table())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("volunteering:star_levels")
    return render(
        request,
        "volunteering/star_levels.html",
        {"form": form, "table": table, "may_change": may_change, "section": "services"},
    )


@login_required
@require_POST
def star_withdraw(request, pk):
    award = get_object_or_404(restrict(StarAward.objects.all(), request.user), pk=pk)
    try:
        services.star_withdraw(actor=request.user, award=award, note=request.POST.get("note", ""))
    except ValidationError as exc:
        flash_error(request, exc)
    return redirect("volunteering:stars")
