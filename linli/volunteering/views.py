"""Volunteering pages: phone-first for residents (find, sign up, check in, my hours/stars/certificates) and staff
pages (volunteers with export, teams, activities with sign-ups and the check-in list, star notices).
Thin: parse → selectors / services → render."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlencode, urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import dates
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import apply_validation_error
from linli.registry.selectors import resident_of

from . import exporting, forms, selectors, services
from .models import (
    Activity,
    ActivityStatus,
    SignUp,
    SignUpStatus,
    StarAward,
    StarNotice,
    StarStatus,
    StarThreshold,
    Team,
    TeamMember,
    Volunteer,
)


def _flash_error(request, exc: ValidationError):
    for msg in exc.messages:
        messages.error(request, msg)


def _page(request, qs, per=50):
    return Paginator(qs, per).get_page(request.GET.get("page"))


def _querystring(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _require_staff(user, model=Activity, action=Action.VIEW):
    if not may_any(user, model, action) or (not user.is_superuser and _only_resident(user)):
        raise PermissionDenied(_("This page is for community staff."))


def _only_resident(user) -> bool:
    from linli.core.permissions import bindings_for

    if user.is_superuser:
        return False
    roles = {b.role for b in bindings_for(user)}
    return roles <= {"resident"}


def _may_register(user) -> bool:
    """May register volunteers for others (staff): the list's button and the page ask the same."""
    return may_any(user, Volunteer, Action.ADD) and not _only_resident(user)


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
    page = _page(request, qs, 20)
    for a in page.object_list:
        a.my_status = mine.get(a.pk, "")
    ctx = {
        "page_obj": page,
        "object_list": page.object_list,
        "q": q,
        "querystring": _querystring(request),
        "volunteer": volunteer,
        "mine": mine,
        "section": "services",
        "is_staff": not _only_resident(request.user) and may_any(request.user, Activity, Action.ADD),
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


# --- activities ------------------------------------------------------------------------------------------


@login_required
def activities(request):
    _require_staff(request.user)
    status = request.GET.get("status", "")
    q = request.GET.get("q", "")
    page = _page(request, selectors.activities(request.user, q=q, status=status))
    ctx = {
        "page_obj": page,
        "object_list": page.object_list,
        "q": q,
        "status": status,
        "statuses": ActivityStatus.choices,
        "querystring": _querystring(request),
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
        _flash_error(request, exc)
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
        _flash_error(request, exc)
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
        _flash_error(request, exc)
    return redirect(reverse("volunteering:activity", args=[signup.activity_id]) + "#signups")


# --- volunteers ------------------------------------------------------------------------------------------


@login_required
def volunteers(request):
    _require_staff(request.user, Volunteer)
    q = request.GET.get("q", "")
    page = _page(request, selectors.volunteers(request.user, q=q))
    ctx = {
        "page_obj": page,
        "object_list": page.object_list,
        "q": q,
        "querystring": _querystring(request),
        "section": "services",
        "can_add": _may_register(request.user),
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
    if not _may_register(request.user):
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


# --- teams -----------------------------------------------------------------------------------------------


@login_required
def teams(request):
    _require_staff(request.user, Team)
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
                _flash_error(request, exc)
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


# --- stars -----------------------------------------------------------------------------------------------


@login_required
def stars(request):
    _require_staff(request.user, StarAward)
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
            "staff": not _only_resident(request.user) and may_any(request.user, StarAward, Action.CHANGE),
        },
    )


@login_required
def star_levels(request):
    """The star table: the district administrator edits it; other staff read it."""
    _require_staff(request.user, StarThreshold)
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
        _flash_error(request, exc)
    return redirect("volunteering:stars")
