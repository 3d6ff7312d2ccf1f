"""/api/v1/workorders — cases as JSON: list, one with its timeline, create, attachments, and one POST per step.

Thin over ``selectors`` and ``services``: a step the state machine does not offer now answers **409** with the
standard error body, whose message names the steps this caller may take and whose ``allowed`` lists them;
PermissionDenied → 403, ValidationError → 400 with fields, a case out of scope → 404. Text is returned as
stored (HTML included): it is data for the client, never rendered here.

The endpoints stay in this module (``linli.workorders.api``): ninja names each operation after its function's
module, so moving them would change every operationId of the published OpenAPI document. The schemas are in
``schemas``, the shared helpers in ``common``.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.paths import subtree_q
from linli.core.permissions import restrict
from linli.core.replica import reads_from_replica
from linli.core.workdays import end_of_day

from .. import selectors, services
from ..models import (
    AttachmentKind,
    CaseEvent,
    Category,
    ExtensionRequest,
    TaskForce,
    VerdictLevel,
    overdue_q,
)
from .common import active_org, after_step, case_of, detail_of, place_for_report, refusals
from .schemas import (
    RESERVED_SOURCES,
    STEP_RESPONSES,
    AttachmentOut,
    CaseDetailOut,
    CaseFilters,
    CaseIn,
    CaseNoteIn,
    CaseOut,
    CategoryOut,
    CompleteIn,
    DecideIn,
    DispatchIn,
    EvaluateIn,
    EventOut,
    ExtensionIn,
    ExtensionOut,
    MergeIn,
    NoteIn,
    ReasonIn,
    RequiredNoteIn,
    VerdictLevelOut,
)

router = Router(tags=["workorders"])

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
@reads_from_replica  # a list: may read a streaming replica when one is configured (linli.core.replica)
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
        late = overdue_q(now)
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
    place = place_for_report(data.pop("place"))
    case = services.case_create(actor=request.auth, place=place, **data)
    return Status(201, detail_of(request, case.pk, case=case))  # the new case, its related rows already loaded


@router.get(
    "/cases/{int:pk}",
    response={200: CaseDetailOut, **ERROR_RESPONSES},
    summary="One case with its timeline and the steps the caller may take",
)
def get_case(request, pk: int):
    return detail_of(request, pk)


@router.post(
    "/cases/{int:pk}/attachments",
    response={201: list[AttachmentOut], **STEP_RESPONSES},
    summary="Add photos or PDFs (multipart; images re-encoded without EXIF)",
)
@refusals
def add_attachments(
    request, pk: int, files: File[list[UploadedFile]], kind: Form[AttachmentKind] = AttachmentKind.REPORT
):
    case = case_of(request, pk)
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
    services.case_whistle(actor=request.auth, case=case_of(request, pk), note=payload.note)
    return after_step(request, pk)


@router.post(
    "/cases/{int:pk}/dispatch",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="派单: to a lead organisation and co-handlers, or a task force",
)
@refusals
def dispatch(request, pk: int, payload: DispatchIn):
    user = request.auth
    case = case_of(request, pk)
    task_force = None
    if payload.task_force is not None:
        task_force = restrict(TaskForce.objects.select_related("lead"), user).filter(pk=payload.task_force).first()
        if task_force is None:
            raise ValidationError({"task_force": _("Unknown task force.")})
    co = [active_org(i, "co_orgs") for i in dict.fromkeys(payload.co_orgs)]
    services.case_dispatch(
        actor=user,
        case=case,
        lead_org=active_org(payload.lead_org, "lead_org"),
        co_orgs=co,
        task_force=task_force,
        note=payload.note,
    )
    return after_step(request, pk)


@router.post("/cases/{int:pk}/sign", response={200: CaseDetailOut, **STEP_RESPONSES}, summary="签收 (lead handler)")
@refusals
def sign(request, pk: int, payload: NoteIn):
    services.case_sign(actor=request.auth, case=case_of(request, pk), note=payload.note)
    return after_step(request, pk)


@router.post(
    "/cases/{int:pk}/co-sign",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="A co-handler signs for its part (联合办理)",
)
@refusals
def co_sign(request, pk: int):
    services.assignment_sign(actor=request.auth, case=case_of(request, pk))
    return after_step(request, pk)


@router.post(
    "/cases/{int:pk}/return",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="退单: hand it back with a reason",
)
@refusals
def return_case(request, pk: int, payload: ReasonIn):
    services.case_return(actor=request.auth, case=case_of(request, pk), reason=payload.reason)
    return after_step(request, pk)


@router.post("/cases/{int:pk}/start", response={200: CaseDetailOut, **STEP_RESPONSES}, summary="Start handling")
@refusals
def start(request, pk: int, payload: NoteIn):
    services.case_start(actor=request.auth, case=case_of(request, pk), note=payload.note)
    return after_step(request, pk)


@router.post(
    "/cases/{int:pk}/complete",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="办结 with the reply to the resident",
)
@refusals
def complete(request, pk: int, payload: CompleteIn):
    services.case_complete(actor=request.auth, case=case_of(request, pk), reply=payload.reply)
    return after_step(request, pk)


@router.post(
    "/cases/{int:pk}/evaluate",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="回访评价: the verdict (a reopening verdict sends it back, 发回重办)",
)
@refusals
def evaluate(request, pk: int, payload: EvaluateIn):
    services.case_evaluate(
        actor=request.auth,
        case=case_of(request, pk),
        verdict=payload.verdict,
        reasons=payload.reasons,
        note=payload.note,
    )
    return after_step(request, pk)


@router.post("/cases/{int:pk}/archive", response={200: CaseDetailOut, **STEP_RESPONSES}, summary="归档")
@refusals
def archive(request, pk: int, payload: NoteIn):
    services.case_archive(actor=request.auth, case=case_of(request, pk), note=payload.note)
    return after_step(request, pk)


@router.post(
    "/cases/{int:pk}/cancel",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="撤销: withdrawn by the reporter or closed by the queue owner",
)
@refusals
def cancel(request, pk: int, payload: ReasonIn):
    services.case_cancel(actor=request.auth, case=case_of(request, pk), reason=payload.reason)
    return after_step(request, pk)


@router.post(
    "/cases/{int:pk}/merge",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="合并: close a duplicate into another case",
)
@refusals
def merge(request, pk: int, payload: MergeIn):
    user = request.auth
    case = case_of(request, pk)
    into = selectors.cases(user).filter(pk=payload.into).first()
    if into is None:
        raise ValidationError({"into": _("Unknown case.")})
    services.case_merge(actor=user, case=case, into=into, note=payload.note)
    return after_step(request, pk)


@router.post(
    "/cases/{int:pk}/notes",
    response={201: EventOut, **STEP_RESPONSES},
    summary="A progress note on the timeline (handlers and the queue owner)",
)
@refusals
def add_note(request, pk: int, payload: CaseNoteIn):
    case = case_of(request, pk)
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
        actor=request.auth, case=case_of(request, pk), days=payload.days, reason=payload.reason
    )
    return Status(201, ext)


@router.post(
    "/cases/{int:pk}/extensions/{int:ext_id}/decide",
    response={200: ExtensionOut, **STEP_RESPONSES},
    summary="Approve or refuse an extension (whoever owns the queue)",
)
@refusals
def decide_extension(request, pk: int, ext_id: int, payload: DecideIn):
    case = case_of(request, pk)
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
    services.case_supervise(actor=request.auth, case=case_of(request, pk), note=payload.note)
    return after_step(request, pk)


@router.post(
    "/cases/{int:pk}/urge",
    response={200: CaseDetailOut, **STEP_RESPONSES},
    summary="催办: remind whoever holds the case",
)
@refusals
def urge(request, pk: int, payload: NoteIn):
    services.case_urge(actor=request.auth, case=case_of(request, pk), note=payload.note)
    return after_step(request, pk)
