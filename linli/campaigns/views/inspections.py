"""Inspection pages, phone first: choose compound and theme, tick the checklist (each check passed or failed, a
note per failed check), photos, the phone's location (optional); the inspection's page with its findings, each
one tap from a work order."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.permissions import Action, can, may_any

from .. import selectors, services
from ..forms import CaseForm, StartForm
from ..models import CampaignState, Inspection

SECTION = "management"


def inspectable(user, campaign):
    """The campaign's compounds the user may inspect."""
    return [
        t
        for t in selectors.targets(user, campaign).order_by("scope_path")
        if services.may_work_at(user, Action.ADD, Inspection, t.scope_path)
    ]


@login_required
def inspect(request, pk: int):
    user = request.user
    campaign = selectors.campaign_for(user, pk)
    if campaign.state != CampaignState.RUNNING or not may_any(user, Inspection, Action.ADD):
        raise PermissionDenied(_("Inspections are recorded while the campaign is running."))
    targets = inspectable(user, campaign)
    themes = list(campaign.themes.prefetch_related("items"))
    start = StartForm(request.GET or None, targets=targets, themes=themes)
    ctx = {
        "campaign": campaign,
        "start": start,
        "section": SECTION,
        "located_text": _("Location: where you stand (from the phone)."),
    }
    if start.is_bound and start.is_valid():
        target = next(t for t in targets if str(t.compound_id) == start.cleaned_data["compound"])
        theme = next(t for t in themes if str(t.pk) == start.cleaned_data["theme"])
        ctx.update(target=target, theme=theme, items=list(theme.items.all()))
        if request.method == "POST":
            post = request.POST
            results = {i.pk: post.get(f"item_{i.pk}") == "pass" for i in ctx["items"] if post.get(f"item_{i.pk}")}
            notes = {i.pk: post.get(f"note_{i.pk}", "") for i in ctx["items"]}
            try:
                inspection = services.inspection_record(
                    actor=user,
                    campaign=campaign,
                    compound=target.compound,
                    theme=theme,
                    results=results,
                    notes=notes,
                    photos=request.FILES.getlist("photos"),
                    lat=post.get("lat") or None,
                    lng=post.get("lng") or None,
                    note=post.get("note", ""),
                )
            except ValidationError as exc:
                ctx["errors"] = exc.messages
                ctx["posted"] = post
            else:
                messages.success(request, _("Inspection recorded."))
                return redirect("campaigns:inspection", pk=inspection.pk)
    return render(request, "campaigns/inspect.html", ctx)


@login_required
def inspection_detail(request, pk: int):
    user = request.user
    inspection = selectors.inspection_for(user, pk)
    findings = list(selectors.findings(user).filter(inspection=inspection))
    for f in findings:
        f.may_case = not f.case_id and can(user, Action.CHANGE, f)
    return render(
        request,
        "campaigns/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": findings,
            "photos": list(inspection.photos.all()),
            "case_form": CaseForm(),
            "section": SECTION,
        },
    )


@login_required
@require_POST
def finding_case(request, pk: int):
    user = request.user
    finding = selectors.finding_for(user, pk, Action.CHANGE)
    form = CaseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(" ".join(e for errs in form.errors.values() for e in errs))
        case = services.finding_to_case(actor=user, finding=finding, description=form.cleaned_data["description"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Work order %(number)s opened.") % {"number": case.number})
    return redirect("campaigns:inspection", pk=finding.inspection_id)


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


__all__ = ["finding_case", "inspect", "inspection_detail", "photo"]
