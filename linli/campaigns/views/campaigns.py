"""Campaign pages: the list, a new campaign, its page (themes, key compounds, state, progress per street and
compound), the key compounds' board (包保), the closing report (printable page and xlsx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.pickers import picked_users
from linli.areas.selectors import place_by_code
from linli.core.permissions import Action, can, may_any
from linli.core.views import ScopedListView, apply_validation_error

from .. import reports, selectors, services
from ..forms import CampaignForm, KeyTargetForm, ThemeForm
from ..models import Campaign, CampaignState, Inspection

SECTION = "management"


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class CampaignListView(ScopedListView):
    model = Campaign
    template_name = "campaigns/campaign_list.html"

    def get_queryset(self):
        user = self.request.user
        if not may_any(user, Campaign):
            raise PermissionDenied
        self.state = self.request.GET.get("state", "")
        return selectors.campaigns(user, state=self.state, q=self.request.GET.get("q", "").strip()[:60])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            section=SECTION,
            states=CampaignState.choices,
            state=self.state,
            may_add=may_any(self.request.user, Campaign, Action.ADD),
        )
        return ctx


@login_required
def campaign_create(request):
    user = request.user
    if not may_any(user, Campaign, Action.ADD):
        raise PermissionDenied(_("You cannot start campaigns."))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["owner"] = place_by_code(user, data.pop("owner"), field="owner")
            campaign = services.campaign_create(actor=user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Campaign created: add its themes and checklists."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "title": _("New campaign"), "section": SECTION})


@login_required
def campaign_detail(request, pk: int):
    user = request.user
    campaign = selectors.campaign_for(user, pk)
    compounds, streets, total = selectors.progress(user, campaign)
    may_change = can(user, Action.CHANGE, campaign)
    ctx = {
        "campaign": campaign,
        "themes": campaign.themes.prefetch_related("items").select_related("category"),
        "compounds": compounds,
        "streets": streets,
        "total": total,
        "may_change": may_change,
        "may_inspect": campaign.state == CampaignState.RUNNING and may_any(user, Inspection, Action.ADD),
        "section": SECTION,
    }
    if may_change and campaign.state == CampaignState.DRAFT:
        ctx["theme_form"] = ThemeForm()
    if may_change and campaign.state != CampaignState.CLOSED:
        ctx["key_form"] = KeyTargetForm()
    return render(request, "campaigns/campaign_detail.html", ctx)


@login_required
@require_POST
def theme_add(request, pk: int):
    campaign = selectors.campaign_for(request.user, pk, Action.CHANGE)
    form = ThemeForm(request.POST)
    if form.is_valid():
        try:
            services.theme_add(
                actor=request.user,
                campaign=campaign,
                name=form.cleaned_data["name"],
                category=form.cleaned_data["category"],
                items=form.cleaned_data["items"].splitlines(),
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Theme added."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
@require_POST
def key_target(request, pk: int):
    user = request.user
    campaign = selectors.campaign_for(user, pk, Action.CHANGE)
    form = KeyTargetForm(request.POST)
    if form.is_valid():
        try:
            compound = place_by_code(user, form.cleaned_data["compound"], field="compound")
            leaders = picked_users(user, [form.cleaned_data["leader"]])
            services.key_target_set(actor=user, campaign=campaign, compound=compound, leader=leaders[0])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Key compound and leader saved."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_start(request, pk: int):
    return state_step(request, pk, services.campaign_start, _("Campaign started."))


@login_required
@require_POST
def campaign_close(request, pk: int):
    return state_step(request, pk, services.campaign_close, _("Campaign closed."))


def state_step(request, pk: int, service, ok: str):
    campaign = selectors.campaign_for(request.user, pk, Action.CHANGE)
    try:
        service(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, ok)
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
def key_board(request, pk: int):
    """The key compounds (包保): leader, problems, visits, status."""
    user = request.user
    campaign = selectors.campaign_for(user, pk)
    compounds, _streets, _total = selectors.progress(user, campaign, key_only=True)
    problems = {}
    for f in selectors.findings(user, campaign).filter(target__is_key=True):
        problems.setdefault(f.target_id, []).append(f)
    for row in compounds:
        row.problems = problems.get(row.target.pk, [])
    return render(
        request, "campaigns/key_board.html", {"campaign": campaign, "compounds": compounds, "section": SECTION}
    )


@login_required
def campaign_report(request, pk: int):
    """The closing report as a printable page."""
    user = request.user
    campaign = selectors.campaign_for(user, pk)
    compounds, streets, total = selectors.progress(user, campaign)
    return render(
        request,
        "campaigns/report.html",
        {
            "campaign": campaign,
            "compounds": compounds,
            "streets": streets,
            "total": total,
            "findings": selectors.findings(user, campaign).order_by("scope_path", "pk"),
            "section": SECTION,
        },
    )


@login_required
def campaign_export(request, pk: int):
    user = request.user
    campaign = selectors.campaign_for(user, pk)
    handle = reports.closing_report(user, campaign)
    return FileResponse(handle, as_attachment=True, filename=f"campaign-{campaign.pk}.xlsx")
