"""Every write to a case: validate, check the state machine and the actor's right, save, timeline, audit, notify.

Each transition is one service. They share ``_transition``: lock the row, check that the transition is possible
from the current state AND allowed to this actor (else ``TransitionRefused`` naming the steps that are), run it,
save with a state-checked UPDATE (django-fsm's ConcurrentTransitionMixin: of two people acting at once exactly one
wins), write the timeline entry and the audit row, publish the event. Deadlines are working days
(``linli.core.workdays``) from the rules in ``TimeLimit``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case as DbCase
from django.db.models import DateTimeField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from linli.areas.models import Place
from linli.core import audit, events
from linli.core.crypto import encrypt
from linli.core.paths import is_within
from linli.core.permissions import bindings_for, can_at, role_may
from linli.core.validators import mask_phone, normalize_mobile, strip_control_chars, validate_phone
from linli.core.workdays import add_workdays, deadline, local_date
from linli.notifications.services import notify
from linli.orgs.models import Organisation

from . import policy
from .attachments import max_files, sanitise
from .models import (
    ACTIVE_STATES,
    OPEN_STATES,
    AssignmentRole,
    AssignmentStatus,
    AttachmentKind,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    CaseType,
    Category,
    Confidentiality,
    ExtensionRequest,
    ExtensionStatus,
    Level,
    Priority,
    QueueRank,
    Source,
    State,
    TaskForce,
    TimeLimit,
    VerdictLevel,
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


def _deadlines(case: Case, start) -> tuple:
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


def _event(
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


def _attach(case: Case, files: Iterable, *, actor, kind: str, event: CaseEvent | None = None) -> list:
    files = list(files or [])
    if len(files) > max_files():
        raise ValidationError({"attachments": _("At most %(n)s files at a time.") % {"n": max_files()}})
    # Every file is checked before any is stored: one refused file means nothing is written (the database
    # rolls back, and file storage — which does not — has not been touched).
    clean = []
    for upload in files:
        try:
            clean.append(sanitise(upload))
        except ValidationError as exc:
            raise ValidationError({"attachments": exc.messages}) from exc
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


def _check_text(field: str, value: str, *, required: bool = True, limit: int = 500) -> str:
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


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("category", "lead_org").get(pk=case.pk)


def _transition(
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
    fresh = _lock(case)
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
    event = _event(fresh, name, actor, before=before_state, note=note, data=data, public=public)
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


def _users_of_orgs(org_ids: Iterable[int]):
    from linli.accounts.models import RoleBinding

    ids = [i for i in org_ids if i]
    if not ids:
        return []
    return [b.user for b in RoleBinding.objects.current().filter(organisation_id__in=ids).select_related("user")]


def _users_with_roles_over(path: str, roles: set):
    from linli.accounts.models import RoleBinding

    found = []
    for b in (
        RoleBinding.objects.current().filter(role__in=list(roles), place__isnull=False).select_related("user", "place")
    ):
        if is_within(path, [b.place.path]):
            found.append(b.user)
    return found


def _case_url(case: Case) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("workorders:case_detail", args=[case.pk])
    except NoReverseMatch:
        return ""


def _handlers(case: Case):
    if case.lead_org_id:
        return _users_of_orgs([case.lead_org_id])
    return _users_with_roles_over(case.scope_path, policy.COMMUNITY_ROLES)


def _may_report(user, place: Place) -> bool:
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
        if b.role == "resident" and b.place_id and is_within(place.path, [b.place.path[:12]]):
            return True
    return False


# --- creating a case ------------------------------------------------------------------------------------


def _reports_for_others(user, place: Place) -> bool:
    """May ``user`` enter a report on someone else's behalf (代办, naming the person and their phone)? Staff whose
    role may report at ``place``, an Open311 client (the person is named in the request) and the system may; a
    resident only ever reports as themselves."""
    if user.is_superuser or getattr(user, "_open311_paths", None):
        return True
    return any(
        b.role != "resident" and role_may(b.role, Case, "add") and is_within(place.path, Case.coverage_prefixes(b))
        for b in bindings_for(user)
    )


def _own_resident(user):
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return user.resident
    except (ObjectDoesNotExist, AttributeError):
        return None


@transaction.atomic
def case_create(
    *,
    actor,
    category,
    title: str,
    description: str,
    place: Place,
    case_type: str = CaseType.HELP,
    source: str = Source.RESIDENT,
    priority: str = Priority.NORMAL,
    address: str = "",
    lat=None,
    lng=None,
    confidentiality: str = Confidentiality.NONE,
    reporter=None,
    reporter_resident=None,
    reporter_name: str = "",
    reporter_phone: str = "",
    external_ref: str = "",
    origin=None,
    attachments: Iterable = (),
) -> Case:
    """受理: record a report from any source. ``category`` is a Category or its code; ``origin`` any model
    instance the case comes from (a visit, an alliance problem, an alarm). The reporter defaults to the actor
    when the actor reports for themselves (source resident/open311); staff entering it for someone (代办) pass
    ``reporter_name``/``reporter_phone`` instead."""
    if isinstance(category, str):
        category = Category.objects.filter(code=category, is_active=True).first()
        if category is None:
            raise ValidationError({"category": _("Unknown case category.")})
    if category is None or not category.is_active:
        raise ValidationError({"category": _("Choose an active case category.")})
    if place is None:
        raise ValidationError({"place": _("Say where the problem is.")})
    if place.level < 3:
        raise ValidationError({"place": _("Choose a community or a place inside one.")})
    if not _may_report(actor, place):
        raise PermissionDenied(_("You may not report a case at this place."))
    if not _reports_for_others(actor, place):
        # A resident reports as themselves, always: they see the case as its reporter, and their name and phone
        # come from their own record. The 代办 fields (someone else's name and phone) are for staff only.
        if (
            reporter_name
            or reporter_phone
            or (reporter is not None and reporter.pk != actor.pk)
            or (reporter_resident is not None and reporter_resident.account_id != actor.pk)
        ):
            raise ValidationError(
                {
                    "reporter_name": _(
                        "Only staff can report on someone else's behalf; your report is filed under your own name."
                    )
                }
            )
        if source != Source.RESIDENT:
            raise ValidationError({"source": _("Residents' reports have the source “resident”.")})
        reporter, reporter_resident = actor, _own_resident(actor)
    elif reporter is None and source in (Source.RESIDENT, Source.OPEN311) and not reporter_name:
        reporter = actor
    if confidentiality == Confidentiality.ANONYMOUS:
        reporter_name, reporter_phone, reporter_resident = "", "", None
    # Control characters never get in (they would break the Open311 XML feed and every export).
    title, description, address, reporter_name, external_ref = (
        strip_control_chars(v or "") for v in (title, description, address, reporter_name, external_ref)
    )
    case = Case(
        case_type=case_type,
        category=category,
        title=(title or "").strip(),
        description=(description or "").strip(),
        place=place,
        scope_path=place.path,
        priority=priority,
        source=source,
        address=(address or "").strip(),
        lat=lat,
        lng=lng,
        confidentiality=confidentiality,
        reporter=reporter,
        reporter_resident=reporter_resident,
        reporter_name=(reporter_name or "").strip(),
        external_ref=external_ref,
        number="pending",
    )
    if origin is not None:
        case.origin = f"{origin._meta.label_lower}:{origin.pk}"
    if reporter_phone:
        try:
            phone = normalize_mobile(reporter_phone)
            validate_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"reporter_phone": exc.messages}) from exc
        case.reporter_phone_cipher = encrypt(phone)
        case.reporter_phone_masked = mask_phone(phone)
    for name, value in (("lat", lat), ("lng", lng)):
        if value is not None:
            try:
                number = Decimal(str(value))
            except Exception as exc:
                raise ValidationError({name: _("Not a number.")}) from exc
            limit = 90 if name == "lat" else 180
            if not number.is_finite() or abs(number) > limit:
                raise ValidationError({name: _("Out of range.")})
            setattr(case, name, number.quantize(Decimal("0.000001")))
    # The related rows were loaded above (or by the caller): skip full_clean's one existence query per foreign key.
    case.full_clean(exclude=["number", "state", "category", "place", "reporter", "reporter_resident"])
    case.save()
    case.number = f"{local_date(case.created_at):%Y%m%d}{case.pk:06d}"
    Case.objects.filter(pk=case.pk).update(number=case.number)
    event = _event(case, "create", actor, note="", data={"source": source})
    event.made_attachments = _attach(case, attachments, actor=actor, kind=AttachmentKind.REPORT, event=event)
    case.last_event = event
    audit.record(actor=actor, action="create", obj=case, after=audit.snapshot(case))
    events.publish("workorders.case.created", {"case_id": case.pk, "source": source, "place": place.path})
    return case


# --- the steps --------------------------------------------------------------------------------------------


@transaction.atomic
def case_whistle(*, actor, case: Case, note: str = "") -> Case:
    """吹哨: the community escalates a case beyond its power to the district dispatch centre."""
    note = _check_text("note", note, required=True)
    case = _transition(case, "whistle", actor, note=note)
    notify(
        users=_users_with_roles_over(case.scope_path, policy.DISPATCH_ROLES - {"district_admin"}),
        title=_("Whistle: %(title)s") % {"title": case.title},
        body=note,
        url=_case_url(case),
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
        fresh.sign_due, fresh.handle_due = _deadlines(fresh, now)

    case = _transition(
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
        users=_handlers(case) + _users_of_orgs([o.pk for o in co]),
        title=_("New case to handle: %(title)s") % {"title": case.title},
        body=_("Sign for it by %(due)s.") % {"due": timezone.localtime(case.sign_due).strftime("%Y-%m-%d %H:%M")},
        url=_case_url(case),
        kind="workorders.dispatched",
        obj=case,
    )
    return case


@transaction.atomic
def case_sign(*, actor, case: Case, note: str = "") -> Case:
    """签收 by the lead handler."""
    case = _transition(case, "sign", actor, note=note)
    if case.lead_org_id:
        CaseAssignment.objects.filter(case=case, organisation_id=case.lead_org_id).update(
            status=AssignmentStatus.SIGNED, signed_at=case.signed_at
        )
        sync_queue(case)
    return case


@transaction.atomic
def assignment_sign(*, actor, case: Case) -> CaseAssignment:
    """A co-handler (联合办理) signs for its part."""
    fresh = _lock(case)
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
    _event(fresh, "co_sign", actor, before=fresh.state, data={"organisation": assignment.organisation.name})
    audit.record(actor=actor, action="case_co_sign", obj=fresh, after={"organisation": assignment.organisation_id})
    return assignment


@transaction.atomic
def case_return(*, actor, case: Case, reason: str) -> Case:
    """退单: the lead handler hands it back to whoever dispatched it, with a reason."""
    reason = _check_text("reason", reason)
    old_lead = Case.objects.only("lead_org").get(pk=case.pk).lead_org_id
    case = _transition(case, "return_case", actor, note=reason, data={"returned_by": old_lead})
    CaseAssignment.objects.filter(case=case).exclude(status=AssignmentStatus.DONE).update(
        status=AssignmentStatus.RETURNED
    )
    sync_queue(case)
    queue_roles = policy.DISPATCH_ROLES if case.level == Level.DISTRICT else policy.COMMUNITY_ROLES
    notify(
        users=_users_with_roles_over(case.scope_path, queue_roles - {"district_admin"}),
        title=_("Case returned: %(title)s") % {"title": case.title},
        body=reason,
        url=_case_url(case),
        kind="workorders.returned",
        obj=case,
    )
    return case


@transaction.atomic
def case_start(*, actor, case: Case, note: str = "", attachments: Iterable = ()) -> Case:
    case = _transition(case, "start", actor, note=note)
    _attach(case, attachments, actor=actor, kind=AttachmentKind.BEFORE, event=case.last_event)
    return case


@transaction.atomic
def case_note(
    *, actor, case: Case, note: str, attachments: Iterable = (), kind: str = AttachmentKind.BEFORE, public: bool = True
) -> CaseEvent:
    """A progress note with photos, by the lead, a co-handler or whoever owns the queue."""
    fresh = _lock(case)
    if not (
        policy.is_lead_handler(fresh, actor)
        or policy.is_co_handler(fresh, actor)
        or policy.controls_queue(fresh, actor)
    ):
        raise PermissionDenied(_("You are not handling this case."))
    if fresh.state not in OPEN_STATES:
        raise TransitionRefused(_("This case is closed; notes can no longer be added."), allowed_actions(fresh, actor))
    note = _check_text("note", note, limit=2000)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Unknown attachment kind.")})
    event = _event(fresh, "note", actor, before=fresh.state, note=note, public=public)
    _attach(fresh, attachments, actor=actor, kind=kind, event=event)
    audit.record(actor=actor, action="case_note", obj=fresh, note=note[:500])
    return event


@transaction.atomic
def case_attach(*, actor, case: Case, files: Iterable, kind: str = AttachmentKind.REPORT) -> list[CaseAttachment]:
    """More photos or PDFs on a case: the reporter adds report photos while it is open; handlers and the queue
    owner add any kind while it is open. One timeline entry per upload."""
    fresh = _lock(case)
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
    event = _event(fresh, "attach", actor, before=fresh.state, data={"count": len(files)})
    made = _attach(fresh, files, actor=actor, kind=kind, event=event)
    audit.record(actor=actor, action="case_attach", obj=fresh, after={"attachments": [a.pk for a in made]})
    return made


@transaction.atomic
def case_complete(*, actor, case: Case, reply: str, attachments: Iterable = ()) -> Case:
    """办结 with the reply to the resident and after-photos; the reporter is asked for a verdict."""
    reply = _check_text("reply", reply, limit=4000)

    def prepare(fresh: Case) -> None:
        fresh.reply = reply

    case = _transition(case, "complete", actor, note=reply, prepare=prepare)
    _attach(case, attachments, actor=actor, kind=AttachmentKind.AFTER, event=case.last_event)
    CaseAssignment.objects.filter(case=case, status__in=[AssignmentStatus.PENDING, AssignmentStatus.SIGNED]).update(
        status=AssignmentStatus.DONE, done_at=case.completed_at
    )
    sync_queue(case)
    if case.reporter_id and case.reporter:
        notify(
            users=[case.reporter],
            title=_("Your report has been handled: %(title)s") % {"title": case.title},
            body=_("Please tell us whether you are satisfied."),
            url=_case_url(case),
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
    note = _check_text("note", note, required=False)
    current = Case.objects.only("reopen_count").get(pk=case.pk)
    reopen = verdict.reopens and current.reopen_count < max_reopens()

    def prepare(fresh: Case) -> None:
        fresh.verdict = verdict
        fresh.verdict_reasons = reasons
        fresh.verdict_note = note
        if not verdict.counts_as_satisfied:
            fresh.ever_unsatisfied = True
        if reopen:
            fresh.sign_due, fresh.handle_due = _deadlines(fresh, timezone.now())

    data = {"verdict": verdict.label, "reasons": reasons}
    if reopen:
        case = _transition(case, "reopen", actor, note=note, data=data, prepare=prepare)
        if case.lead_org_id:
            CaseAssignment.objects.filter(case=case, organisation_id=case.lead_org_id).update(
                status=AssignmentStatus.PENDING, signed_at=None, done_at=None
            )
            sync_queue(case)
        notify(
            users=_handlers(case),
            title=_("Sent back for re-doing: %(title)s") % {"title": case.title},
            body=f"{verdict.label} {'、'.join(reasons)} {note}".strip(),
            url=_case_url(case),
            kind="workorders.reopened",
            obj=case,
        )
    else:
        case = _transition(case, "evaluate", actor, note=note, data=data, prepare=prepare)
    return case


@transaction.atomic
def case_archive(*, actor, case: Case, note: str = "") -> Case:
    case = _transition(case, "archive", actor, note=note)
    return case


@transaction.atomic
def case_cancel(*, actor, case: Case, reason: str) -> Case:
    """撤销: the reporter withdraws it, or the queue owner closes it as not to be handled (with a reason)."""
    reason = _check_text("reason", reason)

    def prepare(fresh: Case) -> None:
        fresh.close_reason = reason

    case = _transition(case, "cancel", actor, note=reason, prepare=prepare)
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

    case = _transition(case, "merge", actor, note=note, prepare=prepare, data={"into": target.number})
    CaseAssignment.objects.filter(case=case).exclude(status=AssignmentStatus.DONE).update(
        status=AssignmentStatus.WITHDRAWN
    )
    sync_queue(case)
    _event(target, "merged_in", actor, before=target.state, data={"from": case.number}, public=False)
    return case


# --- deadlines: extension, supervision, reminders, escalation ------------------------------------------------


@transaction.atomic
def extension_request(*, actor, case: Case, days: int, reason: str) -> ExtensionRequest:
    """延期: the lead handler asks for more working days, before the deadline has passed."""
    fresh = _lock(case)
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
    reason = _check_text("reason", reason)
    if ExtensionRequest.objects.filter(case=fresh, status=ExtensionStatus.PENDING).exists():
        raise ValidationError({"days": _("An extension request is already waiting for a decision.")})
    ext = ExtensionRequest.objects.create(
        case=fresh, days=days, reason=reason, requested_by=actor, old_due=fresh.handle_due
    )
    _event(fresh, "extension_requested", actor, before=fresh.state, note=reason, data={"days": days})
    audit.record(actor=actor, action="create", obj=ext, after=audit.snapshot(ext))
    queue_roles = policy.DISPATCH_ROLES if fresh.level == Level.DISTRICT else policy.COMMUNITY_ROLES
    notify(
        users=_users_with_roles_over(fresh.scope_path, queue_roles - {"district_admin"}),
        title=_("Extension asked for: %(title)s") % {"title": fresh.title},
        body=reason,
        url=_case_url(fresh),
        kind="workorders.extension",
        obj=fresh,
    )
    return ext


@transaction.atomic
def extension_decide(*, actor, extension: ExtensionRequest, approve: bool, note: str = "") -> ExtensionRequest:
    ext = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    fresh = _lock(ext.case)
    if not policy.controls_queue(fresh, actor):
        raise PermissionDenied(_("Only the dispatcher of this case may decide on an extension."))
    if ext.status != ExtensionStatus.PENDING:
        raise ValidationError({"status": _("This request has already been decided.")})
    before = audit.snapshot(ext)
    ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    ext.decided_by, ext.decided_at, ext.decision_note = actor, timezone.now(), _check_text("note", note, required=False)
    if approve and fresh.state in (State.SIGNED, State.HANDLING):
        base = fresh.handle_due or timezone.now()
        from linli.core.workdays import end_of_day

        fresh.handle_due = end_of_day(add_workdays(local_date(base), ext.days))
        ext.new_due = fresh.handle_due
        Case.objects.filter(pk=fresh.pk).update(handle_due=fresh.handle_due)
        sync_queue(fresh)
    ext.save()
    _event(
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
        url=_case_url(fresh),
        kind="workorders.extension_decided",
        obj=fresh,
    )
    return ext


@transaction.atomic
def case_supervise(*, actor, case: Case, note: str) -> Case:
    """督办: the dispatch centre, district or street puts a case under supervision."""
    fresh = _lock(case)
    if not policy.is_supervisor(fresh, actor):
        raise PermissionDenied(_("You may not supervise this case."))
    if fresh.state not in OPEN_STATES:
        raise TransitionRefused(_("Only open cases can be supervised."), allowed_actions(fresh, actor))
    note = _check_text("note", note)
    Case.objects.filter(pk=fresh.pk).update(supervised=True)
    fresh.supervised = True
    _event(fresh, "supervise", actor, before=fresh.state, note=note)
    audit.record(actor=actor, action="case_supervise", obj=fresh, note=note)
    notify(
        users=_handlers(fresh),
        title=_("Under supervision: %(title)s") % {"title": fresh.title},
        body=note,
        url=_case_url(fresh),
        kind="workorders.supervised",
        obj=fresh,
    )
    case.supervised = True
    return fresh


@transaction.atomic
def case_urge(*, actor, case: Case, note: str = "", automatic: bool = False) -> Case:
    """催办: a reminder to whoever holds the case (sent by a supervisor, or daily by the deadline job)."""
    fresh = _lock(case)
    if not automatic and not policy.is_supervisor(fresh, actor) and not policy.controls_queue(fresh, actor):
        raise PermissionDenied(_("You may not send reminders on this case."))
    if fresh.state not in OPEN_STATES:
        raise TransitionRefused(_("Only open cases can be chased."), allowed_actions(fresh, actor))
    now = timezone.now()
    Case.objects.filter(pk=fresh.pk).update(urge_count=fresh.urge_count + 1, last_urged_at=now)
    fresh.urge_count += 1
    fresh.last_urged_at = now
    text = note or _("This case is overdue. Please handle it now.")
    _event(fresh, "urge", actor, before=fresh.state, note=text, data={"automatic": automatic})
    audit.record(actor=actor, action="case_urge", obj=fresh, note=text)
    notify(
        users=_handlers(fresh),
        title=_("Reminder (催办): %(title)s") % {"title": fresh.title},
        body=text,
        url=_case_url(fresh),
        kind="workorders.urged",
        obj=fresh,
    )
    return fresh


@transaction.atomic
def case_escalate(*, actor, case: Case, overdue_days: int) -> Case:
    """Escalate an overdue case to the next level up (community → street → district), once per level."""
    fresh = _lock(case)
    if fresh.state not in OPEN_STATES:
        return fresh
    level = fresh.escalation_level + 1
    Case.objects.filter(pk=fresh.pk).update(escalation_level=level, supervised=True)
    fresh.escalation_level, fresh.supervised = level, True
    _event(
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
        users=_users_with_roles_over(fresh.scope_path, roles),
        title=_("Escalated: %(title)s is %(n)s working days overdue") % {"title": fresh.title, "n": overdue_days},
        url=_case_url(fresh),
        kind="workorders.escalated",
        obj=fresh,
    )
    return fresh


def reveal_reporter_phone(*, actor, case: Case, purpose: str = "") -> str:
    """The reporter's phone in full, for whoever may see the reporter, with a purpose; each reveal audited."""
    from linli.core.crypto import decrypt

    if not case.reporter_phone_cipher:
        return ""
    if not policy.sees_reporter(case, actor) or not (
        policy.controls_queue(case, actor) or policy.is_lead_handler(case, actor)
    ):
        raise PermissionDenied(_("You may not see this reporter's phone number."))
    audit.record_reveal(actor=actor, obj=case, field="reporter_phone", purpose=purpose)
    return decrypt(case.reporter_phone_cipher)
