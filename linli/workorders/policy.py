"""Who may take which step on a case. Used by the state machine's ``permission=`` and by the services.

Levels: a case is handled at the community (its queue is the community's) until the community whistles (吹哨);
then it is the district dispatch centre's. Handlers are the lead organisation's staff (department or property
company), or the community's own staff when the community handles a case itself (no lead organisation).
"""

from __future__ import annotations

from linli.accounts.roles import Role
from linli.core.paths import is_within
from linli.core.permissions import bindings_for

COMMUNITY_ROLES = {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER}
DISPATCH_ROLES = {Role.DISPATCHER, Role.DISTRICT_ADMIN}
SUPERVISE_ROLES = {Role.DISPATCHER, Role.DISTRICT_ADMIN, Role.STREET_STAFF}
ORG_ROLES = {Role.DEPARTMENT_STAFF, Role.PROPERTY_STAFF}


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _roles_covering(user, path: str, roles: set) -> bool:
    return any(b.role in roles and b.place_id and is_within(path, [b.place.path]) for b in bindings_for(user))


def is_superuser(user) -> bool:
    return _active(user) and user.is_superuser


def is_community_staff(case, user) -> bool:
    """Community staff (secretary, social worker) of the case's community."""
    return is_superuser(user) or (_active(user) and _roles_covering(user, case.scope_path, COMMUNITY_ROLES))


def is_dispatcher(case, user) -> bool:
    """The district dispatch centre (or district administrator) over the case's place."""
    return is_superuser(user) or (_active(user) and _roles_covering(user, case.scope_path, DISPATCH_ROLES))


def is_supervisor(case, user) -> bool:
    return is_superuser(user) or (_active(user) and _roles_covering(user, case.scope_path, SUPERVISE_ROLES))


def controls_queue(case, user) -> bool:
    """Owns the queue the case sits in: the community before it is whistled, the dispatch centre after."""
    if case.level == "district":
        return is_dispatcher(case, user)
    return is_community_staff(case, user) or is_dispatcher(case, user)


def org_ids(user) -> set[int]:
    if not _active(user):
        return set()
    return {b.organisation_id for b in bindings_for(user) if b.role in ORG_ROLES and b.organisation_id}


def is_lead_handler(case, user) -> bool:
    if is_superuser(user):
        return True
    if case.lead_org_id:
        return case.lead_org_id in org_ids(user)
    # No lead organisation: the community handles it itself.
    return case.level == "community" and is_community_staff(case, user)


def is_co_handler(case, user) -> bool:
    ids = org_ids(user)
    return bool(ids) and case.assignments.filter(organisation_id__in=ids, role="co").exists()


def is_reporter(case, user) -> bool:
    return _active(user) and case.reporter_id == user.pk


def may_cancel(case, user) -> bool:
    return is_reporter(case, user) or controls_queue(case, user)


def may_evaluate(case, user) -> bool:
    """The reporter, or staff recording the verdict on a return visit (回访) for them: the community (which
    knows the resident) or the dispatch centre."""
    return is_reporter(case, user) or is_community_staff(case, user) or is_dispatcher(case, user)


def sees_reporter(case, user) -> bool:
    """Confidential reports hide the reporter from handlers; anonymous ones from everybody but the reporter.

    This covers everything that names or points at the reporter: the reporter field, the phone, and the
    timeline entries the reporter wrote (``by_reporter``)."""
    if is_reporter(case, user):
        return True
    if case.confidentiality == "anonymous":
        return False
    if case.confidentiality == "confidential":
        return controls_queue(case, user)
    return True


def by_reporter(case, event) -> bool:
    """Was this timeline entry written by the case's reporter (reporting, adding photos, withdrawing, judging)?"""
    if (event.data or {}).get("by_reporter"):
        return True
    return bool(event.actor_id and case.reporter_id and event.actor_id == case.reporter_id)


def identity_protected(case) -> bool:
    return case.confidentiality in ("confidential", "anonymous")


# --- pages: who sees which page and step ------------------------------------------------------------------

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
REPORT_MODES = ("resident", "patrol", "counter")


def roles_of(user) -> set[str]:
    return {b.role for b in bindings_for(user)}


def is_resident_only(user) -> bool:
    """A login with no staff role: sees the public timeline and the phone pages only."""
    roles = roles_of(user)
    return not user.is_superuser and not (roles & STAFF_ROLES)


def report_mode_allowed(user, mode: str) -> bool:
    """May ``user`` open the report form of ``mode`` (resident 我要报事, patrol finds, counter reports)?"""
    if not user.is_authenticated:
        return False
    roles = roles_of(user)
    if mode == "resident":
        return Role.RESIDENT in roles
    if mode == "patrol":
        return user.is_superuser or bool(roles & PATROL_ROLES)
    return user.is_superuser or bool(roles & COUNTER_ROLES)


def may_attach(case, user) -> bool:
    """The reporter adds photos while the case is open."""
    from .models import OPEN_STATES

    return is_reporter(case, user) and case.state in OPEN_STATES


def extra_actions(case, user, pending_extension) -> list[str]:
    """The steps besides transitions that ``user`` may take on ``case`` now."""
    from django.utils import timezone

    from .models import OPEN_STATES, AssignmentRole, AssignmentStatus, State

    names = []
    is_open = case.state in OPEN_STATES
    ids = org_ids(user)
    if (
        is_open
        and ids
        and case.assignments.filter(
            organisation_id__in=ids, role=AssignmentRole.CO, status=AssignmentStatus.PENDING
        ).exists()
    ):
        names.append("co_sign")
    lead = is_lead_handler(case, user)
    if is_open and (lead or is_co_handler(case, user) or controls_queue(case, user)):
        names.append("note")
    if (
        lead
        and case.state in (State.SIGNED, State.HANDLING)
        and pending_extension is None
        and not (case.handle_due and timezone.now() > case.handle_due)
    ):
        names.append("extension")
    if pending_extension is not None and controls_queue(case, user):
        names.append("extension_decide")
    supervisor = is_supervisor(case, user)
    if is_open and supervisor and not case.supervised:
        names.append("supervise")
    if is_open and (supervisor or controls_queue(case, user)):
        names.append("urge")
    return names
