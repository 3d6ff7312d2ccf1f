"""Organisational-life pages: thin — read through ``selectors`` (``restrict``), write through ``services``.

Out-of-scope records answer 404; in scope without the right answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from linli.core import dates
from linli.core.permissions import Action, can, may_any
from linli.core.views import ScopedListView, apply_validation_error

from . import entitlement, periods, selectors, services
from .forms import EvaluationStartForm, MeetingForm, ResolutionForm, TalkForm
from .models import (
    ENTITLED_STATUSES,
    MEETING_KINDS,
    AttendanceStatus,
    EvalState,
    Evaluation,
    Grade,
    Kind,
    Meeting,
    Status,
    Talk,
)

SECTION = "party"


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or dates.today().year)
    except ValueError:
        year = dates.today().year
    return min(max(year, 2000), dates.today().year + 1)


def _years():
    this = dates.today().year
    return list(range(this, this - 4, -1))


# -- overview and calendar ----------------------------------------------------------------------------------------


@login_required
def overview(request):
    """The community-level overview: every branch and group in scope with its calendar counts for the year."""
    user = request.user
    if not may_any(user, Meeting):
        raise PermissionDenied
    year = _year(request)
    orgs = list(selectors.party_orgs(user).select_related("parent"))
    comps = selectors.compliance_many(orgs, year)
    today = dates.today()
    rows = []
    for comp in comps:
        current = {row.kind: cell for row, cell in comp.current()} if year == today.year else {}
        rows.append({"org": comp.org, "counts": comp.counts, "current": current, "share": comp.done_share})
    return render(
        request,
        "orglife/overview.html",
        {
            "section": SECTION,
            "year": year,
            "years": _years(),
            "rows": rows,
            "missing_total": sum(r["counts"][periods.MISSING] for r in rows),
        },
    )


STATE_LABELS = {
    periods.DONE: pgettext_lazy("compliance", "done"),
    periods.DUE: pgettext_lazy("compliance", "due"),
    periods.OVERDUE: pgettext_lazy("compliance", "held late"),
    periods.MISSING: pgettext_lazy("compliance", "missing"),
    periods.UPCOMING: pgettext_lazy("compliance", "upcoming"),
}


def _period_label(period: periods.Period) -> str:
    if period.kind == periods.MONTH:
        return str(period.index)
    if period.kind == periods.QUARTER:
        return f"Q{period.index}"
    return str(period.start.year)


@login_required
def calendar(request, pk: int):
    user = request.user
    org = selectors.party_org_for(user, pk)
    if not may_any(user, Meeting):
        raise PermissionDenied
    year = _year(request)
    comp = selectors.compliance(org, year)
    rows = [
        {"row": row, "cells": [{"cell": c, "label": _period_label(c.period)} for c in row.cells]} for row in comp.rows
    ]
    return render(
        request,
        "orglife/calendar.html",
        {
            "section": SECTION,
            "org": org,
            "year": year,
            "years": _years(),
            "comp": comp,
            "rows": rows,
            "counts": comp.counts,
            "states": STATE_LABELS,
            "may_add": services.may_add(user, Meeting, org),
            "meeting_kinds": [k for k in MEETING_KINDS if entitlement.org_may_hold(org, k)],
            "recent": selectors.meetings(user, org=org, year=year)[:20],
            "talks": selectors.talks(user, org=org).filter(held_on__year=year)[:20],
            "evaluations": selectors.evaluations(user, org=org)[:5],
            "may_evaluate": entitlement.org_may_hold(org, Kind.EVALUATION) and services.may_add(user, Evaluation, org),
            "may_talk": services.may_add(user, Talk, org),
        },
    )


# -- meetings ----------------------------------------------------------------------------------------------------


class MeetingListView(ScopedListView):
    model = Meeting
    template_name = "orglife/meeting_list.html"
    paginate_by = 50

    def get_queryset(self):
        kind = self.request.GET.get("kind", "")
        kind = kind if kind in Kind.values else ""
        year = self.request.GET.get("year", "")
        year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
        self.kind, self.year = kind, year
        return selectors.meetings(self.request.user, kind=kind, year=year)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "section": SECTION,
                "kinds": [(k.value, k.label) for k in MEETING_KINDS],
                "kind": self.kind,
                "year": self.year,
                "years": _years(),
            }
        )
        return ctx


def _attendance_from_post(post, members, observers=()) -> dict:
    out = {}
    for m in members:
        status = post.get(f"att_{m.pk}", AttendanceStatus.ABSENT)
        out[m.pk] = (status, post.get(f"reason_{m.pk}", ""))
    for m in observers:  # 列席: a ticked box means the probationary member came
        if post.get(f"obs_{m.pk}"):
            out[m.pk] = (AttendanceStatus.ATTENDING, "")
    return out


# The statuses a member with a vote is recorded in; observers (列席) have their own ticks.
ENTITLED_CHOICES = [(v, label) for v, label in AttendanceStatus.choices if v in ENTITLED_STATUSES]


def _observer_list(observers, attendance: dict, posted: bool) -> list[dict]:
    return [
        {"member": m, "came": (attendance.get(m.pk, ("",))[0] == AttendanceStatus.ATTENDING) if posted else False}
        for m in observers
    ]


def _resolutions_from_post(post) -> tuple[list[dict], list[str]]:
    out, errors = [], []
    for i in range(3):
        title = post.get(f"res_{i}_title", "").strip()
        if not title:
            continue
        form = ResolutionForm(
            {
                "title": title,
                "yes": post.get(f"res_{i}_yes"),
                "no": post.get(f"res_{i}_no"),
                "abstain": post.get(f"res_{i}_abstain"),
            }
        )
        if form.is_valid():
            out.append(form.cleaned_data)
        else:
            errors.append(_("Resolution “%(t)s”: give the yes, no and abstain counts as whole numbers.") % {"t": title})
    return out, errors


@login_required
def meeting_record(request, pk: int):
    """Record a meeting of an organisation: date, topic, attendance checklist of the entitled members, photos,
    minutes, resolutions."""
    user = request.user
    org = selectors.party_org_for(user, pk)
    if not services.may_add(user, Meeting, org):
        raise PermissionDenied
    kinds = [k for k in MEETING_KINDS if entitlement.org_may_hold(org, k)]
    if not kinds:
        raise Http404
    kind = request.POST.get("kind") or request.GET.get("kind") or kinds[0]
    if kind not in [k.value for k in kinds]:
        kind = kinds[0].value
    on = dates.today()
    members = list(entitlement.entitled(org, kind, on))
    observers = list(entitlement.observers(org, kind, on))
    form = MeetingForm(request.POST or None, initial={"held_on": on})
    attendance = {}
    resolution_rows = [{"i": i} for i in range(3)]
    if request.method == "POST":
        attendance = _attendance_from_post(request.POST, members, observers)
        resolutions, res_errors = _resolutions_from_post(request.POST)
        for err in res_errors:
            form.add_error(None, err)
        resolution_rows = [
            {
                "i": i,
                "title": request.POST.get(f"res_{i}_title", ""),
                "yes": request.POST.get(f"res_{i}_yes", ""),
                "no": request.POST.get(f"res_{i}_no", ""),
                "abstain": request.POST.get(f"res_{i}_abstain", ""),
            }
            for i in range(3)
        ]
        if form.is_valid() and not res_errors:
            data = form.cleaned_data
            held = data["status"] == Status.HELD
            try:
                meeting = services.meeting_record(
                    actor=user,
                    org=org,
                    kind=kind,
                    held_on=data["held_on"],
                    status=data["status"],
                    topic=data["topic"],
                    address=data["address"],
                    lecturer=data["lecturer"],
                    minutes=data["minutes"],
                    counts_for=data["counts_for"],
                    attendance=attendance if held else None,
                    resolutions=resolutions if held else (),
                    photo_files=request.FILES.getlist("photos"),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The meeting has been recorded."))
                return HttpResponseRedirect(reverse("orglife:meeting_detail", args=[meeting.pk]))
    checklist = [
        {
            "member": m,
            "status": attendance.get(m.pk, (AttendanceStatus.PRESENT, ""))[0],
            "reason": attendance.get(m.pk, ("", ""))[1],
        }
        for m in members
    ]
    return render(
        request,
        "orglife/meeting_form.html",
        {
            "section": SECTION,
            "org": org,
            "form": form,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "kinds": kinds,
            "checklist": checklist,
            "statuses": ENTITLED_CHOICES,
            "observers": _observer_list(observers, attendance, request.method == "POST"),
            "voting": kind in (Kind.GENERAL_ASSEMBLY, Kind.COMMITTEE),
            "resolution_rows": resolution_rows,
            "entitled_count": len(members),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def meeting_detail(request, pk: int):
    user = request.user
    meeting = selectors.meeting_for(user, pk)
    may_change = can(user, Action.CHANGE, meeting)
    res_form = ResolutionForm(request.POST or None, prefix="res")
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if "photos" in request.FILES:
            try:
                services.photos_add(actor=user, meeting=meeting, files=request.FILES.getlist("photos"))
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
            else:
                messages.success(request, _("Photos added."))
            return HttpResponseRedirect(request.path)
        if res_form.is_valid():
            try:
                services.resolution_add(actor=user, meeting=meeting, **res_form.cleaned_data)
            except ValidationError as exc:
                res_form.add_error(None, exc.messages)
            else:
                messages.success(request, _("The resolution has been recorded."))
                return HttpResponseRedirect(request.path)
        meeting = selectors.meeting_for(user, pk)
    return render(
        request,
        "orglife/meeting_detail.html",
        {
            "section": SECTION,
            "meeting": meeting,
            "may_change": may_change,
            "res_form": res_form,
            "needed": meeting.entitled_count // 2 + 1,
            "may_mark_held": meeting.held_on <= dates.today(),
            "attendance": list(meeting.attendance.all()),
            "photos": list(meeting.photos.all()),
            "resolutions": list(meeting.resolutions.all()),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def meeting_mark_held(request, pk: int):
    """A planned meeting took place: record its attendance (the checklist of the members entitled that day)."""
    user = request.user
    meeting = selectors.meeting_for(user, pk)
    if not can(user, Action.CHANGE, meeting):
        raise PermissionDenied
    if meeting.status != Status.PLANNED:
        return HttpResponseRedirect(reverse("orglife:meeting_detail", args=[meeting.pk]))
    on = min(meeting.held_on, dates.today())
    members = list(entitlement.entitled(meeting.org, meeting.kind, on))
    observers = list(entitlement.observers(meeting.org, meeting.kind, on))
    errors, attendance = [], {}
    if request.method == "POST":
        attendance = _attendance_from_post(request.POST, members, observers)
        try:
            services.meeting_mark_held(
                actor=user, meeting=meeting, attendance=attendance, minutes=request.POST.get("minutes", "")[:20000]
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The meeting has been recorded."))
            return HttpResponseRedirect(reverse("orglife:meeting_detail", args=[meeting.pk]))
    checklist = [
        {
            "member": m,
            "status": attendance.get(m.pk, (AttendanceStatus.PRESENT, ""))[0],
            "reason": attendance.get(m.pk, ("", ""))[1],
        }
        for m in members
    ]
    return render(
        request,
        "orglife/meeting_held.html",
        {
            "section": SECTION,
            "meeting": meeting,
            "checklist": checklist,
            "statuses": ENTITLED_CHOICES,
            "observers": _observer_list(observers, attendance, request.method == "POST"),
            "entitled_count": len(members),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def photo(request, pk: int):
    p = selectors.photo_for(request.user, pk)
    try:
        handle = p.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=p.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- 民主评议党员 --------------------------------------------------------------------------------------------------


@login_required
@require_POST
def evaluation_start(request, pk: int):
    user = request.user
    org = selectors.party_org_for(user, pk)
    form = EvaluationStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid year."))
        return HttpResponseRedirect(reverse("orglife:calendar", args=[org.pk]))
    try:
        ev = services.evaluation_start(actor=user, org=org, year=form.cleaned_data["year"])
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return HttpResponseRedirect(reverse("orglife:calendar", args=[org.pk]))
    return HttpResponseRedirect(reverse("orglife:evaluation_detail", args=[ev.pk]))


@login_required
def evaluation_detail(request, pk: int):
    user = request.user
    ev = selectors.evaluation_for(user, pk)
    may_change = can(user, Action.CHANGE, ev)
    fields = services.ENTRY_FIELDS_BY_STATE[ev.state]
    entries = list(selectors.evaluation_entries(user, ev))
    errors = []
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        step = request.POST.get("step", "")
        try:
            if step:
                services.evaluation_advance(actor=user, evaluation=ev, step=step)
                messages.success(request, _("The evaluation moved to its next stage."))
            else:
                for entry in entries:
                    changes = {}
                    for f in fields:
                        key = f"{f}_{entry.pk}"
                        if key not in request.POST:
                            continue
                        value = request.POST[key].strip()
                        if f.startswith("votes_"):
                            if not value.isdigit() or int(value) > 9999:
                                raise ValidationError({f: _("Vote counts must be whole numbers.")})
                            value = int(value)
                        elif f == "grade" and value not in ("", *Grade.values):
                            raise ValidationError({f: _("Choose a grade.")})
                        if value != getattr(entry, f):
                            changes[f] = value
                    if changes:
                        services.evaluation_entry_update(actor=user, entry=entry, **changes)
                messages.success(request, _("Saved."))
        except ValidationError as exc:
            errors = exc.messages
        else:
            return HttpResponseRedirect(request.path)
        ev = selectors.evaluation_for(user, pk)
        entries = list(selectors.evaluation_entries(user, ev))
    for entry in entries:
        entry.suggested = services.suggested_grade(entry)
    steps = {EvalState.SELF_REVIEW: "start_peer_review", EvalState.PEER_REVIEW: "start_poll", EvalState.POLL: "rate"}
    return render(
        request,
        "orglife/evaluation_detail.html",
        {
            "section": SECTION,
            "ev": ev,
            "entries": entries,
            "fields": fields,
            "may_change": may_change,
            "next_step": steps.get(ev.state),
            "stages": EvalState.choices,
            "grades": Grade.choices,
            "errors": errors,
            "poll": ev.state == EvalState.POLL,
        },
        status=400 if errors else 200,
    )


# -- 谈心谈话 -------------------------------------------------------------------------------------------------------


@login_required
def talk_record(request, pk: int):
    user = request.user
    org = selectors.party_org_for(user, pk)
    if not services.may_add(user, Talk, org):
        raise PermissionDenied
    members = list(entitlement.members_of(org).select_related("resident").order_by("resident__name", "pk"))
    form = TalkForm(request.POST or None, members=members, initial={"held_on": dates.today()})
    if request.method == "POST" and form.is_valid():
        by_pk = {m.pk: m for m in members}
        data = form.cleaned_data
        try:
            services.talk_record(
                actor=user,
                org=org,
                held_on=data["held_on"],
                member_a=by_pk.get(data["member_a"]),
                member_b=by_pk.get(data["member_b"]),
                topic=data["topic"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The talk has been recorded."))
            return HttpResponseRedirect(reverse("orglife:calendar", args=[org.pk]))
    return render(
        request,
        "orglife/talk_form.html",
        {"section": SECTION, "org": org, "form": form},
        status=400 if request.method == "POST" else 200,
    )
