"""Teams (staff): the list, a new team, one team with members and duty logs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core import dates
from linli.core.permissions import Action, can, may_any
from linli.core.views import apply_validation_error

from .. import forms, selectors, services
from ..models import (
    Team,
    TeamMember,
)
from .common import flash_error, require_staff

# --- teams -----------------------------------------------------------------------------------------------


@login_required
def teams(request):
    require_staff(request.user, Team)
    ctx = {
        "object_list": selectors.teams(request.user).order_by("scope_path", "name"),
        "section": "services",
        "can_add": may_any(request.user, Team, Action.ADD),
    }
    return render(request, "volunteering/teams.html", ctx)


@login_required
def team_new(request):
    if not may_any(request.user, Team, Action.ADD):
        raise PermissionDenied(_("You cannot set up teams."))
    form = forms.TeamForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("volunteering:team", pk=team.pk)
    return render(
        request,
        "volunteering/form.html",
        {"form": form, "title": _("Set up a team"), "section": "services", "back": reverse("volunteering:teams")},
    )


@login_required
def team(request, pk):
    user = request.user
    team = selectors.team_for(user, pk)
    manage = can(user, Action.CHANGE, team)
    which = request.POST.get("form")
    member_form = forms.MemberForm(request.POST if which == "member" else None, user=user)
    duty_form = forms.DutyLogForm(
        request.POST if which == "duty" else None, initial={"on": dates.today(), "kind": "daily"}
    )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("You do not have permission to do this."))
        try:
            if which == "member" and member_form.is_valid():
                v = member_form.cleaned_data["number"]
                if member_form.cleaned_data["leader"]:
                    services.team_set_leader(actor=user, team=team, volunteer=v)
                else:
                    services.team_member_add(actor=user, team=team, volunteer=v)
                return redirect("volunteering:team", pk=team.pk)
            if which == "duty" and duty_form.is_valid():
                services.duty_log_add(actor=user, team=team, **duty_form.cleaned_data)
                return redirect("volunteering:team", pk=team.pk)
            if which == "remove":
                member = get_object_or_404(TeamMember, team=team, pk=request.POST.get("member"))
                services.team_member_remove(actor=user, member=member)
                return redirect("volunteering:team", pk=team.pk)
        except ValidationError as exc:
            if which in ("member", "duty"):
                apply_validation_error(member_form if which == "member" else duty_form, exc)
            else:
                flash_error(request, exc)
    ctx = {
        "team": team,
        "manage": manage,
        "member_form": member_form,
        "duty_form": duty_form,
        "members": team.members.select_related("volunteer__resident"),
        "logs": team.duty_logs.select_related("recorded_by")[:60],
        "rhythm": selectors.rhythm(team),
        "section": "services",
    }
    return render(request, "volunteering/team.html", ctx)
