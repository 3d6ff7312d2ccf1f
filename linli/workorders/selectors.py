"""Reads for pages, API and exports — every one through ``restrict``. Queues keep a constant query count."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from linli.core.permissions import restrict

from . import policy
from .models import (
    ACTIVE_STATES,
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    Level,
    State,
)

LIST_RELATED = ("category", "category__parent", "lead_org", "place")


def cases(user) -> QuerySet:
    return restrict(Case.objects.select_related(*LIST_RELATED), user)


def case_for(user, pk) -> Case:
    """One case the user may view (404 otherwise), with what its page needs."""
    from django.shortcuts import get_object_or_404

    qs = restrict(
        Case.objects.select_related(
            *LIST_RELATED, "verdict", "task_force", "merged_into", "reporter", "reporter_resident"
        ),
        user,
    )
    return get_object_or_404(qs, pk=pk)


def timeline(case: Case, *, user, public_only: bool = False) -> list[CaseEvent]:
    """The case's timeline as ``user`` may see it; each entry's ``actor_shown`` names who did it."""
    qs = case.events.select_related("actor").prefetch_related(
        Prefetch("attachments", queryset=CaseAttachment.objects.order_by("pk"))
    )
    if public_only:
        qs = qs.filter(public=True)
    events = list(qs)
    name_actors(case, events, user)
    return events


def name_actors(case: Case, events, user) -> None:
    """Set ``actor_shown`` on each entry. What the reporter did on a confidential or anonymous case names them
    only to whoever ``policy.sees_reporter`` (confidential: the queue owner; anonymous: the reporter alone)."""
    sees = None
    for e in events:
        if policy.identity_protected(case) and policy.by_reporter(case, e):
            if sees is None:
                sees = policy.sees_reporter(case, user)
            if sees:
                e.actor_shown = e.actor_label or (_user_name(e.actor) if e.actor_id else "") or str(_("Reporter"))
            elif case.confidentiality == "anonymous":
                e.actor_shown = str(_("Anonymous reporter"))
            else:
                e.actor_shown = str(_("Reporter (identity protected)"))
        else:
            e.actor_shown = e.actor_label or str(_("System"))


def _user_name(user) -> str:
    return (user.display_name or user.get_username()) if user is not None else ""


def dispatch_queue(user) -> QuerySet:
    """The district dispatch centre: whistled cases waiting for dispatch first, then everything it dispatched."""
    return cases(user).filter(level=Level.DISTRICT, state__in=ACTIVE_STATES).order_by("handle_due", "created_at")


def community_queue(user, *, community_path: str | None = None) -> QuerySet:
    qs = cases(user).filter(level=Level.COMMUNITY, state__in=ACTIVE_STATES)
    if community_path:
        qs = qs.filter(scope_path__gte=community_path, scope_path__lt=community_path + ":")
    return qs.order_by("-priority", "handle_due", "created_at")


def org_queue(user, organisation_id: int | None = None, *, include_done: bool = False) -> QuerySet:
    """A department's or property company's queue (接单): cases where it is lead or co-handler, open first."""
    ids = policy.org_ids(user) if organisation_id is None else {organisation_id}
    mine = CaseAssignment.objects.filter(case_id=OuterRef("pk"), organisation_id__in=ids)
    qs = cases(user).filter(Exists(mine))
    states = ACTIVE_STATES if not include_done else [*ACTIVE_STATES, State.EVALUATED, State.ARCHIVED]
    co = CaseAssignment.objects.filter(case_id=OuterRef("pk"), organisation_id__in=ids, role=AssignmentRole.CO)
    return qs.filter(state__in=states).annotate(as_co=Exists(co)).order_by("handle_due", "created_at")


def org_queue_assignments(user) -> QuerySet:
    """The organisation's queue as its assignment rows, in queue order: to sign for first, then by the next
    deadline it faces, then oldest case first — one index range (``wo_assignment_queue``), whatever the table
    size. Each row brings its case (and what a list shows) along."""
    from .models import QueueRank

    related = ["case", *(f"case__{r}" for r in LIST_RELATED)]
    return (
        restrict(CaseAssignment.objects.select_related(*related).only(*QUEUE_ROW_FIELDS), user)
        .filter(queue_rank__lt=QueueRank.OFF)
        .order_by("queue_rank", F("due_at").asc(nulls_last=True), "case_id")
    )


# What a queue row shows (workorders/queue.html, _state.html): loading only these keeps a page of 50 rows cheap.
QUEUE_ROW_FIELDS = (
    "case_id",
    "organisation_id",
    "role",
    "status",
    "queue_rank",
    "due_at",
    "case__id",
    "case__title",
    "case__number",
    "case__state",
    "case__sign_due",
    "case__handle_due",
    "case__supervised",
    "case__reopen_count",
    "case__category_id",
    "case__place_id",
    "case__lead_org_id",
    "case__category__id",
    "case__category__name",
    "case__category__parent_id",
    "case__category__parent__id",
    "case__category__parent__name",
    "case__place__id",
    "case__place__name",
    "case__lead_org__id",
    "case__lead_org__name",
)


def my_reports(user) -> QuerySet:
    return Case.objects.select_related(*LIST_RELATED).filter(reporter=user).order_by("-created_at")


def open_overdue(now=None) -> QuerySet:
    """For the deadline job (runs as the system, not for display): every case past the deadline of its stage."""
    return Case.objects.overdue(now)
