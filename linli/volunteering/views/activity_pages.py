"""Activities (staff): list, edit, one activity with its sign-ups, the steps, the export, the check-in code."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import dates
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import apply_validation_error

from .. import exporting, forms, selectors, services
from ..models import (
    Activity,
    ActivityStatus,
    SignUp,
    SignUpStatus,
)
from .common import flash_error, page_of, querystring, require_staff

# --- activities ------------------------------------------------------------------------------------------


@login_required
def activities(request):
    require_staff(request.user)
    status = request.GET.get("status", "")
    q = request.GET.get("q", "")
    page = page_of(request, selectors.activities(request.user, q=q, status=status))
    ctx = {
        "page_obj": page,
        "object_list": page.object_list,
        "q": q,
        "status": status,
        "statuses": ActivityStatus.choices,
        "querystring": querystring(request),
        "section": "services",
        "can_add": may_any(request.user, Activity, Action.ADD),
    }
    template = (
        "volunteering/activities.html#results"
        if request.htmx and not request.htmx.boosted
        else "volunteering/activities.html"
    )
    return render(request, template, ctx)


@login_required
def activity_new(request, pk=None):
    activity = selectors.activity_for(request.user, pk, Action.CHANGE) if pk else None
    if activity is None and not may_any(request.user, Activity, Action.ADD):
        raise PermissionDenied(_("You cannot publish activities."))
    initial = {}
    if activity:
        initial = {f: getattr(activity, f) for f in services.ACTIVITY_FIELDS if f != "place"}
        for f in ("starts_at", "ends_at", "signup_closes_at"):
            if initial.get(f):
                initial[f] = timezone.localtime(initial[f])
    form = forms.ActivityForm(request.POST or None, user=request.user, editing=bool(activity), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if activity:
                activity = services.activity_update(actor=request.user, activity=activity, **form.activity_fields())
            else:
                activity = services.activity_create(
                    actor=request.user, community=form.cleaned_data["community"], **form.activity_fields()
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("volunteering:activity", pk=activity.pk)
    title = _("Edit activity") if activity else _("Publish an activity")
    return render(
        request,
        "volunteering/form.html",
        {"form": form, "title": title, "section": "services", "back": reverse("volunteering:activities")},
    )


@login_required
def activity(request, pk):
    user = request.user
    activity = selectors.activity_for(user, pk)
    manage = can(user, Action.CHANGE, activity)
    volunteer = services.volunteer_of(user)
    mine = None
    if volunteer:
        mine = (
            SignUp.objects.filter(activity=activity, volunteer=volunteer)
            .exclude(status=SignUpStatus.CANCELLED)
            .select_related("record")
            .first()
        )
    ctx = {
        "activity": activity,
        "manage": manage,
        "volunteer": volunteer,
        "mine": mine,
        "section": "services",
        "taken": activity.signups.filter(status=SignUpStatus.CONFIRMED).count(),
    }
    if manage:
        ctx["signups"] = list(selectors.signups_of(activity))
        ctx["can_export"] = can(user, Action.EXPORT, activity)
    return render(request, "volunteering/activity.html", ctx)


OPS = {"publish", "close", "finish", "cancel", "signup", "withdraw", "confirm_all"}


@login_required
@require_POST
def activity_op(request, pk, op):
    if op not in OPS:
        raise Http404
    user = request.user
    activity = selectors.activity_for(user, pk)
    try:
        if op == "publish":
            services.activity_publish(actor=user, activity=activity)
            messages.success(request, _("Published: residents can sign up."))
        elif op == "close":
            services.activity_close_signup(actor=user, activity=activity)
            messages.success(request, _("Sign-up closed."))
        elif op == "finish":
            services.activity_finish(actor=user, activity=activity)
            messages.success(request, _("Marked as finished."))
        elif op == "cancel":
            services.activity_cancel(actor=user, activity=activity, reason=request.POST.get("reason", "")[:300])
            messages.success(request, _("Cancelled; the volunteers have been told."))
        elif op == "signup":
            s = services.signup_create(actor=user, activity=activity)
            messages.success(
                request,
                _("You have a place.")
                if s.status == SignUpStatus.CONFIRMED
                else _("The places are taken: you are on the waiting list."),
            )
        elif op == "withdraw":
            volunteer = services.volunteer_of(user)
            s = get_object_or_404(SignUp, activity=activity, volunteer=volunteer, status__in=["confirmed", "waiting"])
            services.signup_cancel(actor=user, signup=s)
            messages.success(request, _("Your sign-up is cancelled."))
        elif op == "confirm_all":
            n = services.records_confirm_all(actor=user, activity=activity)
            messages.success(request, _("%(n)s service records confirmed.") % {"n": n})
    except ValidationError as exc:
        flash_error(request, exc)
    return redirect("volunteering:activity", pk=activity.pk)


@login_required
def activity_export(request, pk):
    """The sign-up and attendance list of one activity with hours (xlsx, masked, audited)."""
    activity = selectors.activity_for(request.user, pk)
    out, _n = exporting.export_signups(actor=request.user, activity=activity)
    return FileResponse(out, as_attachment=True, filename=f"activity-{activity.pk}-signups-{dates.today():%Y%m%d}.xlsx")


@login_required
def activity_code(request, pk, action):
    """The organiser's screen: a code that expires and rotates (the page refreshes it)."""
    activity = selectors.activity_for(request.user, pk)
    if action not in services.CHECK_ACTIONS:
        raise Http404
    try:
        code, expires = services.checkin_code(actor=request.user, activity=activity, action=action)
    except ValidationError as exc:
        flash_error(request, exc)
        return redirect("volunteering:activity", pk=activity.pk)
    url = check_url(request, code)
    ctx = {
        "activity": activity,
        "action": action,
        "code": code,
        "url": url,
        "expires": expires,
        "seconds": services.code_seconds(),
        "qr_svg": qr_svg(url),
        "section": "services",
        "refresh": max(10, services.code_seconds() // 2),
        "local_only": _is_loopback(urlsplit(url).hostname),
    }
    template = "volunteering/code.html#code" if request.htmx and not request.htmx.boosted else "volunteering/code.html"
    return render(request, template, ctx)


LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - names compared, nothing is bound


def _is_loopback(host: str | None) -> bool:
    return (host or "").lower() in LOOPBACK or (host or "").lower().endswith(".localhost")


def check_url(request, code: str) -> str:
    """The absolute check-in URL a phone opens: on the address the organiser's browser uses, unless that is this
    machine only (localhost) and ``LINLI_SITE_URL`` names a public address, which is then used instead."""
    path = reverse("volunteering:check") + "?" + urlencode({"c": code})
    site = (getattr(settings, "LINLI_SITE_URL", "") or "").rstrip("/")
    if (
        _is_loopback(request.get_host().rsplit(":", 1)[0].strip("[]"))
        and site
        and not _is_loopback(urlsplit(site).hostname)
    ):
        return site + path
    return request.build_absolute_uri(path)


def qr_svg(data: str) -> str:
    """An inline SVG QR code (segno, server-side): black on white whatever the page's colour scheme, with the
    standard quiet zone, scaled by CSS to the screen."""
    return segno.make(data, error="m").svg_inline(
        scale=8, dark="#000", light="#fff", border=4, svgclass="vol-qr", omitsize=True
    )


SIGNUP_OPS = {"in", "out", "confirm", "cancel"}


@login_required
@require_POST
def signup_op(request, pk, op):
    if op not in SIGNUP_OPS:
        raise Http404
    signup = get_object_or_404(restrict(SignUp.objects.select_related("activity"), request.user, Action.CHANGE), pk=pk)
    try:
        if op in ("in", "out"):
            services.check_by_list(actor=request.user, signup=signup, action=op)
        elif op == "confirm":
            form = forms.ConfirmForm(request.POST)
            hours = form.cleaned_data.get("hours") if form.is_valid() else request.POST.get("hours")
            services.record_confirm(actor=request.user, signup=signup, hours=hours)
            messages.success(request, _("Hours confirmed."))
        elif op == "cancel":
            services.signup_cancel(actor=request.user, signup=signup)
    except ValidationError as exc:
        flash_error(request, exc)
    return redirect(reverse("volunteering:activity", args=[signup.activity_id]) + "#signups")
