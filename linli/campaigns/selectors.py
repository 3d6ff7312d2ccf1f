"""Reads for pages, API and exports — every one through ``restrict``; a campaign's progress costs a constant
number of queries whatever the number of compounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404

from linli.areas.models import Place
from linli.core.permissions import Action, restrict

from .models import Campaign, CampaignState, Finding, Inspection, InspectionPhoto, Target
from .models.base import STREET_PATH_LENGTH


def campaigns(user, *, state: str = "", q: str = ""):
    qs = restrict(Campaign.objects.select_related("owner"), user)
    if state in CampaignState.values:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(title__icontains=q)
    return qs


def campaign_for(user, pk, action: str = Action.VIEW) -> Campaign:
    return get_object_or_404(restrict(Campaign.objects.select_related("owner"), user, action), pk=pk)


def targets(user, campaign: Campaign):
    return restrict(campaign.targets.select_related("compound__parent__parent", "leader"), user)


def findings(user, campaign: Campaign | None = None, *, target: Target | None = None):
    qs = restrict(
        Finding.objects.select_related("item__theme", "target__compound", "case", "inspection__inspector"), user
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if target is not None:
        qs = qs.filter(target=target)
    return qs


def finding_for(user, pk, action: str = Action.VIEW) -> Finding:
    return get_object_or_404(
        restrict(Finding.objects.select_related("item__theme", "target__compound", "campaign", "case"), user, action),
        pk=pk,
    )


def inspections(user, campaign: Campaign, *, target: Target | None = None):
    qs = restrict(
        Inspection.objects.select_related("theme", "target__compound", "inspector").filter(campaign=campaign), user
    )
    return qs.filter(target=target) if target is not None else qs


def inspection_for(user, pk) -> Inspection:
    return get_object_or_404(
        restrict(Inspection.objects.select_related("campaign", "theme", "target__compound", "inspector"), user),
        pk=pk,
    )


def photo_for(user, pk) -> InspectionPhoto:
    return get_object_or_404(restrict(InspectionPhoto.objects.all(), user), pk=pk)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Progress:
    """One row of the progress table: a compound (``target``) or a street (``place``, its compounds summed)."""

    place: Place
    target: Target | None = None
    compounds: int = 0
    inspected: int = 0  # compounds inspected at least once (a street) / inspections (a compound)
    inspections: int = 0
    last_inspected: object = None
    findings: int = 0
    no_case: int = 0
    cases_open: int = 0
    rectified: int = 0
    themes: set = field(default_factory=set)

    @property
    def rectified_pct(self) -> Decimal | None:
        return percent(self.rectified, self.findings)

    @property
    def status(self) -> str:
        if not self.inspections:
            return "not_inspected"
        if not self.findings:
            return "clear"
        return "rectified" if self.rectified == self.findings else "rectifying"

    def add(self, other: Progress) -> None:
        self.compounds += 1
        self.inspected += 1 if other.inspections else 0
        for name in ("inspections", "findings", "no_case", "cases_open", "rectified"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def progress(user, campaign: Campaign, *, key_only: bool = False) -> tuple[list[Progress], list[Progress], Progress]:
    """Per compound, per street and in total: inspections, findings, work orders open, rectified (%).
    Three queries (targets, inspections per target, findings per target) plus one for the streets."""
    rows = targets(user, campaign)
    if key_only:
        rows = rows.filter(is_key=True)
    by_target = {t.pk: Progress(place=t.compound, target=t) for t in rows}
    visits = (
        Inspection.objects.filter(target_id__in=by_target)
        .values("target_id")
        .annotate(n=Count("pk"), last=Max("inspected_at"))
    )
    for v in visits:
        row = by_target[v["target_id"]]
        row.inspections, row.last_inspected = v["n"], v["last"]
    found = (
        Finding.objects.filter(target_id__in=by_target)
        .values("target_id")
        .annotate(
            n=Count("pk"),
            no_case=Count("pk", filter=Q(case__isnull=True, rectified_on__isnull=True)),
            open=Count("pk", filter=Q(case__isnull=False, rectified_on__isnull=True)),
            done=Count("pk", filter=Q(rectified_on__isnull=False)),
        )
    )
    for f in found:
        row = by_target[f["target_id"]]
        row.findings, row.no_case, row.cases_open, row.rectified = f["n"], f["no_case"], f["open"], f["done"]
    compounds = sorted(by_target.values(), key=lambda r: r.place.path)
    streets_by_path = {
        p.path: Progress(place=p)
        for p in Place.objects.filter(path__in={r.place.path[:STREET_PATH_LENGTH] for r in compounds})
    }
    total = Progress(place=campaign.owner)
    for r in compounds:
        street = streets_by_path.get(r.place.path[:STREET_PATH_LENGTH])
        if street is not None:
            street.add(r)
        total.add(r)
    streets = sorted(streets_by_path.values(), key=lambda r: r.place.path)
    return compounds, streets, total
