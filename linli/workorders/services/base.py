"""Every write to a case: validate, check the state machine and the actor's right, save, timeline, audit, notify.

Each transition is one service. They share ``base.transition``: lock the row, check that the transition is possible
from the current state AND allowed to this actor (else ``TransitionRefused`` naming the steps that are), run it,
save with a state-checked UPDATE (django-fsm's ConcurrentTransitionMixin: of two people acting at once exactly one
wins), write the timeline entry and the audit row, publish the event. Deadlines are working days
(``linli.core.workdays``) from the rules in ``TimeLimit``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case as DbCase
from django.db.models import DateTimeField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from linli.areas.models import Place
from linli.core import audit, events, uploads
from linli.core.paths import COMMUNITY, is_within, path_at
from linli.core.permissions import bindings_for, can_at
from linli.core.validators import strip_control_chars
from linli.core.workdays import deadline

from .. import policy
from ..models import (
    ACTIVE_STATES,
    AssignmentStatus,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    Category,
    Priority,
    QueueRank,
    TimeLimit,
)

CASE_FIELDS = (
    "case_type",
    "category",
    "title",
    "description",
    "priority",
    "source",
    "place",
    "address",
    "lat",
    "lng",
    "confidentiality",
    "external_ref",
    "origin",
)


class TransitionRefused(Exception):
    """The step is not possible now (state) or not this actor's to take. ``allowed``: what they may do."""

    def __init__(self, message: str, allowed: list[str]):
        super().__init__(message)
        self.message = message
        self.allowed = allowed


def max_reopens() -> int:
    return int(getattr(settings, "LINLI_WORKORDER_MAX_REOPENS", 2))


# --- helpers ---------------------------------------------------------------------------------------------


def limits_for(case_type: str, category: Category | None) -> tuple[int, int]:
    """(sign days, handle days). Most specific first: type + category, any type + category, the same for the
    parent category, then type alone, then the default rule (any type, any category)."""
    cats = [c for c in (getattr(category, "pk", None), getattr(category, "parent_id", None)) if c]
    rules = {
        (r.case_type, r.category_id): r
        for r in TimeLimit.objects.filter(case_type__in=[case_type, ""]).filter(
            Q(category__isnull=True) | Q(category_id__in=cats)
        )
    }
    order = [k for c in cats for k in ((case_type, c), ("", c))] + [(case_type, None), ("", None)]
    for key in order:
        if key in rules:
            return rules[key].sign_days, rules[key].handle_days
    return 1, 10


def deadlines_from(case: Case, start) -> tuple:
    if case.priority == Priority.EMERGENCY:
        return deadline(start, 0), deadline(start, 0)
    sign_days, handle_days = limits_for(case.case_type, case.category)
    return deadline(start, sign_days), deadline(start, handle_days)


def actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _("System")
    orgs = {b.organisation.name for b in bindings_for(actor) if b.organisation_id}
    name = actor.display_name or actor.get_username()
    return f"{name}（{'、'.join(sorted(orgs))}）" if orgs else name


def record_event(
    case: Case, action: str, actor, *, before: str = "", note: str = "", data: dict | None = None, public: bool = True
) -> CaseEvent:
    """One timeline entry. On a confidential or anonymous case an entry the reporter writes stores no name:
    it is marked ``by_reporter`` and named on display only to whoever ``policy.sees_reporter``."""
    data = dict(data or {})
    note = strip_control_chars(note or "")  # every timeline note: the Open311 feed shows the latest public one
    label = actor_label(actor)[:120]
    if policy.identity_protected(case) and policy.is_reporter(case, actor):
        data["by_reporter"] = True
        label = ""
    return CaseEvent.objects.create(
        case=case,
        action=action,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=label,
        from_state=before,
        to_state=case.state,
        note=note,
        data=data,
        public=public,
    )


def attach_files(case: Case, files: Iterable, *, actor, kind: str, event: CaseEvent | None = None) -> list:
    files = list(files or [])
    if len(files) > uploads.max_files():
        raise ValidationError({"attachments": _("At most %(n)s files at a time.") % {"n": uploads.max_files()}})
    # Every file is checked before any is stored: one refused file means nothing is written (the database
    # rolls back, and file storage — which does not — has not been touched).
    clean = uploads.sanitise_all(files, field="attachments", allow_pdf=True)
    return [
        CaseAttachment.objects.create(
            case=case,
            event=event,
            kind=kind,
            file=content,
            content_type=content_type,
            size=content.size,
            original_name=name,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        for content, content_type, name in clean
    ]


def check_text(field: str, value: str, *, required: bool = True, limit: int = 500) -> str:
    value = strip_control_chars(value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": limit}})
    return value


ACTION_ORDER = (
    "whistle",
    "dispatch",
    "sign",
    "start",
    "complete",
    "evaluate",
    "archive",
    "return_case",
    "cancel",
    "merge",
)


def allowed_actions(case: Case, user) -> list[str]:
    """The transitions ``user`` may take on ``case`` now (names, in workflow order), as the UI and 409s show them."""
    names = {t.name for t in case.get_available_user_state_transitions(user) if not (t.custom or {}).get("hidden")}
    return [n for n in ACTION_ORDER if n in names]


def lock_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("category", "lead_org").get(pk=case.pk)


def transition(
    case: Case,
    name: str,
    actor,
    *,
    note: str = "",
    data: dict | None = None,
    audit_action: str = "",
    public: bool = True,
    prepare=None,
) -> Case:
    """Lock, check, run ``name``, save state-checked, then timeline + audit (the entry is ``case.last_event``)."""
    fresh = lock_case(case)
    method = getattr(fresh, name)
    if not can_proceed(method) or not has_transition_perm(method, actor):
        allowed = allowed_actions(fresh, actor)
        if not can_proceed(method):
            message = _("This step is not possible while the case is “%(state)s”.") % {
                "state": fresh.get_state_display()
            }
        else:
            message = _("You may not take this step on this case.")
        raise TransitionRefused(message, allowed)
    before_state = fresh.state
    snapshot = audit.snapshot(fresh)
    if prepare is not None:
        prepare(fresh)
    method()
    try:
        fresh.save()
    except ConcurrentTransition as exc:
        raise TransitionRefused(
            _("Someone else changed this case a moment ago; reload and try again."),
            allowed_actions(Case.objects.get(pk=fresh.pk), actor),
        ) from exc
    sync_queue(fresh)
    event = record_event(fresh, name, actor, before=before_state, note=note, data=data, public=public)
    audit.record(
        actor=actor,
        action=audit_action or f"case_{name}",
        obj=fresh,
        before=snapshot,
        after=audit.snapshot(fresh),
        note=note[:500],
    )
    events.publish(f"workorders.case.{name}", {"case_id": fresh.pk, "from": before_state, "to": fresh.state})
    case.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    fresh.last_event = event
    return fresh


def sync_queue(case: Case) -> None:
    """Refresh the queue columns of the case's assignments (``CaseAssignment.queue_rank``/``due_at``).

    Called by every service that changes the case's state or deadlines or an assignment: one UPDATE.
    """
    rows = CaseAssignment.objects.filter(case_id=case.pk)
    if case.state not in ACTIVE_STATES:
        rows.exclude(queue_rank=QueueRank.OFF, due_at=None).update(queue_rank=QueueRank.OFF, due_at=None)
        return
    off = [AssignmentStatus.WITHDRAWN, AssignmentStatus.RETURNED]
    if case.sign_due is None and case.handle_due is None:
        due = None  # a CASE of NULLs only would be typed text by PostgreSQL
    else:
        due = DbCase(
            When(status__in=off, then=Value(None, output_field=DateTimeField())),
            When(status=AssignmentStatus.PENDING, then=Value(case.sign_due, output_field=DateTimeField())),
            default=Value(case.handle_due, output_field=DateTimeField()),
            output_field=DateTimeField(),
        )
    rows.update(
        queue_rank=DbCase(
            When(status__in=off, then=Value(QueueRank.OFF)),
            When(status=AssignmentStatus.PENDING, then=Value(QueueRank.TO_SIGN)),
            default=Value(QueueRank.IN_HAND),
        ),
        due_at=due,
    )


def users_of_orgs(org_ids: Iterable[int]):
    from linli.accounts.models import RoleBinding

    ids = [i for i in org_ids if i]
    if not ids:
        return []
    return [b.user for b in RoleBinding.objects.current().filter(organisation_id__in=ids).select_related("user")]


def users_with_roles_over(path: str, roles: set):
    from linli.accounts.models import RoleBinding

    found = []
    for b in (
        RoleBinding.objects.current().filter(role__in=list(roles), place__isnull=False).select_related("user", "place")
    ):
        if is_within(path, [b.place.path]):
            found.append(b.user)
    return found


def case_url(case: Case) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("workorders:case_detail", args=[case.pk])
    except NoReverseMatch:
        return ""


def handlers_of(case: Case):
    if case.lead_org_id:
        return users_of_orgs([case.lead_org_id])
    return users_with_roles_over(case.scope_path, policy.COMMUNITY_ROLES)


def may_report(user, place: Place) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or can_at(user, "add", Case, place.path):
        return True
    # An Open311 API key's service account reports inside the key's area only (set by the Open311 endpoint
    # after it has checked the key; see linli/workorders/open311/).
    key_paths = getattr(user, "_open311_paths", None)
    if key_paths and is_within(place.path, key_paths):
        return True
    # A resident reports anywhere in the community of their home.
    for b in bindings_for(user):
        if b.role == "resident" and b.place_id and is_within(place.path, [path_at(b.place.path, COMMUNITY)]):
            return True
    return False
