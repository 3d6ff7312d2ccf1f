"""The JSON shapes of /api/v1/workorders (what the endpoints accept and return)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from linli.core.api import ERROR_RESPONSES, ErrorDetail
from linli.core.dates import FilterDate
from linli.core.workdays import arranged_years, due_is_provisional

from ..models import (
    DESCRIPTION_MAX,
    CaseType,
    Confidentiality,
    Level,
    Priority,
    Source,
    State,
)

# Sources only the system sets: IoT alarms arrive through their gateway, Open311 requests through /open311/v2/.
RESERVED_SOURCES = frozenset({Source.IOT, Source.OPEN311})


# -- schemas ------------------------------------------------------------------------------------------------


class ConflictDetail(ErrorDetail):
    allowed: list[str] = []


class ConflictBody(Schema):
    error: ConflictDetail


STEP_RESPONSES = {**ERROR_RESPONSES, 409: ConflictBody}


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None = Field(None, alias="parent.code")
    description: str
    is_public: bool
    default_handler_id: int | None = None


class VerdictLevelOut(Schema):
    code: str
    label: str
    counts_as_satisfied: bool
    reopens: bool
    reasons: list[str] = []

    @staticmethod
    def resolve_reasons(obj):
        return [r.text for r in obj.reasons.all()]


def _due_provisional(due, context) -> bool:
    """A deadline in a provisional calendar year (no State Council arrangement entered): one query per request."""
    if due is None:
        return False
    request = (context or {}).get("request")
    years = getattr(request, "_linli_arranged_years", None)
    if years is None:
        years = arranged_years()
        if request is not None:
            request._linli_arranged_years = years
    return due_is_provisional(due, years)


class CaseOut(Schema):
    id: int
    number: str
    case_type: str
    category: str = Field(..., alias="category.code")
    category_name: str = Field(..., alias="category.name")
    title: str
    description: str
    priority: str
    source: str
    state: str
    state_label: str
    level: str
    place: str = Field(..., alias="place.code")
    place_name: str = Field(..., alias="place.name")
    address: str
    lat: Decimal | None = None
    lng: Decimal | None = None
    lead_org_id: int | None = None
    lead_org_name: str | None = None
    sign_due: dt.datetime | None = None
    handle_due: dt.datetime | None = None
    sign_due_provisional: bool = False
    handle_due_provisional: bool = False
    overdue: bool
    due_soon: bool
    supervised: bool
    reopen_count: int
    confidentiality: str
    created_at: dt.datetime
    closed_at: dt.datetime | None = None

    @staticmethod
    def resolve_state_label(obj):
        return str(obj.get_state_display())

    @staticmethod
    def resolve_lead_org_name(obj):
        return obj.lead_org.name if obj.lead_org_id else None

    @staticmethod
    def resolve_sign_due_provisional(obj, context):
        return _due_provisional(obj.sign_due, context)

    @staticmethod
    def resolve_handle_due_provisional(obj, context):
        return _due_provisional(obj.handle_due, context)

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue

    @staticmethod
    def resolve_due_soon(obj):
        return obj.is_due_soon


class AttachmentOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    original_name: str


class EventOut(Schema):
    id: int
    action: str
    actor: str = Field(
        ...,
        alias="actor_shown",
        description="Who did it. On confidential and anonymous cases the "
        "reporter's own entries are named only to those who may see the reporter",
    )
    at: dt.datetime
    from_state: str
    to_state: str
    note: str
    data: dict
    public: bool
    attachments: list[AttachmentOut] = []

    @staticmethod
    def resolve_attachments(obj):
        made = getattr(obj, "made_attachments", None)  # a new case's first entry: known without a query
        return made if made is not None else list(obj.attachments.all())


class ReporterOut(Schema):
    name: str
    phone_masked: str


class AssignmentOut(Schema):
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    role: str
    status: str
    signed_at: dt.datetime | None = None
    done_at: dt.datetime | None = None


class ExtensionOut(Schema):
    id: int
    days: int
    reason: str
    status: str
    decided_at: dt.datetime | None = None
    decision_note: str
    old_due: dt.datetime | None = None
    new_due: dt.datetime | None = None
    created_at: dt.datetime


class CaseDetailOut(CaseOut):
    reply: str
    verdict: str | None = Field(None, alias="api_verdict")
    verdict_reasons: list[str] = []
    verdict_note: str = ""
    merged_into: str | None = Field(None, alias="api_merged_into")
    close_reason: str = ""
    reporter: ReporterOut | None = Field(None, alias="api_reporter")
    assignments: list[AssignmentOut] = Field([], alias="api_assignments")
    extensions: list[ExtensionOut] = Field([], alias="api_extensions")
    timeline: list[EventOut] = Field([], alias="api_timeline")
    allowed_actions: list[str] = Field([], alias="api_allowed")


class CaseFilters(Schema):
    state: list[State] | None = Field(None, description="One or more states")
    category: str | None = Field(None, max_length=40, description="Category code (its subcategories included)")
    level: Level | None = None
    overdue: bool | None = Field(None, description="Only (or, false: no) cases past their signing/handling deadline")
    under: str | None = Field(None, max_length=24, description="Only cases in this place's subtree")
    created_from: FilterDate | None = Field(None, description="Reported on or after this day (Beijing time)")
    created_to: FilterDate | None = Field(None, description="Reported on or before this day (Beijing time)")
    q: str | None = Field(None, max_length=60, description="Number or title fragment")


class CaseIn(Schema):
    category: str = Field(..., max_length=40, description="Category code")
    case_type: CaseType = CaseType.HELP
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field(..., min_length=1, max_length=DESCRIPTION_MAX)
    place: str = Field(..., max_length=24, description="Place code: community, compound, building or house")
    priority: Priority = Priority.NORMAL
    source: Source = Field(Source.RESIDENT, description="Not iot or open311: those are set by the system only")
    address: str = Field("", max_length=200)
    lat: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    lng: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    confidentiality: Confidentiality = Confidentiality.NONE
    reporter_name: str = Field("", max_length=50, description="When entering it for someone (代办)")
    reporter_phone: str = Field("", max_length=20)
    external_ref: str = Field("", max_length=40)


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class RequiredNoteIn(Schema):
    note: str = Field(..., max_length=500)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class DispatchIn(Schema):
    lead_org: int | None = Field(None, description="Organisation id of the lead handler; omit: the community itself")
    co_orgs: list[int] = Field([], max_length=20, description="Organisation ids of the co-handlers")
    task_force: int | None = Field(None, description="Task force id (its lead and members)")
    note: str = Field("", max_length=500)


class CompleteIn(Schema):
    reply: str = Field(..., max_length=DESCRIPTION_MAX)


class EvaluateIn(Schema):
    verdict: str = Field(..., max_length=20, description="Verdict level code")
    reasons: list[str] = Field([], max_length=10)
    note: str = Field("", max_length=500)


class MergeIn(Schema):
    into: int = Field(..., description="Id of the case that carries on")
    note: str = Field("", max_length=500)


class CaseNoteIn(Schema):
    note: str = Field(..., max_length=2000)
    public: bool = True


class ExtensionIn(Schema):
    days: int = Field(..., ge=1, le=30)
    reason: str = Field(..., max_length=500)


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)
