"""The case page with exactly the steps the user may take, the resident's phone page, the verdict page.

A step the state machine refuses answers 409 with the message and the steps that are allowed; bad input answers
400 with field errors and changes nothing; a step that is not the user's answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.core import audit
from linli.core.permissions import restrict

from .. import forms as f
from .. import hooks, policy, selectors, services
from ..models import Case, CaseAttachment, ExtensionStatus, VerdictLevel
from ..services.taskforces import may_record_action
from .actions import EXTRA_FORMS, STEPS, TRANSITION_FORMS, form_for
from .common import SECTION, apply_validation_error


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
    public_only = policy.is_resident_only(user)
    pending = case.extensions.filter(status=ExtensionStatus.PENDING).first()
    allowed = services.allowed_actions(case, user)
    extras = [] if public_only and not policy.is_reporter(case, user) else policy.extra_actions(case, user, pending)
    labels = _labels()
    actions = []
    for name in [*allowed, *extras]:
        if name == "evaluate":
            continue
        form = bound[1] if bound and bound[0] == name else form_for(name, case, user)
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
        "panels": [] if public_only else hooks.panels_for(request, case),
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
            "recategorise": _("Category changed"),
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
    if e.action == "recategorise" and d.get("to"):
        return f"{d.get('from', '')} → {d['to']}"
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
    att = get_object_or_404(restrict(CaseAttachment.objects.all(), request.user), pk=pk)
    if policy.is_resident_only(request.user) and att.event_id and not att.event.public:
        raise Http404
    response = FileResponse(att.file.open("rb"), content_type=att.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _may_record(case: Case, user) -> bool:
    return may_record_action(user, place=case.place, case=case)


@login_required
def case_detail(request, pk: int):
    case = selectors.case_for(request.user, pk)
    if policy.is_resident_only(request.user):
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
            "may_attach": policy.may_attach(case, request.user),
            "attach_form": f.AttachForm(prefix="attach"),
        },
    )


@never_cache
@login_required
@require_POST
def case_act(request, pk: int, name: str):
    """One step on a case, from the case page's forms."""
    if name not in TRANSITION_FORMS and name not in EXTRA_FORMS:
        raise Http404
    user = request.user
    case = selectors.case_for(user, pk)
    form = form_for(name, case, user, request.POST, request.FILES)
    status = 400
    refused = None
    if form is None or form.is_valid():
        try:
            message = STEPS[name](case, user, form)
        except ValidationError as exc:
            if form is None:
                raise PermissionDenied(" ".join(exc.messages)) from exc
            apply_validation_error(form, exc)
        except services.TransitionRefused as exc:
            refused, status = exc, 409
        else:
            messages.success(request, message)
            if policy.is_resident_only(user):
                return redirect("workorders:track", pk=case.pk)
            return redirect("workorders:case_detail", pk=case.pk)
    case = selectors.case_for(user, pk)
    if policy.is_resident_only(user):
        ctx = {
            "section": "services",
            "case": case,
            "place_address": case.place.full_address(),
            "timeline": labelled_timeline(case, user=request.user, public_only=True),
            "refused": refused,
            "cancel_form": form if name == "cancel" else f.TextReasonForm(prefix="cancel"),
            "may_evaluate": "evaluate" in services.allowed_actions(case, user),
            "may_cancel": "cancel" in services.allowed_actions(case, user),
            "may_attach": policy.may_attach(case, user),
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


def case_url(case: Case) -> str:
    return reverse("workorders:case_detail", args=[case.pk])
