"""/api/v1/workorders — cases as JSON: list, one with its timeline, create, attachments, and one POST per step.

Thin over ``selectors`` and ``services``: a step the state machine does not offer now answers **409** with the
standard error body, whose message names the steps this caller may take and whose ``allowed`` lists them;
PermissionDenied → 403, ValidationError → 400 with fields, a case out of scope → 404. Text is returned as
stored (HTML included): it is data for the client, never rendered here.
"""

import datetime as dt
import functools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.areas.models import Place
from linli.areas.selectors import parse_place_code, place_by_code
from linli.core.api import ERROR_RESPONSES, ErrorDetail, PageNumber
from linli.core.dates import FilterDate
from linli.core.paths import subtree_q
from linli.core.permissions import restrict
from linli.core.workdays import arranged_years, due_is_provisional, end_of_day
from linli.orgs.models import Organisation

from . import policy, selectors, services
from .models import (
    DESCRIPTION_MAX,
    AttachmentKind,
    Case,
    CaseEvent,
    CaseType,
    Category,
    Confidentiality,
    ExtensionRequest,
    Level,
    Priority,
    Source,
    State,
    TaskForce,
    VerdictLevel,
)

router = Router(tags=["workorders"])

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


# -- helpers ------------------------------------------------------------------------------------------------


def refusals(view):
    """TransitionRefused → 409 with the steps this caller may take now, named in the message and listed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.TransitionRefused as exc:
            return conflict(exc)

    return wrapper


def conflict(exc: services.TransitionRefused):
    labels = [step_label(name) for name in exc.allowed]
    if labels:
        message = _("%(reason)s Steps you may take now: %(steps)s.") % {
            "reason": exc.message,
            "steps": "、".join(labels),
        }
    else:
        message = _("%(reason)s There is no step you may take on this case now.") % {"reason": exc.message}
    body = {"error": {"code": "conflict", "message": str(message), "fields": {}, "allowed": list(exc.allowed)}}
    return JsonResponse(body, status=409, json_dumps_params={"ensure_ascii": False})


STEP_PATHS = {"return_case": "return"}


def step_label(name: str) -> str:
    """The API's name of a step (``return_case`` is POST …/return) with its translated label."""
    method = getattr(Case, name, None)
    label = ""
    if method is not None and hasattr(method, "_django_fsm"):
        for t in method._django_fsm.transitions.values():
            label = str((t.custom or {}).get("label", ""))
            break
    api_name = STEP_PATHS.get(name, name)
    return f"{api_name}（{label}）" if label else api_name


def _case(request, pk: int) -> Case:
    return selectors.case_for(request.auth, pk)


def _staff_view(case: Case, user) -> bool:
    return (
        policy.controls_queue(case, user)
        or policy.is_lead_handler(case, user)
        or policy.is_supervisor(case, user)
        or policy.is_co_handler(case, user)
    )


def _detail(request, pk: int, case: Case | None = None) -> CaseDetailOut:
    user = request.auth
    case = case if case is not None else _case(request, pk)
    staff = _staff_view(case, user)
    fresh = getattr(case, "last_event", None) if case.state == "accepted" else None
    if fresh is not None and fresh.action == "create":
        case.api_timeline = [fresh]  # the case was created in this request: its one entry is in hand
        selectors.name_actors(case, case.api_timeline, user)
    else:
        case.api_timeline = selectors.timeline(case, user=user, public_only=not staff)
    case.api_allowed = [STEP_PATHS.get(n, n) for n in services.allowed_actions(case, user)]
    case.api_verdict = case.verdict.code if case.verdict_id else None
    case.api_merged_into = case.merged_into.number if case.merged_into_id else None
    case.api_reporter = None
    if policy.sees_reporter(case, user):
        name = case.reporter_name
        if not name and case.reporter_resident_id:
            name = case.reporter_resident.name
        if not name and case.reporter_id:
            name = case.reporter.display_name or case.reporter.get_username()
        phone = case.reporter_phone_masked  # 代办: the phone staff entered; a resident's own: from their record
        if not phone and case.reporter_resident_id:
            phone = case.reporter_resident.phone_masked
        if name or phone:
            case.api_reporter = {"name": name, "phone_masked": phone}
    if staff:
        case.api_assignments = list(case.assignments.select_related("organisation").order_by("role", "pk"))
        case.api_extensions = list(case.extensions.all())
    else:
        case.api_assignments, case.api_extensions = [], []
    return case


def _org(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    org = Organisation.objects.filter(pk=pk, is_active=True).first()
    if org is None:
        raise ValidationError({field: _("Unknown organisation: %(id)s") % {"id": pk}})
    return org


def _place_for_report(code: str) -> Place:
    code = parse_place_code(code, "place")
    place = Place.objects.filter(code=code, is_active=True).first()
    if place is None:
        raise ValidationError({"place": _("Unknown place code: %(code)s") % {"code": code}})
    return place


def _after_step(request, pk: int):
    return Status(200, _detail(request, pk))


# -- reference data -----------------------------------------------------------------------------------------


@router.get("/categories", response={200: list[CategoryOut], **ERROR_RESPONSES}, summary="Case categories")
def list_categories(request, include_inactive: bool = False):
    qs = Category.objects.select_related("parent").order_by("sort", "code")
    return qs if include_inactive else qs.filter(is_active=True)


@router.get(
    "/verdict-levels",
    response={200: list[VerdictLevelOut], **ERROR_RESPONSES},
    summary="The satisfaction scale with its reason chips",
)
def list_verdict_levels(request):
    return VerdictLevel.objects.filter(is_active=True).prefetch_related("reasons").order_by("sort")


# -- cases --------------------------------------------------------------------------------------------------


@router.get("/cases", response={200: list[CaseOut], **ERROR_RESPONSES}, summary="List cases in scope")
@paginate(PageNumber)
def list_cases(request, filters: Query[CaseFilters]):
    user = request.auth
    qs = selectors.cases(user)
    if filters.state:
        qs = qs.filter(state__in=[s.value for s in filters.state])
    if filters.category:
        qs = qs.filter(Q(category__code=filters.category) | Q(category__parent__code=filters.category))
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.under:
        qs = qs.filter(subtree_q("scope_path", place_by_code(user, filters.under).path))
    if filters.created_from and filters.created_to and filters.created_from > filters.created_to:
        raise ValidationError({"created_to": _("The end of the period is before its start.")})
    if filters.created_from:
        start = end_of_day(filters.created_from - dt.timedelta(days=1))
        qs = qs.filter(created_at__gt=start)
    if filters.created_to:
        qs = qs.filter(created_at__lte=end_of_day(filters.created_to))
    if filters.overdue is not None:
        now = timezone.now()
        late = Q(state=State.DISPATCHED, sign_due__lt=now) | Q(
            state__in=[State.DISPATCHED, State.SIGNED, State.HANDLING], handle_due__lt=now
        )
        qs = qs.filter(late) if filters.overdue else qs.exclude(late)
    if filters.q:
        qs = qs.filter(Q(number__startswith=filters.q) | Q(title__icontains=filters.q))
    return qs.order_by("-created_at", "-pk")


@router.post("/cases", response={201: CaseDetailOut, **ERROR_RESPONSES}, summary="Report a case (受理)")
def create_case(request, payload: CaseIn):
    data = payload.dict()
    if data["source"] in RESERVED_SOURCES:
        raise ValidationError(
            {"source": _("The source “%(source)s” is set by the system only.") % {"source": data["source"]}}
        )
    place = _place_for_report(data.pop("place"))
    case = services.case_create(actor=request.auth, place=place, **data)
    return Status(201, _detail(request, case.pk, case=case))  # the new case, its related rows already loaded


@router.get(
    "/cases/{int:pk}",
    response={200: CaseDetailOut, **ERROR_RESPONSES},
    summary="One case with its timeline and the steps the caller may take",
)
def get_case(request, pk: int):
    return _detail(request, pk)


@router.post(
    "/cases/{int:pk}/attachments",
    response={201: list[AttachmentOut], **STEP_RESPONSES},
    summary="Add photos or PDFs (multipart; images re-encoded without EXIF)",
)
@refusals
def add_attachments(
    request, pk: int, files: File[list[UploadedFile]], kind: Form[AttachmentKind] = AttachmentKind.REPORT
):
    case = _case(request, pk)
    made = services.case_attach(actor=request.auth, case=case, files=files, kind=kind)
    return Status(201, made)


# -- the steps ----------------------------------------------------------------------------------------------


@router.post(
    "/cases/{int:pk}/whistle",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="吹哨: escalate to the district dispatch centre",
)
@refusals
def whistle(request, pk: int, payload: RequiredNoteIn):
    services.case_whistle(actor=request.auth, case=_case(request, pk), note=payload.note)
    return _after_step(request, pk)


@router.post(
    "/cases/{int:pk}/dispatch",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="派单: to a lead organisation and co-handlers, or a task force",
)
@refusals
def dispatch(request, pk: int, payload: DispatchIn):
    user = request.auth
    case = _case(request, pk)
    task_force = None
    if payload.task_force is not None:
        task_force = restrict(TaskForce.objects.select_related("lead"), user).filter(pk=payload.task_force).first()
        if task_force is None:
            raise ValidationError({"task_force": _("Unknown task force.")})
    co = [_org(i, "co_orgs") for i in dict.fromkeys(payload.co_orgs)]
    services.case_dispatch(
        actor=user,
        case=case,
        lead_org=_org(payload.lead_org, "lead_org"),
        co_orgs=co,
        task_force=task_force,
        note=payload.note,
    )
    return _after_step(request, pk)


@router.post("/cases/{int:pk}/sign", response={200: CaseDetailOut, **STEP_RESPONSES}, summary="签收 (lead handler)")
@refusals
def sign(request, pk: int, payload: NoteIn):
    services.case_sign(actor=request.auth, case=_case(request, pk), note=payload.note)
    return _after_step(request, pk)


@router.post(
    "/cases/{int:pk}/co-sign",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="A co-handler signs for its part (联合办理)",
)
@refusals
def co_sign(request, pk: int):
    services.assignment_sign(actor=request.auth, case=_case(request, pk))
    return _after_step(request, pk)


@router.post(
    "/cases/{int:pk}/return",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="退单: hand it back with a reason",
)
@refusals
def return_case(request, pk: int, payload: ReasonIn):
    services.case_return(actor=request.auth, case=_case(request, pk), reason=payload.reason)
    return _after_step(request, pk)


@router.post("/cases/{int:pk}/start", response={200: CaseDetailOut, **STEP_RESPONSES}, summary="Start handling")
@refusals
def start(request, pk: int, payload: NoteIn):
    services.case_start(actor=request.auth, case=_case(request, pk), note=payload.note)
    return _after_step(request, pk)


@router.post(
    "/cases/{int:pk}/complete",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="办结 with the reply to the resident",
)
@refusals
def complete(request, pk: int, payload: CompleteIn):
    services.case_complete(actor=request.auth, case=_case(request, pk), reply=payload.reply)
    return _after_step(request, pk)


@router.post(
    "/cases/{int:pk}/evaluate",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="回访评价: the verdict (a reopening verdict sends it back, 发回重办)",
)
@refusals
def evaluate(request, pk: int, payload: EvaluateIn):
    services.case_evaluate(
        actor=request.auth, case=_case(request, pk), verdict=payload.verdict, reasons=payload.reasons, note=payload.note
    )
    return _after_step(request, pk)


@router.post("/cases/{int:pk}/archive", response={200: CaseDetailOut, **STEP_RESPONSES}, summary="归档")
@refusals
def archive(request, pk: int, payload: NoteIn):
    services.case_archive(actor=request.auth, case=_case(request, pk), note=payload.note)
    return _after_step(request, pk)


@router.post(
    "/cases/{int:pk}/cancel",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="撤销: withdrawn by the reporter or closed by the queue owner",
)
@refusals
def cancel(request, pk: int, payload: ReasonIn):
    services.case_cancel(actor=request.auth, case=_case(request, pk), reason=payload.reason)
    return _after_step(request, pk)


@router.post(
    "/cases/{int:pk}/merge",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="合并: close a duplicate into another case",
)
@refusals
def merge(request, pk: int, payload: MergeIn):
    user = request.auth
    case = _case(request, pk)
    into = selectors.cases(user).filter(pk=payload.into).first()
    if into is None:
        raise ValidationError({"into": _("Unknown case.")})
    services.case_merge(actor=user, case=case, into=into, note=payload.note)
    return _after_step(request, pk)


@router.post(
    "/cases/{int:pk}/notes",
    response={201: EventOut, **STEP_RESPONSES},
    summary="A progress note on the timeline (handlers and the queue owner)",
)
@refusals
def add_note(request, pk: int, payload: CaseNoteIn):
    case = _case(request, pk)
    event = services.case_note(actor=request.auth, case=case, note=payload.note, public=payload.public)
    event = CaseEvent.objects.select_related("actor").prefetch_related("attachments").get(pk=event.pk)
    selectors.name_actors(case, [event], request.auth)
    return Status(201, event)


@router.post(
    "/cases/{int:pk}/extensions",
    response={201: ExtensionOut, **STEP_RESPONSES},
    summary="延期: the lead handler asks for more working days, before the deadline",
)
@refusals
def ask_extension(request, pk: int, payload: ExtensionIn):
    ext = services.extension_request(
        actor=request.auth, case=_case(request, pk), days=payload.days, reason=payload.reason
    )
    return Status(201, ext)


@router.post(
    "/cases/{int:pk}/extensions/{int:ext_id}/decide",
    response={200: ExtensionOut, **STEP_RESPONSES},
    summary="Approve or refuse an extension (whoever owns the queue)",
)
@refusals
def decide_extension(request, pk: int, ext_id: int, payload: DecideIn):
    case = _case(request, pk)
    ext = ExtensionRequest.objects.filter(pk=ext_id, case=case).first()
    if ext is None:
        raise Http404
    return services.extension_decide(actor=request.auth, extension=ext, approve=payload.approve, note=payload.note)


@router.post(
    "/cases/{int:pk}/supervise",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="督办: put the case under supervision",
)
@refusals
def supervise(request, pk: int, payload: RequiredNoteIn):
    services.case_supervise(actor=request.auth, case=_case(request, pk), note=payload.note)
    return _after_step(request, pk)


@router.post(
    "/cases/{int:pk}/urge",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="催办: remind whoever holds the case",
)
@refusals
def urge(request, pk: int, payload: NoteIn):
    services.case_urge(actor=request.auth, case=_case(request, pk), note=payload.note)
    return _after_step(request, pk)
