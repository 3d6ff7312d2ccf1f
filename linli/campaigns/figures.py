"""The workbench figures of the campaigns domain: running campaigns, findings waiting for rectification, and the
property complaint rate of the viewer's scope over the last twelve months with its year-on-year change."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core import dates
from linli.core.permissions import may_any, restrict
from linli.core.registry import Figure

from . import complaints
from .models import Campaign, CampaignState, Finding


def collect(user) -> list[Figure]:
    if not may_any(user, Campaign):
        return []
    out = []
    running = restrict(Campaign.objects.filter(state=CampaignState.RUNNING), user).count()
    waiting = restrict(Finding.objects.filter(rectified_on__isnull=True), user).count()
    out.append(
        Figure(
            "campaigns_running",
            _("Running campaigns"),
            running,
            "management",
            reverse("campaigns:list"),
            hint=_("%(n)d findings not yet rectified") % {"n": waiting} if waiting else "",
        )
    )
    last = complaints.add_months(dates.today().replace(day=1), -1)
    _rows, _streets, total = complaints.rates(user, last_month=last, months=12)
    if total.households:
        change = total.change
        out.append(
            Figure(
                "campaigns_complaint_rate",
                _("Property complaints per 1,000 households a month"),
                total.rate,
                "management",
                reverse("campaigns:complaints"),
                hint=_("%(change)s %% on the year before") % {"change": f"{change:+}"} if change is not None else "",
            )
        )
    return out
