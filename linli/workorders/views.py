"""Work-order pages: the case page with exactly the steps the user may take, the queues, the phone pages.

Thin: parse with forms, read through ``selectors``/``restrict``, write through ``services``. A step the state
machine refuses answers 409 with the message and the steps that are allowed; bad input answers 400 with field
errors and changes nothing; a step that is not the user's answers 403.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import F, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.accounts.roles import Role
from linli.areas.models import Place
from linli.core import audit
from linli.core.paths import is_within
from linli.core.permissions import bindings_for, can_at, may_any, restrict
from linli.core.views import apply_validation_error as _apply_core
from linli.orgs.models import Organisation, OrgKind

from . import forms as f
from . import policy, selectors, services
from .models import (
    ACTIVE_STATES,
    OPEN_STATES,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseStatistics,
    Category,
    ExtensionStatus,
    JointAction,
    Level,
    QueueRank,
    Source,
    State,
    TaskForce,
    TimeLimit,
    VerdictLevel,
)

SECTION = "government"
PAGE_SIZE = 50
HANDLER_KINDS = (OrgKind.DEPARTMENT, OrgKind.PROPERTY, OrgKind.STATIONED)
STAFF_ROLES = {r for r in Role.values if r != Role.RESIDENT}
PATROL_ROLES = {Role.GRID_WORKER, Role.BUILDING_HEAD, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER}
COUNTER_ROLES = {
    Role.COMMUNITY_SECRETARY,
    Role.SOCIAL_WORKER,
    Role.STREET_STAFF,
    Role.DISPATCHER,
    Role.DISTRICT_ADMIN,
    Role.GRID_WORKER,
}


FIELD_ALIASES = {"attachments": "photos", "files": "photos", "reasons": "reasons"}


def apply_validation_error(form, exc: ValidationError) -> None:
    """A service's errors onto the form; the service's "attachments" are the form's "photos"."""
    if hasattr(exc, "error_dict"):
        exc = ValidationError({FIELD_ALIASES.get(k, k): v for k, v in exc.error_dict.items()})
    _apply_core(form, exc)


def _roles(user) -> set[str]:
    return {b.role for b in bindings_for(user)}


def _is_resident_only(user) -> bool:
    roles = _roles(user)
    return not user.is_superuser and not (roles & STAFF_ROLES)


# --- who handles: organisations a case can be dispatched to ----------------------------------------------


def handler_orgs():
    """Active departments, property companies and stationed units: the dispatch targets. Organisation names
    are public reference data; only someone who controls the case's queue is offered them."""
    return list(Organisation.objects.filter(is_active=True, kind__in=HANDLER_KINDS).order_by("kind", "name"))


def suggested_lead(case: Case) -> Organisation | None:
    """The compound's property company when the category goes to property first, else the category's (or its
    parent's) default handler."""
    category = case.category
    by_property = category.handled_by_property or (category.parent_id and category.parent.handled_by_property)
    if by_property and len(case.scope_path) >= 15:
        company = Organisation.objects.filter(
            kind=OrgKind.PROPERTY, is_active=True, managed_compounds__path=case.scope_path[:15]
        ).first()
        if company:
            return company
    if category.default_handler_id:
        return category.default_handler
    if category.parent_id and category.parent.default_handler_id:
        return category.parent.default_handler
    return None


def _task_forces(user):
    return list(restrict(TaskForce.objects.filter(is_active=True), user).select_related("lead").order_by("name"))


# --- the case page --------------------------------------------------------------------------------------

TRANSITION_FORMS = {
    "whistle": f.WhistleForm,
    "dispatch": f.DispatchForm,
    "sign": f.NoteOnly,
    "start": f.StartForm,
    "complete": f.CompleteForm,
    "archive": f.NoteOnly,
    "return_case": f.TextReasonForm,
    "cancel": f.TextReasonForm,
    "merge": f.MergeForm,
}
EXTRA_FORMS = {
    "co_sign": None,
    "note": f.CaseNoteForm,
    "extension": f.ExtensionForm,
    "extension_decide": f.ExtensionDecideForm,
    "supervise": f.SuperviseForm,
    "urge": f.UrgeForm,
    "attach": f.AttachForm,
}


def _labels() -> dict[str, str]:
    labels = {t.name: str((t.custom or {}).get("label", t.name)) for t in Case().get_all_state_transitions()}
    labels.update(
        {
            "co_sign": _("Sign for our part (联合办理)"),
            "note": _("Add a progress note"),
            "extension": _("Ask for an extension (延期)"),
            "extension_decide": _("Decide on the extension"),
            "supervise": _("Supervise (督办)"),
            "urge": _("Send a reminder (催办)"),
        }
    )
    return labels


def extra_actions(case: Case, user, pending_extension) -> list[str]:
    """The steps besides transitions that ``user`` may take on ``case`` now."""
    names = []
    is_open = case.state in OPEN_STATES
    ids = policy.org_ids(user)
    if (
        is_open
        and ids
        and case.assignments.filter(
            organisation_id__in=ids, role=AssignmentRole.CO, status=AssignmentStatus.PENDING
        ).exists()
    ):
        names.append("co_sign")
    lead = policy.is_lead_handler(case, user)
    if is_open and (lead or policy.is_co_handler(case, user) or policy.controls_queue(case, user)):
        names.append("note")
    if (
        lead
        and case.state in (State.SIGNED, State.HANDLING)
        and pending_extension is None
        and not (case.handle_due and timezone.now() > case.handle_due)
    ):
        names.append("extension")
    if pending_extension is not None and policy.controls_queue(case, user):
        names.append("extension_decide")
    supervisor = policy.is_supervisor(case, user)
    if is_open and supervisor and not case.supervised:
        names.append("supervise")
    if is_open and (supervisor or policy.controls_queue(case, user)):
        names.append("urge")
    return names


def _form_for(name: str, case: Case, user, data=None, files=None):
    if name == "dispatch":
        orgs = handler_orgs()
        lead = suggested_lead(case)
        return f.DispatchForm(
            data,
            files,
            orgs=orgs,
            task_forces=_task_forces(user),
            district=case.level == Level.DISTRICT,
            prefix="dispatch",
            initial={"lead_org": lead.pk if lead else None},
        )
    if name == "co_sign":
        return None
    cls = TRANSITION_FORMS.get(name) or EXTRA_FORMS.get(name)
    return cls(data, files, prefix=name)


def _reporter(case: Case, user) -> dict | None:
    if not policy.sees_reporter(case, user):
        return None
    name = case.reporter_name
    if not name and case.reporter_resident_id:
        name = case.reporter_resident.name
    if not name and case.reporter_id:
        name = case.reporter.display_name or case.reporter.get_username()
    phone = case.reporter_phone_masked
    if not phone and case.reporter_resident_id:
        phone = case.reporter_resident.phone_masked
    may_reveal = bool(case.reporter_phone_cipher) and (
        policy.controls_queue(case, user) or policy.is_lead_handler(case, user)
    )
    return {"name": name, "phone": phone, "may_reveal": may_reveal}


def _detail_context(request, case: Case, *, bound=None, refused=None) -> dict:
    user = request.user
    public_only = _is_resident_only(user)
    pending = case.extensions.filter(status=ExtensionStatus.PENDING).first()
    allowed = services.allowed_actions(case, user)
    extras = [] if public_only and not policy.is_reporter(case, user) else extra_actions(case, user, pending)
    labels = _labels()
    actions = []
    for name in [*allowed, *extras]:
        if name == "evaluate":
            continue
        form = bound[1] if bound and bound[0] == name else _form_for(name, case, user)
        actions.append({"name": name, "label": labels.get(name, name), "form": form})
    return {
        "section": SECTION,
        "case": case,
        "labels": labels,
        "place_address": case.place.full_address(),
        "allowed": allowed,
        "extras": extras,
        "actions": actions,
        "open_form": bound[0] if bound else "",
        "refused": refused,
        "refused_allowed": [labels.get(n, n) for n in (refused.allowed if refused else [])],
        "timeline": labelled_timeline(case, user=user, public_only=public_only),
        "public_only": public_only,
        "assignments": list(case.assignments.select_related("organisation").order_by("role", "pk")),
        "pending_extension": pending,
        "reporter": _reporter(case, user),
        "joint_actions": list(restrict(case.joint_actions.all(), user)) if not public_only else [],
        "may_record_action": not public_only and _may_record(case, user),
        "may_evaluate": "evaluate" in allowed,
        "report_photos": [a for a in case.attachments.all() if a.event_id is None],
    }


def _event_labels() -> dict[str, str]:
    labels = _labels()
    labels.update(
        {
            "create": _("Reported (受理)"),
            "dispatch": _("Dispatched (派单)"),
            "sign": _("Signed for (签收)"),
            "start": _("Handling started"),
            "complete": _("Completed (办结)"),
            "evaluate": _("Verdict given"),
            "reopen": _("Sent back for re-doing (发回重办)"),
            "archive": _("Archived (归档)"),
            "return_case": _("Returned (退单)"),
            "cancel": _("Withdrawn (撤销)"),
            "merge": _("Merged (合并)"),
            "whistle": _("Whistled to the district (吹哨)"),
            "co_sign": _("Co-handler signed for its part"),
            "note": _("Progress note"),
            "attach": _("Files added"),
            "extension_requested": _("Extension asked for"),
            "extension_approved": _("Extension approved"),
            "extension_rejected": _("Extension refused"),
            "supervise": _("Put under supervision (督办)"),
            "urge": _("Reminder (催办)"),
            "escalate": _("Escalated"),
            "merged_in": _("A duplicate was merged in"),
            "joint_action": _("Joint action (联合行动)"),
        }
    )
    return labels


def _event_detail(e) -> str:
    d = e.data or {}
    if e.action == "dispatch":
        parts = [_("Lead: %(org)s") % {"org": d.get("lead", "")}]
        if d.get("co"):
            parts.append(_("Co-handlers: %(orgs)s") % {"orgs": "、".join(d["co"])})
        if d.get("task_force"):
            parts.append(_("Task force: %(tf)s") % {"tf": d["task_force"]})
        return "；".join(parts)
    if e.action in ("evaluate", "reopen") and d.get("verdict"):
        return "；".join(filter(None, [d["verdict"], "、".join(d.get("reasons") or [])]))
    if e.action == "co_sign" and d.get("organisation"):
        return d["organisation"]
    if e.action.startswith("extension") and d.get("days"):
        return _("%(n)s working days") % {"n": d["days"]}
    if e.action == "merge" and d.get("into"):
        return _("Into %(n)s") % {"n": d["into"]}
    if e.action == "merged_in" and d.get("from"):
        return _("From %(n)s") % {"n": d["from"]}
    return ""


def labelled_timeline(case: Case, *, user, public_only: bool) -> list:
    labels = _event_labels()
    events = selectors.timeline(case, user=user, public_only=public_only)
    for e in events:
        e.label = labels.get(e.action, e.action)
        e.detail = _event_detail(e)
    return events


@login_required
def attachment(request, pk: int):
    """A photo or PDF of a case the user may view (never a public media URL)."""
    from django.http import FileResponse
    from django.shortcuts import get_object_or_404

    from .models import CaseAttachment

    att = get_object_or_404(restrict(CaseAttachment.objects.all(), request.user), pk=pk)
    if _is_resident_only(request.user) and att.event_id and not att.event.public:
        raise Http404
    response = FileResponse(att.file.open("rb"), content_type=att.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _may_record(case: Case, user) -> bool:
    from .services_taskforce import may_record_action

    return may_record_action(user, place=case.place, case=case)


@login_required
def case_detail(request, pk: int):
    case = selectors.case_for(request.user, pk)
    if _is_resident_only(request.user):
        return track(request, pk, case=case)
    return render(request, "workorders/case_detail.html", _detail_context(request, case))


@login_required
def track(request, pk: int, case: Case | None = None):
    """The resident's phone page: the case, its public timeline, the verdict button when it is time."""
    case = case or selectors.case_for(request.user, pk)
    return render(
        request,
        "workorders/track.html",
        {
            "section": "services",
            "case": case,
            "place_address": case.place.full_address(),
            "timeline": labelled_timeline(case, user=request.user, public_only=True),
            "may_evaluate": "evaluate" in services.allowed_actions(case, request.user),
            "may_cancel": "cancel" in services.allowed_actions(case, request.user),
            "cancel_form": f.TextReasonForm(prefix="cancel"),
            "may_attach": _may_attach(case, request.user),
            "attach_form": f.AttachForm(prefix="attach"),
        },
    )


def _may_attach(case: Case, user) -> bool:
    return policy.is_reporter(case, user) and case.state in OPEN_STATES


def _org_choice(form, field: str, pk):
    if pk is None:
        return None
    org = form.orgs.get(pk)
    if org is None:
        raise ValidationError({field: _("Choose one of the organisations offered.")})
    return org


def _run(name: str, case: Case, user, form) -> str:
    """Run the step; returns the success message."""
    d = form.cleaned_data if form is not None else {}
    photos = d.get("photos") or []
    if name == "whistle":
        services.case_whistle(actor=user, case=case, note=d["note"])
        return _("Whistled to the district dispatch centre.")
    if name == "dispatch":
        lead = _org_choice(form, "lead_org", d.get("lead_org"))
        co = [_org_choice(form, "co_orgs", pk) for pk in d.get("co_orgs") or []]
        task_force = None
        if d.get("task_force"):
            task_force = form.task_forces.get(d["task_force"])
            if task_force is None:
                raise ValidationError({"task_force": _("Choose one of the task forces offered.")})
        services.case_dispatch(
            actor=user, case=case, lead_org=lead, co_orgs=co, task_force=task_force, note=d.get("note", "")
        )
        return _("Dispatched.")
    if name == "sign":
        services.case_sign(actor=user, case=case, note=d.get("note", ""))
        return _("Signed for.")
    if name == "start":
        services.case_start(actor=user, case=case, note=d.get("note", ""), attachments=photos)
        return _("Handling started.")
    if name == "complete":
        services.case_complete(actor=user, case=case, reply=d["reply"], attachments=photos)
        return _("Completed; the reporter has been asked for a verdict.")
    if name == "archive":
        services.case_archive(actor=user, case=case, note=d.get("note", ""))
        return _("Archived.")
    if name == "return_case":
        services.case_return(actor=user, case=case, reason=d["reason"])
        return _("Returned to whoever dispatched it.")
    if name == "cancel":
        services.case_cancel(actor=user, case=case, reason=d["reason"])
        return _("Withdrawn.")
    if name == "merge":
        target = selectors.cases(user).filter(number=d["into"].strip()).first()
        if target is None:
            raise ValidationError({"into": _("No case with this number.")})
        services.case_merge(actor=user, case=case, into=target, note=d.get("note", ""))
        return _("Merged into %(n)s.") % {"n": target.number}
    if name == "co_sign":
        services.assignment_sign(actor=user, case=case)
        return _("Signed for your part.")
    if name == "note":
        services.case_note(
            actor=user, case=case, note=d["note"], attachments=photos, kind=d["kind"], public=d.get("public", False)
        )
        return _("Note added.")
    if name == "extension":
        services.extension_request(actor=user, case=case, days=d["days"], reason=d["reason"])
        return _("Extension asked for.")
    if name == "extension_decide":
        pending = case.extensions.filter(status=ExtensionStatus.PENDING).first()
        if pending is None:
            raise ValidationError({"approve": _("There is no extension request waiting.")})
        services.extension_decide(actor=user, extension=pending, approve=d["approve"], note=d.get("note", ""))
        return _("Decision recorded.")
    if name == "supervise":
        services.case_supervise(actor=user, case=case, note=d["note"])
        return _("The case is under supervision.")
    if name == "urge":
        services.case_urge(actor=user, case=case, note=d.get("note", ""))
        return _("Reminder sent.")
    if name == "attach":
        services.case_attach(actor=user, case=case, files=photos)
        return _("Photos added.")
    raise Http404


@never_cache
@login_required
@require_POST
def case_act(request, pk: int, name: str):
    """One step on a case, from the case page's forms."""
    if name not in TRANSITION_FORMS and name not in EXTRA_FORMS:
        raise Http404
    user = request.user
    case = selectors.case_for(user, pk)
    form = _form_for(name, case, user, request.POST, request.FILES)
    status = 400
    refused = None
    if form is None or form.is_valid():
        try:
            message = _run(name, case, user, form)
        except ValidationError as exc:
            if form is None:
                raise PermissionDenied(" ".join(exc.messages)) from exc
            apply_validation_error(form, exc)
        except services.TransitionRefused as exc:
            refused, status = exc, 409
        else:
            messages.success(request, message)
            if _is_resident_only(user):
                return redirect("workorders:track", pk=case.pk)
            return redirect("workorders:case_detail", pk=case.pk)
    case = selectors.case_for(user, pk)
    if _is_resident_only(user):
        ctx = {
            "section": "services",
            "case": case,
            "place_address": case.place.full_address(),
            "timeline": labelled_timeline(case, user=request.user, public_only=True),
            "refused": refused,
            "cancel_form": form if name == "cancel" else f.TextReasonForm(prefix="cancel"),
            "may_evaluate": "evaluate" in services.allowed_actions(case, user),
            "may_cancel": "cancel" in services.allowed_actions(case, user),
            "may_attach": _may_attach(case, user),
            "attach_form": form if name == "attach" else f.AttachForm(prefix="attach"),
            "refused_allowed": [_labels().get(n, n) for n in (refused.allowed if refused else [])],
        }
        return render(request, "workorders/track.html", ctx, status=status)
    ctx = _detail_context(request, case, bound=None if refused else (name, form), refused=refused)
    return render(request, "workorders/case_detail.html", ctx, status=status)


@never_cache
@login_required
@require_POST
def reveal_phone(request, pk: int):
    """The reporter's phone in full: asks a purpose (the htmx prompt); refused without one; audited."""
    case = selectors.case_for(request.user, pk)
    purpose = request.POST.get("purpose", "") or audit.prompt_text(request)
    try:
        phone = services.reveal_reporter_phone(actor=request.user, case=case, purpose=purpose)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    response = render(request, "workorders/_reveal.html", {"phone": phone, "case": case})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def evaluate(request, pk: int):
    """回访评价: 满意 / 基本满意 / 不满意 with reason chips."""
    user = request.user
    case = selectors.case_for(user, pk)
    levels = list(VerdictLevel.objects.filter(is_active=True).prefetch_related("reasons").order_by("sort"))
    form = f.EvaluateForm(request.POST or None, levels=levels)
    refused = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.case_evaluate(
                    actor=user, case=case, verdict=d["verdict"], reasons=d["reasons"], note=d["note"]
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except services.TransitionRefused as exc:
                refused, status = exc, 409
            else:
                messages.success(request, _("Thank you for your verdict."))
                return redirect("workorders:case_detail", pk=case.pk)
    allowed = services.allowed_actions(case, user)
    return render(
        request,
        "workorders/evaluate.html",
        {
            "section": "services",
            "case": case,
            "form": form,
            "levels": levels,
            "refused": refused,
            "return_visit": not policy.is_reporter(case, user),
            "may_evaluate": "evaluate" in allowed,
            "refused_allowed": [_labels().get(n, n) for n in (refused.allowed if refused else [])],
        },
        status=status,
    )


# --- queues ---------------------------------------------------------------------------------------------


def _overdue_q(now, prefix: str = "") -> Q:
    p = prefix
    return Q(**{f"{p}state": State.DISPATCHED, f"{p}sign_due__lt": now}) | Q(
        **{f"{p}state__in": [State.DISPATCHED, State.SIGNED, State.HANDLING], f"{p}handle_due__lt": now}
    )


def _filtered(request, qs, states, prefix: str = ""):
    """The queue filters; ``prefix`` reaches the case from the rows listed (``case__`` for assignment rows)."""
    p = prefix
    categories = list(Category.objects.filter(is_active=True).select_related("parent"))
    form = f.QueueFilterForm(request.GET or None, states=states, categories=categories)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        if d["state"]:
            qs = qs.filter(**{f"{p}state": d["state"]})
        if d["category"]:
            qs = qs.filter(
                Q(**{f"{p}category__code": d["category"]}) | Q(**{f"{p}category__parent__code": d["category"]})
            )
        if d["overdue"]:
            qs = qs.filter(_overdue_q(timezone.now(), p))
        if d["period"]:
            qs = qs.filter(**{f"{p}created_at__gte": timezone.now() - dt.timedelta(days=int(d["period"]))})
    elif form.is_bound:
        qs = qs.none()
    return form, qs


def _queue_page(
    request,
    *,
    qs,
    states,
    title: str,
    kind: str,
    template="workorders/queue.html",
    extra=None,
    prefix: str = "",
    to_rows=None,
):
    form, qs = _filtered(request, qs, states, prefix)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = to_rows(page.object_list) if to_rows else page.object_list
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {
        "section": SECTION,
        "form": form,
        "page_obj": page,
        "object_list": rows,
        "is_paginated": page.has_other_pages(),
        "querystring": params.urlencode(),
        "title": title,
        "kind": kind,
        "now": timezone.now(),
        "may_config": may_any(request.user, TimeLimit),
        # Buttons only where their page opens for this user.
        "may_patrol": _report_mode_allowed(request.user, "patrol"),
        "may_counter": _report_mode_allowed(request.user, "counter"),
        "may_stats": may_any(request.user, CaseStatistics),
        **(extra or {}),
    }
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template += "#results"
    return render(request, template, ctx)


def _overdue_first(qs):
    now = timezone.now()
    return qs.annotate(
        overdue_rank=When_(When(_overdue_q(now), then=Value(0)), default=Value(1), output_field=IntegerField())
    )


@login_required
def dispatch_queue(request):
    """The district dispatch centre: whistled cases waiting for dispatch, then those in progress, overdue first."""
    user = request.user
    if not (user.is_superuser or _roles(user) & policy.DISPATCH_ROLES):
        raise PermissionDenied
    qs = _overdue_first(selectors.dispatch_queue(user)).annotate(
        waiting=When_(When(state=State.ACCEPTED, then=Value(0)), default=Value(1), output_field=IntegerField())
    )
    qs = qs.order_by("waiting", "overdue_rank", F("handle_due").asc(nulls_last=True), "created_at")
    return _queue_page(request, qs=qs, states=ACTIVE_STATES, title=_("Dispatch queue (吹哨报到)"), kind="dispatch")


@login_required
def org_queue(request):
    """A department's or property company's queue (接单): to sign for first, then by the next deadline it faces
    (overdue ones therefore first); co-handled cases marked. Read from the organisation's assignment rows, so the
    first page is one index range however many cases the district has (bench/workorders_queue.py)."""
    user = request.user
    if not policy.org_ids(user):
        raise PermissionDenied

    def to_rows(assignments):
        rows, seen = [], set()
        for a in assignments:
            if a.case_id in seen:  # staff of two organisations both on one case: list it once
                continue
            seen.add(a.case_id)
            a.case.pending = a.queue_rank == QueueRank.TO_SIGN
            a.case.as_co = a.role == AssignmentRole.CO
            rows.append(a.case)
        return rows

    return _queue_page(
        request,
        qs=selectors.org_queue_assignments(user),
        states=ACTIVE_STATES,
        title=_("Our cases (接单)"),
        kind="org",
        prefix="case__",
        to_rows=to_rows,
    )


@login_required
def community_queue(request):
    """The community: new reports, in progress, completed and waiting for the resident's verdict."""
    user = request.user
    if not (user.is_superuser or _roles(user) & (policy.COMMUNITY_ROLES | {Role.STREET_STAFF, Role.GRID_WORKER})):
        raise PermissionDenied
    qs = _overdue_first(selectors.community_queue(user)).annotate(
        group=When_(
            When(state=State.ACCEPTED, then=Value(0)),
            When(state=State.COMPLETED, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    qs = qs.order_by("group", "overdue_rank", F("handle_due").asc(nulls_last=True), "-created_at")
    return _queue_page(request, qs=qs, states=ACTIVE_STATES, title=_("Community queue"), kind="community")


@login_required
def my_cases(request):
    """A resident's own reports."""
    qs = selectors.my_reports(request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workorders/my_cases.html",
        {
            "section": "services",
            "page_obj": page,
            "object_list": page.object_list,
            "is_paginated": page.has_other_pages(),
            "querystring": "",
            "may_report": _report_mode_allowed(request.user, "resident"),
        },
    )


@login_required
def home(request):
    """工单: the queue that fits the user's role."""
    user = request.user
    roles = _roles(user)
    if user.is_superuser or roles & policy.DISPATCH_ROLES:
        return redirect("workorders:dispatch_queue")
    if policy.org_ids(user):
        return redirect("workorders:org_queue")
    if roles & (policy.COMMUNITY_ROLES | {Role.STREET_STAFF, Role.GRID_WORKER}):
        return redirect("workorders:community_queue")
    return redirect("workorders:my_cases")


# --- reporting ------------------------------------------------------------------------------------------


def _report_mode_allowed(user, mode: str) -> bool:
    if not user.is_authenticated:
        return False
    roles = _roles(user)
    if mode == "resident":
        return Role.RESIDENT in roles
    if mode == "patrol":
        return user.is_superuser or bool(roles & PATROL_ROLES)
    return user.is_superuser or bool(roles & COUNTER_ROLES)


def report_roots(user) -> list[Place]:
    """Where the user may report: a resident anywhere in their home community, staff in their places."""
    paths = set()
    for b in bindings_for(user):
        if b.role == Role.RESIDENT and b.place_id:
            paths.add(b.place.path[:12])
        elif b.role in COUNTER_ROLES | PATROL_ROLES:
            paths.update(Case.coverage_prefixes(b))
    if user.is_superuser and not paths:
        return list(Place.objects.filter(level=1, is_active=True).order_by("path"))
    return list(Place.objects.filter(path__in=paths, is_active=True).order_by("path"))


def place_children(place: Place):
    """The next choice down the picker: compounds, buildings, then houses (skipping units)."""
    if place.level >= 7:
        return Place.objects.none()
    if place.level == 5:
        qs = Place.objects.filter(path__startswith=place.path, level=7)
    else:
        qs = Place.objects.filter(parent=place)
    return qs.filter(is_active=True).select_related("parent").order_by("path")


def _picker_place(user, code: str) -> Place | None:
    """A place inside the user's report roots (place names are not personal data; the same rule as the
    reporting service's)."""
    if not code or not code.isdigit():
        return None
    place = Place.objects.filter(code=code, is_active=True).first()
    roots = [p.path for p in report_roots(user)]
    if place is None or not is_within(place.path, roots):
        return None
    return place


def picker_chain(user, roots: list[Place], chosen: Place | None) -> tuple[str, list[dict]]:
    """(the root's code, one select per level below it) with the chosen place's ancestors selected."""
    if chosen is not None:
        paths = [*chosen.ancestor_paths(), chosen.path]
        nodes = [
            p
            for p in Place.objects.filter(path__in=paths).order_by("path")
            if p.level != 6 and is_within(p.path, [r.path for r in roots])
        ]
    else:
        nodes = roots[:1] if len(roots) == 1 else []
    chain = []
    for i, node in enumerate(nodes):
        children = list(place_children(node))
        if not children:
            break
        chain.append({"place": node, "children": children, "selected": nodes[i + 1].code if i + 1 < len(nodes) else ""})
    return (nodes[0].code if nodes else ""), chain


@login_required
def place_options(request):
    """htmx: the select for the level below the chosen place (the address picker's cascade)."""
    codes = [c for c in request.GET.getlist("place") if c]
    place = _picker_place(request.user, request.GET.get("chosen") or (codes[-1] if codes else ""))
    chain = [{"place": place, "children": list(place_children(place)), "selected": ""}] if place else []
    return render(request, "workorders/_place_select.html", {"chain": chain})


def _own_resident(user):
    """The resident record linked to this login (``Resident.account``), if any."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return user.resident
    except (ObjectDoesNotExist, AttributeError):
        return None


SOURCE_FOR_MODE = {"resident": Source.RESIDENT, "patrol": Source.PATROL, "counter": Source.COUNTER}


@login_required
def report(request, mode: str = "resident"):
    """我要报事 (residents), patrol finds (grid workers), counter and phone reports on a resident's behalf."""
    user = request.user
    if mode not in SOURCE_FOR_MODE:
        raise Http404
    if not _report_mode_allowed(user, mode):
        # 我要报事 in the menu: staff land on the report form that fits their role.
        if mode == "resident" and _report_mode_allowed(user, "patrol"):
            return redirect("workorders:report_patrol")
        if mode == "resident" and _report_mode_allowed(user, "counter"):
            return redirect("workorders:report_counter")
        raise PermissionDenied
    categories = Category.objects.filter(is_active=True).select_related("parent")
    if mode == "resident":
        categories = categories.filter(is_public=True)
    categories = list(categories)
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        chosen = [c for c in request.POST.getlist("place") if c]
        data["place"] = chosen[-1] if chosen else ""
    form = f.ReportForm(data, request.FILES or None, categories=categories, mode=mode)
    roots = report_roots(user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            place = _picker_place(user, d["place"]) if d["place"] else (roots[0] if len(roots) == 1 else None)
            try:
                if place is None:
                    raise ValidationError({"place": _("Say where the problem is.")})
                case = services.case_create(
                    actor=user,
                    category=d["category"],
                    case_type=d["case_type"],
                    title=d["title"],
                    description=d["description"],
                    place=place,
                    address=d["address"],
                    lat=d["lat"],
                    lng=d["lng"],
                    source=SOURCE_FOR_MODE[mode],
                    confidentiality=d.get("confidentiality") or "none",
                    priority=d.get("priority") or "normal",
                    reporter_name=d.get("reporter_name", ""),
                    reporter_phone=d.get("reporter_phone", ""),
                    attachments=d["photos"],
                    reporter_resident=_own_resident(user) if mode == "resident" else None,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Your report has been received. Number: %(n)s") % {"n": case.number})
                return redirect("workorders:case_detail", pk=case.pk)
    chosen = _picker_place(user, form.data.get("place", "")) if form.is_bound else None
    root_code, chain = picker_chain(user, roots, chosen)
    return render(
        request,
        "workorders/report.html",
        {
            "section": "services" if mode == "resident" else SECTION,
            "form": form,
            "mode": mode,
            "categories": categories,
            "category_groups": category_groups(categories),
            "roots": roots,
            "root_code": root_code,
            "chain": chain,
        },
        status=status,
    )


def category_groups(categories) -> list[tuple]:
    """Top-level categories, each with its subcategories (a subcategory is never shown as its parent's sibling);
    a subcategory whose parent is not offered stands as a group of its own."""
    offered = {c.pk for c in categories}
    children: dict[int, list] = {}
    for c in categories:
        if c.parent_id in offered:
            children.setdefault(c.parent_id, []).append(c)
    return [(c, children.get(c.pk, [])) for c in categories if c.parent_id not in offered]


# --- task forces and joint actions --------------------------------------------------------------------------


@login_required
def taskforce_list(request):
    user = request.user
    if not may_any(user, TaskForce):
        raise PermissionDenied
    qs = restrict(TaskForce.objects.select_related("lead", "place"), user).order_by("-is_active", "name")
    return render(
        request,
        "workorders/taskforce_list.html",
        {"section": SECTION, "task_forces": qs, "may_add": may_any(user, TaskForce, "add")},
    )


@login_required
def taskforce_detail(request, pk: int):
    from django.shortcuts import get_object_or_404

    user = request.user
    tf = get_object_or_404(restrict(TaskForce.objects.select_related("lead", "place"), user), pk=pk)
    return render(
        request,
        "workorders/taskforce_detail.html",
        {
            "section": SECTION,
            "tf": tf,
            "members": list(tf.members.all()),
            "cases": list(selectors.cases(user).filter(task_force=tf)[:50]),
            "actions": list(
                restrict(JointAction.objects.filter(task_force=tf), user)
                .select_related("case")
                .prefetch_related("units")
            ),
            "may_record": may_any(user, JointAction, "add"),
        },
    )


@login_required
def taskforce_create(request):
    from .services_taskforce import taskforce_create as create

    user = request.user
    if not may_any(user, TaskForce, "add"):
        raise PermissionDenied
    orgs = handler_orgs()
    form = f.TaskForceForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                # Places are found by code; the service checks the right to set up a task force there.
                place = Place.objects.filter(code=d["place"], is_active=True).first()
                if place is None or not can_at(user, "add", TaskForce, place.path):
                    raise ValidationError({"place": _("Unknown place code: %(code)s") % {"code": d["place"]}})
                tf = create(
                    actor=user,
                    kind=d["kind"],
                    name=d["name"],
                    place=place,
                    lead=_org_choice(form, "lead", d["lead"]),
                    members=[_org_choice(form, "members", pk) for pk in d["members"]],
                    road=d["road"],
                    people=d["people"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Task force set up."))
                return redirect("workorders:taskforce_detail", pk=tf.pk)
    return render(request, "workorders/taskforce_form.html", {"section": SECTION, "form": form}, status=status)


@login_required
def joint_action_create(request):
    """联合行动 for a task force (``?task_force=``) and/or a case (``?case=``)."""
    from django.shortcuts import get_object_or_404

    from .services_taskforce import joint_action_record

    user = request.user
    tf = case = None
    tf_pk = request.GET.get("task_force") or ""
    case_pk = request.GET.get("case") or ""
    if tf_pk.isdigit():
        tf = get_object_or_404(restrict(TaskForce.objects.all(), user), pk=int(tf_pk))
    if case_pk.isdigit():
        case = selectors.case_for(user, int(case_pk))
    if tf is None and case is None:
        raise Http404
    orgs = handler_orgs()
    initial = {"held_at": timezone.localtime().replace(second=0, microsecond=0)}
    if case is not None:
        initial["case"] = case.number
    form = f.JointActionForm(request.POST or None, orgs=orgs, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            linked = case
            try:
                if d["case"] and (case is None or d["case"].strip() != case.number):
                    linked = selectors.cases(user).filter(number=d["case"].strip()).first()
                    if linked is None:
                        raise ValidationError({"case": _("No case with this number.")})
                joint_action_record(
                    actor=user,
                    title=d["title"],
                    held_at=d["held_at"],
                    outcome=d["outcome"],
                    task_force=tf,
                    case=linked,
                    units=[_org_choice(form, "units", pk) for pk in d["units"]],
                    participants=d["participants"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Joint action recorded."))
                if linked is not None:
                    return redirect("workorders:case_detail", pk=linked.pk)
                return redirect("workorders:taskforce_detail", pk=tf.pk)
    return render(
        request,
        "workorders/joint_action_form.html",
        {"section": SECTION, "form": form, "tf": tf, "case": case},
        status=status,
    )


def case_url(case: Case) -> str:
    return reverse("workorders:case_detail", args=[case.pk])
