"""/api/v1/campaigns/: campaigns (create, themes, key compounds, start, close), their progress, inspections (JSON,
no photos — photos go through the phone page), findings turned into work orders, and the property complaint rate —
over the same selectors and services as the pages."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.accounts.pickers import picked_users
from linli.areas.selectors import place_by_code
from linli.core import dates
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.dates import EventDate
from linli.core.permissions import Action

from . import complaints, selectors, services
from .models import Targeting

router = Router(tags=["campaigns"])


class CampaignsCampaignOut(Schema):
    id: int
    owner_code: str = Field(..., alias="owner.code")
    owner_name: str = Field(..., alias="owner.name")
    title: str
    description: str
    targeting: str
    starts_on: dt.date
    ends_on: dt.date
    state: str
    closed_on: dt.date | None = None


class CampaignsFilters(Schema):
    state: Literal["draft", "running", "closed"] | None = None
    q: str | None = Field(None, max_length=60)


class CampaignsCampaignIn(Schema):
    owner: str = Field(..., max_length=24, description="Code of the district or street that runs the campaign")
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field("", max_length=4000)
    targeting: Literal["all", "key"] = Targeting.ALL
    starts_on: EventDate
    ends_on: EventDate


class CampaignsThemeIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    category: str | None = Field(None, max_length=40, description="Work-order category code of its findings")
    items: list[str] = Field(..., min_length=1, max_length=30, description="The checklist, one check each")


class CampaignsKeyIn(Schema):
    compound: str = Field(..., max_length=24, description="Compound code")
    leader: str = Field(..., max_length=150, description="The leader's username")


class CampaignsProgressOut(Schema):
    code: str
    name: str
    compounds: int
    inspected: int
    inspections: int
    findings: int
    cases_open: int
    rectified: int
    rectified_pct: str | None = Field(None, description="Rectified findings of all findings, per cent, one decimal")


class CampaignsProgressAllOut(Schema):
    total: CampaignsProgressOut
    streets: list[CampaignsProgressOut]
    compounds: list[CampaignsProgressOut]


class CampaignsCheckIn(Schema):
    item: int = Field(..., ge=1, le=2**31 - 1)
    passed: bool
    note: str = Field("", max_length=2000, description="What was found (failed checks only)")


class CampaignsInspectionIn(Schema):
    compound: str = Field(..., max_length=24, description="Compound code (one of the campaign's targets)")
    theme: int = Field(..., ge=1, le=2**31 - 1)
    checks: list[CampaignsCheckIn] = Field(..., min_length=1, max_length=30)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    note: str = Field("", max_length=2000)


class CampaignsFindingOut(Schema):
    id: int
    item: str = Field(..., alias="item.text")
    theme: str = Field(..., alias="item.theme.name")
    compound_code: str = Field(..., alias="target.compound.code")
    note: str
    status: str
    case_id: int | None = None
    rectified_on: dt.date | None = None


class CampaignsInspectionOut(Schema):
    id: int
    compound_code: str
    theme_id: int
    inspected_at: dt.datetime
    located: str
    passed: int
    failed: int
    findings: list[CampaignsFindingOut]


class CampaignsCaseOut(Schema):
    case_id: int
    number: str


class CampaignsRateOut(Schema):
    code: str
    name: str
    households: int
    complaints: int
    complaints_year_before: int
    rate: str | None = Field(None, description="Complaints per 1,000 households a month")
    rate_year_before: str | None = None
    change_pct: str | None = Field(None, description="Year-on-year change, per cent")


class CampaignsRatesOut(Schema):
    start: dt.date
    end: dt.date
    total: CampaignsRateOut | None = None
    streets: list[CampaignsRateOut]
    compounds: list[CampaignsRateOut]


class CampaignsRateFilters(Schema):
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", description="The (last) month, YYYY-MM")
    months: int = Field(1, ge=1, le=12, description="How many months, ending with ``month``")


@router.get("", response={200: list[CampaignsCampaignOut], **ERROR_RESPONSES}, summary="List campaigns in scope")
@paginate(PageNumber)
def list_campaigns(request, filters: Query[CampaignsFilters]):
    return selectors.campaigns(request.auth, state=filters.state or "", q=filters.q or "")


@router.post("", response={201: CampaignsCampaignOut, **ERROR_RESPONSES}, summary="Create a draft campaign")
def create_campaign(request, payload: CampaignsCampaignIn):
    data = payload.dict()
    data["owner"] = place_by_code(request.auth, data.pop("owner"), field="owner")
    return Status(201, services.campaign_create(actor=request.auth, **data))


@router.get("/{int:campaign_id}", response={200: CampaignsCampaignOut, **ERROR_RESPONSES}, summary="One campaign")
def get_campaign(request, campaign_id: int):
    return selectors.campaign_for(request.auth, campaign_id)


@router.post(
    "/{int:campaign_id}/themes", response={201: CampaignsCampaignOut, **ERROR_RESPONSES}, summary="Add a theme"
)
def add_theme(request, campaign_id: int, payload: CampaignsThemeIn):
    from linli.workorders.models import Category

    campaign = selectors.campaign_for(request.auth, campaign_id, Action.CHANGE)
    category = None
    if payload.category:
        category = Category.objects.filter(code=payload.category, is_active=True).first()
        if category is None:
            raise ValidationError({"category": _("Unknown case category.")})
    services.theme_add(actor=request.auth, campaign=campaign, name=payload.name, items=payload.items, category=category)
    return Status(201, selectors.campaign_for(request.auth, campaign_id))


@router.post(
    "/{int:campaign_id}/key", response={201: CampaignsCampaignOut, **ERROR_RESPONSES}, summary="Name a key compound"
)
def add_key(request, campaign_id: int, payload: CampaignsKeyIn):
    user = request.auth
    campaign = selectors.campaign_for(user, campaign_id, Action.CHANGE)
    compound = place_by_code(user, payload.compound, field="compound")
    try:
        leader = picked_users(user, [payload.leader])[0]
    except ValidationError as exc:
        raise ValidationError({"leader": exc.messages}) from exc
    services.key_target_set(actor=user, campaign=campaign, compound=compound, leader=leader)
    return Status(201, selectors.campaign_for(user, campaign_id))


@router.post("/{int:campaign_id}/start", response={200: CampaignsCampaignOut, **ERROR_RESPONSES}, summary="Start")
def start_campaign(request, campaign_id: int):
    campaign = selectors.campaign_for(request.auth, campaign_id, Action.CHANGE)
    return services.campaign_start(actor=request.auth, campaign=campaign)


@router.post("/{int:campaign_id}/close", response={200: CampaignsCampaignOut, **ERROR_RESPONSES}, summary="Close")
def close_campaign(request, campaign_id: int):
    campaign = selectors.campaign_for(request.auth, campaign_id, Action.CHANGE)
    return services.campaign_close(actor=request.auth, campaign=campaign)


def progress_out(row) -> dict:
    return {
        "code": row.place.code,
        "name": row.place.name,
        "compounds": row.compounds or (1 if row.target else 0),
        "inspected": row.inspected if row.target is None else int(bool(row.inspections)),
        "inspections": row.inspections,
        "findings": row.findings,
        "cases_open": row.cases_open,
        "rectified": row.rectified,
        "rectified_pct": None if row.rectified_pct is None else str(row.rectified_pct),
    }


@router.get(
    "/{int:campaign_id}/progress",
    response={200: CampaignsProgressAllOut, **ERROR_RESPONSES},
    summary="Progress per street and compound",
)
def campaign_progress(request, campaign_id: int):
    campaign = selectors.campaign_for(request.auth, campaign_id)
    compounds, streets, total = selectors.progress(request.auth, campaign)
    return {
        "total": progress_out(total),
        "streets": [progress_out(r) for r in streets],
        "compounds": [progress_out(r) for r in compounds],
    }


@router.post(
    "/{int:campaign_id}/inspections",
    response={201: CampaignsInspectionOut, **ERROR_RESPONSES},
    summary="Record an inspection",
)
def record_inspection(request, campaign_id: int, payload: CampaignsInspectionIn):
    user = request.auth
    campaign = selectors.campaign_for(user, campaign_id)
    compound = place_by_code(user, payload.compound, field="compound")
    theme = campaign.themes.filter(pk=payload.theme).first()
    inspection = services.inspection_record(
        actor=user,
        campaign=campaign,
        compound=compound,
        theme=theme,
        results={c.item: c.passed for c in payload.checks},
        notes={c.item: c.note for c in payload.checks},
        lat=payload.lat,
        lng=payload.lng,
        note=payload.note,
    )
    inspection = selectors.inspection_for(user, inspection.pk)
    inspection.findings_list = list(selectors.findings(user).filter(inspection=inspection))
    return Status(201, inspection_out(inspection))


def inspection_out(inspection) -> dict:
    return {
        "id": inspection.pk,
        "compound_code": inspection.target.compound.code,
        "theme_id": inspection.theme_id,
        "inspected_at": inspection.inspected_at,
        "located": inspection.located,
        "passed": inspection.passed,
        "failed": inspection.failed,
        "findings": inspection.findings_list,
    }


@router.get(
    "/{int:campaign_id}/findings",
    response={200: list[CampaignsFindingOut], **ERROR_RESPONSES},
    summary="The campaign's findings",
)
@paginate(PageNumber)
def list_findings(request, campaign_id: int):
    campaign = selectors.campaign_for(request.auth, campaign_id)
    return selectors.findings(request.auth, campaign)


@router.post(
    "/findings/{int:finding_id}/case",
    response={201: CampaignsCaseOut, **ERROR_RESPONSES},
    summary="Turn a finding into a work order",
)
def finding_case(request, finding_id: int):
    finding = selectors.finding_for(request.auth, finding_id, Action.CHANGE)
    case = services.finding_to_case(actor=request.auth, finding=finding)
    return Status(201, {"case_id": case.pk, "number": case.number})


def rate_out(r) -> dict:
    return {
        "code": r.place.code if r.place else "",
        "name": r.place.name if r.place else "",
        "households": r.households,
        "complaints": r.complaints,
        "complaints_year_before": r.complaints_before,
        "rate": None if r.rate is None else str(r.rate),
        "rate_year_before": None if r.rate_before is None else str(r.rate_before),
        "change_pct": None if r.change is None else str(r.change),
    }


@router.get("/complaint-rate", response={200: CampaignsRatesOut, **ERROR_RESPONSES}, summary="Property complaint rate")
def complaint_rate(request, filters: Query[CampaignsRateFilters]):
    last = complaints.add_months(dates.today().replace(day=1), -1)
    month = last
    if filters.month:
        year, mon = (int(x) for x in filters.month.split("-"))
        if not (1 <= mon <= 12 and 2000 <= year <= dates.today().year):
            raise ValidationError({"month": _("Enter a month as YYYY-MM.")})
        month = dt.date(year, mon, 1)
    rows, streets, total = complaints.rates(request.auth, last_month=month, months=filters.months)
    start, end = complaints.period(month, filters.months)
    return {
        "start": start,
        "end": end - dt.timedelta(days=1),
        "total": rate_out(total) if total.place is not None or total.households else None,
        "streets": [rate_out(r) for r in streets],
        "compounds": [rate_out(r) for r in rows],
    }
