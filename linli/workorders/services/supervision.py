"""Deadlines: extensions (延期), supervision (督办), reminders (催办) and escalation of overdue cases."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.workdays import add_workdays, local_date
from linli.notifications.services import notify

from .. import policy
from ..models import (
    OPEN_STATES,
    Case,
    ExtensionRequest,
    ExtensionStatus,
    Level,
    State,
)
from .base import (
    TransitionRefused,
    allowed_actions,
    case_url,
    check_text,
    handlers_of,
    lock_case,
    record_event,
    sync_queue,
    users_with_roles_over,
)

# --- deadlines: extension, supervision, reminders, escalation ------------------------------------------------


@transaction.atomic
def extension_request(*, actor, case: Case, days: int, reason: str) -> ExtensionRequest:
    """延期: the lead handler asks for more working days, before the deadline has passed."""
    fresh = lock_case(case)
    if not policy.is_lead_handler(fresh, actor):
        raise PermissionDenied(_("Only the lead handler may ask for an extension."))
    if fresh.state not in (State.SIGNED, State.HANDLING):
        raise TransitionRefused(
            _("An extension can be asked for only while the case is being handled."), allowed_actions(fresh, actor)
        )
    if fresh.handle_due and timezone.now() > fresh.handle_due:
        raise ValidationError({"days": _("The deadline has passed: an extension must be asked for before it.")})
    try:
        days = int(days)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"days": _("Enter a whole number of working days.")}) from exc
    if not 1 <= days <= 30:
        raise ValidationError({"days": _("Between 1 and 30 working days.")})
    reason = check_text("reason", reason)
    if ExtensionRequest.objects.filter(case=fresh, status=ExtensionStatus.PENDING).exists():
        raise ValidationError({"days": _("An extension request is already waiting for a decision.")})
    ext = ExtensionRequest.objects.create(
        case=fresh, days=days, reason=reason, requested_by=actor, old_due=fresh.handle_due
    )
    record_event(fresh, "extension_requested", actor, before=fresh.state, note=reason, data={"days": days})
    audit.record(actor=actor, action="create", obj=ext, after=audit.snapshot(ext))
    queue_roles = policy.DISPATCH_ROLES if fresh.level == Level.DISTRICT else policy.COMMUNITY_ROLES
    notify(
        users=users_with_roles_over(fresh.scope_path, queue_roles - {"district_admin"}),
        title=_("Extension asked for: %(title)s") % {"title": fresh.title},
        body=reason,
        url=case_url(fresh),
        kind="workorders.extension",
        obj=fresh,
    )
    return ext


@transaction.atomic
def extension_decide(*, actor, extension: ExtensionRequest, approve: bool, note: str = "") -> ExtensionRequest:
    ext = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    fresh = lock_case(ext.case)
    if not policy.controls_queue(fresh, actor):
        raise PermissionDenied(_("Only the dispatcher of this case may decide on an extension."))
    if ext.status != ExtensionStatus.PENDING:
        raise ValidationError({"status": _("This request has already been decided.")})
    before = audit.snapshot(ext)
    ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    ext.decided_by, ext.decided_at, ext.decision_note = actor, timezone.now(), check_text("note", note, required=False)
    if approve and fresh.state in (State.SIGNED, State.HANDLING):
        base = fresh.handle_due or timezone.now()
        from linli.core.workdays import end_of_day

        fresh.handle_due = end_of_day(add_workdays(local_date(base), ext.days))
        ext.new_due = fresh.handle_due
        Case.objects.filter(pk=fresh.pk).update(handle_due=fresh.handle_due)
        sync_queue(fresh)
    ext.save()
    record_event(
        fresh,
        "extension_approved" if approve else "extension_rejected",
        actor,
        before=fresh.state,
        note=note,
        data={"days": ext.days},
    )
    audit.record(actor=actor, action="update", obj=ext, before=before, after=audit.snapshot(ext))
    notify(
        users=[ext.requested_by] if ext.requested_by else [],
        title=(_("Extension approved: %(title)s") if approve else _("Extension refused: %(title)s"))
        % {"title": fresh.title},
        body=note,
        url=case_url(fresh),
        kind="workorders.extension_decided",
        obj=fresh,
    )
    return ext


@transaction.atomic
def case_supervise(*, actor, case: Case, note: str) -> Case:
    """督办: the dispatch centre, district or street puts a case under supervision."""
    fresh = lock_case(case)
    if not policy.is_supervisor(fresh, actor):
        raise PermissionDenied(_("You may not supervise this case."))
    if fresh.state not in OPEN_STATES:
        raise TransitionRefused(_("Only open cases can be supervised."), allowed_actions(fresh, actor))
    note = check_text("note", note)
    Case.objects.filter(pk=fresh.pk).update(supervised=True)
    fresh.supervised = True
    record_event(fresh, "supervise", actor, before=fresh.state, note=note)
    audit.record(actor=actor, action="case_supervise", obj=fresh, note=note)
    notify(
        users=handlers_of(fresh),
        title=_("Under supervision: %(title)s") % {"title": fresh.title},
        body=note,
        url=case_url(fresh),
        kind="workorders.supervised",
        obj=fresh,
    )
    case.supervised = True
    return fresh


@transaction.atomic
def case_urge(*, actor, case: Case, note: str = "", automatic: bool = False) -> Case:
    """催办: a reminder to whoever holds the case (sent by a supervisor, or daily by the deadline job)."""
    fresh = lock_case(case)
    if not automatic and not policy.is_supervisor(fresh, actor) and not policy.controls_queue(fresh, actor):
        raise PermissionDenied(_("You may not send reminders on this case."))
    if fresh.state not in OPEN_STATES:
        raise TransitionRefused(_("Only open cases can be chased."), allowed_actions(fresh, actor))
    now = timezone.now()
    Case.objects.filter(pk=fresh.pk).update(urge_count=fresh.urge_count + 1, last_urged_at=now)
    fresh.urge_count += 1
    fresh.last_urged_at = now
    text = note or _("This case is overdue. Please handle it now.")
    record_event(fresh, "urge", actor, before=fresh.state, note=text, data={"automatic": automatic})
    audit.record(actor=actor, action="case_urge", obj=fresh, note=text)
    notify(
        users=handlers_of(fresh),
        title=_("Reminder (催办): %(title)s") % {"title": fresh.title},
        body=text,
        url=case_url(fresh),
        kind="workorders.urged",
        obj=fresh,
    )
    return fresh


@transaction.atomic
def case_escalate(*, actor, case: Case, overdue_days: int) -> Case:
    """Escalate an overdue case to the next level up (community → street → district), once per level."""
    fresh = lock_case(case)
    if fresh.state not in OPEN_STATES:
        return fresh
    level = fresh.escalation_level + 1
    Case.objects.filter(pk=fresh.pk).update(escalation_level=level, supervised=True)
    fresh.escalation_level, fresh.supervised = level, True
    record_event(
        fresh,
        "escalate",
        actor,
        before=fresh.state,
        data={"level": level, "overdue_days": overdue_days},
        note=_("Overdue by %(n)s working days: escalated.") % {"n": overdue_days},
    )
    audit.record(actor=actor, action="case_escalate", obj=fresh, after={"escalation_level": level})
    roles = {"street_staff"} if level == 1 else {"dispatcher", "district_admin"}
    notify(
        users=users_with_roles_over(fresh.scope_path, roles),
        title=_("Escalated: %(title)s is %(n)s working days overdue") % {"title": fresh.title, "n": overdue_days},
        url=case_url(fresh),
        kind="workorders.escalated",
        obj=fresh,
    )
    return fresh
