"""Links campaigns adds to work-order case pages (``registry.add_record_links``; rendered by ``{% record_links %}``):
a case opened from a finding links back to the inspection that found it, for users who may see the finding."""

from __future__ import annotations

from django.urls import reverse

from linli.core.permissions import restrict
from linli.core.registry import RecordLink

from .models import Finding

ORIGIN_PREFIX = "campaigns.finding:"


def case_links(user, cases) -> dict:
    out: dict = {c.pk: [] for c in cases}
    by_finding = {}
    for c in cases:
        origin = getattr(c, "origin", "") or ""
        if origin.startswith(ORIGIN_PREFIX) and origin[len(ORIGIN_PREFIX) :].isdigit():
            by_finding.setdefault(int(origin[len(ORIGIN_PREFIX) :]), []).append(c.pk)
    if not by_finding:
        return out
    findings = restrict(Finding.objects.select_related("campaign"), user).filter(pk__in=by_finding)
    for finding in findings:
        link = RecordLink(
            finding.campaign.title, reverse("campaigns:inspection", args=[finding.inspection_id]), "case-origin"
        )
        for pk in by_finding[finding.pk]:
            out[pk].append(link)
    return out
