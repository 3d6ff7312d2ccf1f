"""The resident's phone pages: find an activity, my hours/stars/certificates, check in and out by code."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.permissions import Action, may_any
from linli.core.views import apply_validation_error
from linli.registry.selectors import resident_of

from .. import forms, selectors, services
from ..models import (
    Activity,
    SignUp,
    SignUpStatus,
    StarStatus,
)
from .common import only_resident, page_of, querystring

# --- phone pages -----------------------------------------------------------------------------------------


@login_required
def find(request):
    """Find an activity (upcoming, visible to the user): the phone page residents start from."""
    q = request.GET.get("q", "")
    qs = selectors.activities(request.user, q=q, upcoming=True)
    volunteer = services.volunteer_of(request.user)
    mine = {}
    if volunteer:
        mine = dict(
            SignUp.objects.filter(volunteer=volunteer)
            .exclude(status=SignUpStatus.CANCELLED)
            .values_list("activity_id", "status")
        )
    page = page_of(request, qs, 20)
    for a in page.object_list:
        a.my_status = mine.get(a.pk, "")
    ctx = {
        "page_obj": page,
        "object_list": page.object_list,
        "q": q,
        "querystring": querystring(request),
        "volunteer": volunteer,
        "mine": mine,
        "section": "services",
        "is_staff": not only_resident(request.user) and may_any(request.user, Activity, Action.ADD),
    }
    template = (
        "volunteering/find.html#results" if request.htmx and not request.htmx.boosted else "volunteering/find.html"
    )
    return render(request, template, ctx)


@login_required
def me(request):
    volunteer = services.volunteer_of(request.user)
    resident = resident_of(request.user)
    ctx = {"volunteer": volunteer, "resident": resident, "section": "services"}
    if volunteer is None:
        form = forms.SelfRegisterForm(request.POST or None)
        if request.method == "POST" and resident is not None and form.is_valid():
            try:
                services.volunteer_register(actor=request.user, resident=resident, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("You are registered as a volunteer."))
                return redirect("volunteering:me")
        ctx["form"] = form
        return render(request, "volunteering/me.html", ctx)
    table = services.thresholds()
    next_star = next(((lvl, need) for lvl, need in table if volunteer.total_hours < need), None)
    ctx.update(
        years=selectors.my_hours_by_year(volunteer),
        signups=selectors.my_signups(volunteer)[:30],
        certificates=volunteer.certificates.all()[:20],
        achievements=volunteer.achievements.all()[:20],
        next_star=next_star,
        to_next=(next_star[1] - volunteer.total_hours) if next_star else None,
        notices=volunteer.star_awards.filter(status=StarStatus.NOTICE),
    )
    return render(request, "volunteering/me.html", ctx)


@login_required
@require_POST
def certificate_request(request):
    volunteer = services.volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    services.certificate_request(actor=request.user, volunteer=volunteer)
    messages.success(request, _("Your request has been sent to the community; you will be notified."))
    return redirect("volunteering:me")


SCAN_SESSION_KEY = "volunteering.scan"


def _scanned_at(request, code: str):
    """When this session first saw ``code`` still valid (server-side session data), or None."""
    seen = request.session.get(SCAN_SESSION_KEY) or {}
    if not code or seen.get("code") != code:
        return None
    try:
        return dt.datetime.fromtimestamp(float(seen["at"]), tz=dt.UTC)
    except (KeyError, TypeError, ValueError):
        return None


def check(request):
    """The page a scanned code opens: shows what will happen; the volunteer confirms with one tap (POST).

    A phone that is not signed in is sent to the login page and back here; the moment the code was scanned while
    still valid is kept in the session, so signing in first does not make the code expire (``read_code``)."""
    code = (request.POST.get("c") or request.GET.get("c") or "").strip()[:200]
    scanned_at = _scanned_at(request, code)
    if code and scanned_at is None:
        try:
            services.read_code(code)
        except ValidationError:
            pass
        else:
            now = time.time()  # the signer's clock
            scanned_at = dt.datetime.fromtimestamp(now, tz=dt.UTC)
            request.session[SCAN_SESSION_KEY] = {"code": code, "at": now}
    if not request.user.is_authenticated:
        return redirect_to_login(request.path + ("?" + urlencode({"c": code}) if code else ""))
    ctx = {"code": code, "section": "services", "volunteer": services.volunteer_of(request.user)}
    if code:
        try:
            activity_id, action, _nonce = services.read_code(code, scanned_at=scanned_at)
            ctx["activity"] = Activity.objects.filter(pk=activity_id).only("title", "starts_at", "ends_at").first()
            ctx["action"] = action
        except ValidationError as exc:
            ctx["error"] = exc.messages[0]
    if request.method == "POST" and code and "error" not in ctx:
        try:
            signup = services.check_by_code(actor=request.user, code=code, scanned_at=scanned_at)
        except ValidationError as exc:
            ctx["error"] = exc.messages[0]
        else:
            request.session.pop(SCAN_SESSION_KEY, None)
            if ctx.get("action") == "in":
                messages.success(
                    request,
                    _("Checked in at %(t)s.") % {"t": timezone.localtime(signup.checked_in_at).strftime("%H:%M")},
                )
            else:
                messages.success(
                    request,
                    _("Checked out at %(t)s: %(h)s hours to be confirmed by the organiser.")
                    % {"t": timezone.localtime(signup.checked_out_at).strftime("%H:%M"), "h": signup.claimed_hours},
                )
            return redirect("volunteering:activity", pk=signup.activity_id)
    return render(request, "volunteering/check.html", ctx, status=400 if "error" in ctx and code else 200)


@login_required
def certificate(request, pk):
    cert = selectors.certificate_for(request.user, pk)
    return render(
        request,
        "volunteering/certificate.html",
        {"cert": cert, "volunteer": cert.volunteer, "resident": cert.volunteer.resident},
    )
