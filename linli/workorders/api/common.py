"""What the work-order endpoints share: 409 for a refused step, the case as its detail shape, lookups."""

import functools

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Status

from linli.areas.models import Place
from linli.areas.selectors import parse_place_code
from linli.orgs.models import Organisation

from .. import policy, selectors, services
from ..models import (
    Case,
)
from .schemas import CaseDetailOut

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


def case_of(request, pk: int) -> Case:
    return selectors.case_for(request.auth, pk)


def staff_view(case: Case, user) -> bool:
    return (
        policy.controls_queue(case, user)
        or policy.is_lead_handler(case, user)
        or policy.is_supervisor(case, user)
        or policy.is_co_handler(case, user)
    )


def detail_of(request, pk: int, case: Case | None = None) -> CaseDetailOut:
    user = request.auth
    case = case if case is not None else case_of(request, pk)
    staff = staff_view(case, user)
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


def active_org(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    org = Organisation.objects.filter(pk=pk, is_active=True).first()
    if org is None:
        raise ValidationError({field: _("Unknown organisation: %(id)s") % {"id": pk}})
    return org


def place_for_report(code: str) -> Place:
    code = parse_place_code(code, "place")
    place = Place.objects.filter(code=code, is_active=True).first()
    if place is None:
        raise ValidationError({"place": _("Unknown place code: %(code)s") % {"code": code}})
    return place


def after_step(request, pk: int):
    return Status(200, detail_of(request, pk))
