"""The steps of a case's life: whistle, dispatch, sign, handle, complete, evaluate, archive, return, cancel, merge.

Each is one service over ``base.transition`` (lock, check, change, timeline, audit, publish)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.notifications.services import notify
from linli.orgs.models import Organisation

from .. import policy
from ..models import (
    OPEN_STATES,
    AssignmentRole,
    AssignmentStatus,
    AttachmentKind,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    Category,
    Level,
    State,
    TaskForce,
    VerdictLevel,
)
from .base import (
    TransitionRefused,
    allowed_actions,
    attach_files,
    case_url,
    check_text,
    deadlines_from,
    handlers_of,
    lock_case,
    max_reopens,
    record_event,
    sync_queue,
    transition,
    users_of_orgs,
    users_with_roles_over,
)

# --- the steps --------------------------------------------------------------------------------------------


@transaction.atomic
def case_whistle(*, actor, case: Case, note: str = "") -> Case:
    """吹哨: the community escalates a case beyond its power to the district dispatch centre."""
    note = check_text("note", note, required=True)
    case = transition(case, "whistle", actor, note=note)
    notify(
        users=users_with_roles_over(case.scope_path, policy.DISPATCH_ROLES - {"district_admin"}),
        title=_("Whistle: %(title)s") % {"title": case.title},
        body=note,
        url=case_url(case),
        kind="workorders.whistled",
        obj=case,
    )
    return case


def _validate_handler(org: Organisation | None, field: str) -> None:
    if org is not None and not org.is_active:
        raise ValidationError({field: _("This organisation is no longer active.")})


@transaction.atomic
def case_dispatch(
    *,
    actor,
    case: Case,
    lead_org: Organisation | None = None,
    co_orgs: Iterable = (),
    task_force: TaskForce | None = None,
    note: str = "",
) -> Case:
    """派单: to one lead organisation (主办) and co-handlers (协办), or to a task force (专班).

    At community level ``lead_org`` may be None: the community handles the case itself. At district level a lead
    (or a task force) is required. Deadlines start now: sign within the sign limit, handle within the handle limit.
    """
    co = [o for o in co_orgs if o is not None]
    if task_force is not None:
        if not task_force.is_active:
            raise ValidationError({"task_force": _("This task force is no longer active.")})
        lead_org = task_force.lead
        co = list(task_force.members.filter(is_active=True).exclude(pk=lead_org.pk)) + co
    _validate_handler(lead_org, "lead_org")
    for org in co:
        _validate_handler(org, "co_orgs")
    if lead_org is None and co:
        raise ValidationError({"lead_org": _("Choose the lead handler before adding co-handlers.")})
    if lead_org is not None and any(o.pk == lead_org.pk for o in co):
        co = [o for o in co if o.pk != lead_org.pk]
    current = Case.objects.only("level").get(pk=case.pk)
    if current.level == Level.DISTRICT and lead_org is None:
        raise ValidationError({"lead_org": _("The dispatch centre must choose a lead department.")})

    def prepare(fresh: Case) -> None:
        fresh.lead_org = lead_org
        fresh.task_force = task_force
        now = timezone.now()
        fresh.sign_due, fresh.handle_due = deadlines_from(fresh, now)

    case = transition(
        case,
        "dispatch",
        actor,
        note=note,
        prepare=prepare,
        data={
            "lead": lead_org.name if lead_org else _("the community itself"),
            "co": [o.name for o in co],
            "task_force": task_force.name if task_force else "",
        },
    )
    CaseAssignment.objects.filter(case=case).exclude(status=AssignmentStatus.DONE).update(
        status=AssignmentStatus.WITHDRAWN
    )
    seen = set()
    for org, role in ([(lead_org, AssignmentRole.LEAD)] if lead_org else []) + [(o, AssignmentRole.CO) for o in co]:
        if org.pk in seen:
            continue
        seen.add(org.pk)
        CaseAssignment.objects.update_or_create(
            case=case,
            organisation=org,
            defaults={"role": role, "status": AssignmentStatus.PENDING, "signed_at": None, "done_at": None},
        )
    sync_queue(case)
    notify(
        users=handlers_of(case) + users_of_orgs([o.pk for o in co]),
        title=_("New case to handle: %(title)s") % {"title": case.title},
        body=_("Sign for it by %(due)s.") % {"due": timezone.localtime(case.sign_due).strftime("%Y-%m-%d %H:%M")},
        url=case_url(case),
        kind="workorders.dispatched",
        obj=case,
    )
    return case


@transaction.atomic
def case_sign(*, actor, case: Case, note: str = "") -> Case:
    """签收 by the lead handler."""
    case = transition(case, "sign", actor, note=note)
    if case.lead_org_id:
        CaseAssignment.objects.filter(case=case, organisation_id=case.lead_org_id).update(
            status=AssignmentStatus.SIGNED, signed_at=case.signed_at
        )
        sync_queue(case)
    return case


@transaction.atomic
def assignment_sign(*, actor, case: Case) -> CaseAssignment:
    """A co-handler (联合办理) signs for its part."""
    fresh = lock_case(case)
    ids = policy.org_ids(actor)
    assignment = (
        CaseAssignment.objects.select_for_update()
        .filter(case=fresh, organisation_id__in=ids, role=AssignmentRole.CO, status=AssignmentStatus.PENDING)
        .first()
    )
    if assignment is None or fresh.state not in OPEN_STATES:
        raise TransitionRefused(
            _("There is nothing for your organisation to sign for on this case."), allowed_actions(fresh, actor)
        )
    assignment.status = AssignmentStatus.SIGNED
    assignment.signed_at = timezone.now()
    assignment.save(update_fields=["status", "signed_at", "updated_at"])
    sync_queue(fresh)
    record_event(fresh, "co_sign", actor, before=fresh.state, data={"organisation": assignment.organisation.name})
    audit.record(actor=actor, action="case_co_sign", obj=fresh, after={"organisation": assignment.organisation_id})
    return assignment


@transaction.atomic
def case_return(*, actor, case: Case, reason: str) -> Case:
    """退单: the lead handler hands it back to whoever dispatched it, with a reason."""
    reason = check_text("reason", reason)
    old_lead = Case.objects.only("lead_org").get(pk=case.pk).lead_org_id
    case = transition(case, "return_case", actor, note=reason, data={"returned_by": old_lead})
    CaseAssignment.objects.filter(case=case).exclude(status=AssignmentStatus.DONE).update(
        status=AssignmentStatus.RETURNED
    )
    sync_queue(case)
    queue_roles = policy.DISPATCH_ROLES if case.level == Level.DISTRICT else policy.COMMUNITY_ROLES
    notify(
        users=users_with_roles_over(case.scope_path, queue_roles - {"district_admin"}),
        title=_("Case returned: %(title)s") % {"title": case.title},
        body=reason,
        url=case_url(case),
        kind="workorders.returned",
        obj=case,
    )
    return case


@transaction.atomic
def case_start(*, actor, case: Case, note: str = "", attachments: Iterable = ()) -> Case:
    case = transition(case, "start", actor, note=note)
    attach_files(case, attachments, actor=actor, kind=AttachmentKind.BEFORE, event=case.last_event)
    return case


@transaction.atomic
def case_note(
    *, actor, case: Case, note: str, attachments: Iterable = (), kind: str = AttachmentKind.BEFORE, public: bool = True
) -> CaseEvent:
    """A progress note with photos, by the lead, a co-handler or whoever owns the queue."""
    fresh = lock_case(case)
    if not (
        policy.is_lead_handler(fresh, actor)
        or policy.is_co_handler(fresh, actor)
        or policy.controls_queue(fresh, actor)
    ):
        raise PermissionDenied(_("You are not handling this case."))
    if fresh.state not in OPEN_STATES:
        raise TransitionRefused(_("This case is closed; notes can no longer be added."), allowed_actions(fresh, actor))
    note = check_text("note", note, limit=2000)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Unknown attachment kind.")})
    event = record_event(fresh, "note", actor, before=fresh.state, note=note, public=public)
    attach_files(fresh, attachments, actor=actor, kind=kind, event=event)
    audit.record(actor=actor, action="case_note", obj=fresh, note=note[:500])
    return event


@transaction.atomic
def case_attach(*, actor, case: Case, files: Iterable, kind: str = AttachmentKind.REPORT) -> list[CaseAttachment]:
    """More photos or PDFs on a case: the reporter adds report photos while it is open; handlers and the queue
    owner add any kind while it is open. One timeline entry per upload."""
    fresh = lock_case(case)
    handler = (
        policy.is_lead_handler(fresh, actor)
        or policy.is_co_handler(fresh, actor)
        or policy.controls_queue(fresh, actor)
    )
    if not handler and not policy.is_reporter(fresh, actor):
        raise PermissionDenied(_("You may not add files to this case."))
    if not handler and kind != AttachmentKind.REPORT:
        raise ValidationError({"kind": _("You may add report photos only.")})
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Unknown attachment kind.")})
    if fresh.state not in OPEN_STATES:
        raise TransitionRefused(_("This case is closed; files can no longer be added."), allowed_actions(fresh, actor))
    files = list(files or [])
    if not files:
        raise ValidationError({"files": _("Choose at least one file.")})
    event = record_event(fresh, "attach", actor, before=fresh.state, data={"count": len(files)})
    made = attach_files(fresh, files, actor=actor, kind=kind, event=event)
    audit.record(actor=actor, action="case_attach", obj=fresh, after={"attachments": [a.pk for a in made]})
    return made


@transaction.atomic
def case_complete(*, actor, case: Case, reply: str, attachments: Iterable = ()) -> Case:
    """办结 with the reply to the resident and after-photos; the reporter is asked for a verdict."""
    reply = check_text("reply", reply, limit=4000)

    def prepare(fresh: Case) -> None:
        fresh.reply = reply

    case = transition(case, "complete", actor, note=reply, prepare=prepare)
    attach_files(case, attachments, actor=actor, kind=AttachmentKind.AFTER, event=case.last_event)
    CaseAssignment.objects.filter(case=case, status__in=[AssignmentStatus.PENDING, AssignmentStatus.SIGNED]).update(
        status=AssignmentStatus.DONE, done_at=case.completed_at
    )
    sync_queue(case)
    if case.reporter_id and case.reporter:
        notify(
            users=[case.reporter],
            title=_("Your report has been handled: %(title)s") % {"title": case.title},
            body=_("Please tell us whether you are satisfied."),
            url=case_url(case),
            kind="workorders.completed",
            obj=case,
        )
    return case


@transaction.atomic
def case_evaluate(*, actor, case: Case, verdict, reasons: Iterable[str] = (), note: str = "") -> Case:
    """回访评价: the reporter's verdict (or staff recording it on a return visit). A verdict whose level reopens
    (不满意 by default) sends the case back to the same handler (发回重办) while the reopen count is below
    ``LINLI_WORKORDER_MAX_REOPENS`` (default 2); after that the verdict is final."""
    if isinstance(verdict, str):
        verdict = VerdictLevel.objects.filter(code=verdict, is_active=True).first()
    if verdict is None or not verdict.is_active:
        raise ValidationError({"verdict": _("Choose one of the verdicts offered.")})
    reasons = [str(r).strip()[:40] for r in reasons if str(r).strip()][:10]
    offered = set(verdict.reasons.values_list("text", flat=True))
    unknown = [r for r in reasons if r not in offered]
    if unknown:
        raise ValidationError({"reasons": _("Unknown reason: %(r)s") % {"r": "、".join(unknown)}})
    note = check_text("note", note, required=False)
    current = Case.objects.only("reopen_count").get(pk=case.pk)
    reopen = verdict.reopens and current.reopen_count < max_reopens()

    def prepare(fresh: Case) -> None:
        fresh.verdict = verdict
        fresh.verdict_reasons = reasons
        fresh.verdict_note = note
        if not verdict.counts_as_satisfied:
            fresh.ever_unsatisfied = True
        if reopen:
            fresh.sign_due, fresh.handle_due = deadlines_from(fresh, timezone.now())

    data = {"verdict": verdict.label, "reasons": reasons}
    if reopen:
        case = transition(case, "reopen", actor, note=note, data=data, prepare=prepare)
        if case.lead_org_id:
            CaseAssignment.objects.filter(case=case, organisation_id=case.lead_org_id).update(
                status=AssignmentStatus.PENDING, signed_at=None, done_at=None
            )
            sync_queue(case)
        notify(
            users=handlers_of(case),
            title=_("Sent back for re-doing: %(title)s") % {"title": case.title},
            body=f"{verdict.label} {'、'.join(reasons)} {note}".strip(),
            url=case_url(case),
            kind="workorders.reopened",
            obj=case,
        )
    else:
        case = transition(case, "evaluate", actor, note=note, data=data, prepare=prepare)
    return case


@transaction.atomic
def case_archive(*, actor, case: Case, note: str = "") -> Case:
    case = transition(case, "archive", actor, note=note)
    return case


@transaction.atomic
def case_cancel(*, actor, case: Case, reason: str) -> Case:
    """撤销: the reporter withdraws it, or the queue owner closes it as not to be handled (with a reason)."""
    reason = check_text("reason", reason)

    def prepare(fresh: Case) -> None:
        fresh.close_reason = reason

    case = transition(case, "cancel", actor, note=reason, prepare=prepare)
    CaseAssignment.objects.filter(case=case).exclude(status=AssignmentStatus.DONE).update(
        status=AssignmentStatus.WITHDRAWN
    )
    sync_queue(case)
    return case


@transaction.atomic
def case_merge(*, actor, case: Case, into: Case, note: str = "") -> Case:
    """合并: a duplicate is closed into the case that carries on; the reporter follows the surviving case."""
    if into.pk == case.pk:
        raise ValidationError({"into": _("A case cannot be merged into itself.")})
    target = Case.objects.select_for_update().get(pk=into.pk)
    if target.state not in OPEN_STATES and target.state != State.COMPLETED:
        raise ValidationError({"into": _("The case to merge into is already closed.")})
    if target.merged_into_id:
        raise ValidationError({"into": _("The case to merge into was itself merged.")})
    if not policy.controls_queue(target, actor):
        raise PermissionDenied(_("You may not merge into that case."))

    def prepare(fresh: Case) -> None:
        fresh.merged_into = target
        fresh.close_reason = note or _("Duplicate of %(n)s") % {"n": target.number}

    case = transition(case, "merge", actor, note=note, prepare=prepare, data={"into": target.number})
    CaseAssignment.objects.filter(case=case).exclude(status=AssignmentStatus.DONE).update(
        status=AssignmentStatus.WITHDRAWN
    )
    sync_queue(case)
    record_event(target, "merged_in", actor, before=target.state, data={"from": case.number}, public=False)
    return case


@transaction.atomic
def case_recategorise(*, actor, case: Case, category: Category, note: str = "") -> Case:
    """The queue's owner corrects the category a report came in with (before it is handled); a timeline entry
    keeps the old one. The deadlines already running are not recomputed."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not policy.controls_queue(case, actor):
        raise PermissionDenied(_("Only the queue's owner may change the category."))
    if case.state not in (State.ACCEPTED, State.DISPATCHED):
        raise ValidationError({"category": _("The category can only change before the case is signed for.")})
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if category.pk == case.category_id:
        return case
    before = audit.snapshot(case)
    old = case.category
    case.category = category
    case.save(update_fields=["category", "updated_at"])
    record_event(case, "recategorise", actor, note=note, data={"from": str(old), "to": str(category)}, public=False)
    audit.record(actor=actor, action="update", obj=case, before=before, after=audit.snapshot(case), note=note)
    return case
