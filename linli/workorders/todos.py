"""The work orders' part of the workbench: cases waiting for the user's step, and the figures of their scope.

Each kind is one aggregate query (count, earliest deadline, how many are past it), whatever the scope's size."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Role
from linli.core.permissions import bindings_for
from linli.core.registry import Figure, Todo

from . import policy, selectors
from .models import ACTIVE_STATES, OPEN_STATES, CaseAssignment, Level, QueueRank, State, overdue_q

SECTION = "government"


def _roles(user) -> set:
    return {b.role for b in bindings_for(user)}


def _url(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def _todo(key, label, qs, due_field, url, now) -> Todo | None:
    """One kind of waiting work; ``due_field`` None for work without a deadline (a verdict, a return visit)."""
    if due_field is None:
        row = {"n": qs.count(), "due": None, "late": 0}
    else:
        row = qs.aggregate(n=Count("pk"), due=Min(due_field), late=Count("pk", filter=Q(**{f"{due_field}__lt": now})))
    if not row["n"]:
        return None
    return Todo(
        key=key,
        label=label,
        count=row["n"],
        url=url,
        section=SECTION,
        due=row["due"],
        overdue=row["late"],
        workdays=due_field is not None,  # time limits are counted in working days
    )


def collect(user) -> list[Todo]:
    now = timezone.now()
    roles = _roles(user)
    out: list[Todo | None] = []
    if user.is_superuser or roles & policy.DISPATCH_ROLES:
        district = selectors.cases(user).filter(level=Level.DISTRICT)
        out.append(
            _todo(
                "workorders.dispatch",
                _("Whistled cases to dispatch"),
                district.filter(state=State.ACCEPTED),
                "handle_due",
                _url("workorders:dispatch_queue", state=State.ACCEPTED),
                now,
            )
        )
        out.append(
            _todo(
                "workorders.revisit_district",
                _("Completed cases to visit back (回访)"),
                district.filter(state=State.COMPLETED),
                None,
                _url("workorders:dispatch_queue", state=State.COMPLETED),
                now,
            )
        )
    if roles & policy.COMMUNITY_ROLES:
        community = selectors.cases(user).filter(level=Level.COMMUNITY)
        out.append(
            _todo(
                "workorders.accept",
                _("New reports to dispatch or handle"),
                community.filter(state=State.ACCEPTED),
                "handle_due",
                _url("workorders:community_queue", state=State.ACCEPTED),
                now,
            )
        )
        out.append(
            _todo(
                "workorders.self_handle",
                _("Cases the community handles itself"),
                community.filter(state__in=OPEN_STATES, lead_org__isnull=True).exclude(state=State.ACCEPTED),
                "handle_due",
                _url("workorders:community_queue"),
                now,
            )
        )
        out.append(
            _todo(
                "workorders.revisit",
                _("Completed cases to visit back (回访)"),
                community.filter(state=State.COMPLETED),
                None,
                _url("workorders:community_queue", state=State.COMPLETED),
                now,
            )
        )
    org_ids = policy.org_ids(user)
    if org_ids:
        mine = CaseAssignment.objects.filter(organisation_id__in=org_ids)
        out.append(
            _todo(
                "workorders.sign",
                _("Cases to sign for (签收)"),
                mine.filter(queue_rank=QueueRank.TO_SIGN),
                "due_at",
                # The queue lists what is to be signed for first, marked; not filtered on 已派单: a co-handler
                # (协办) signs for cases the lead has already signed (签收, 办理中).
                _url("workorders:org_queue"),
                now,
            )
        )
        out.append(
            _todo(
                "workorders.handle",
                _("Cases to handle"),
                mine.filter(queue_rank=QueueRank.IN_HAND, case__state__in=OPEN_STATES),
                "due_at",
                _url("workorders:org_queue"),
                now,
            )
        )
    if Role.RESIDENT in roles or not roles:
        out.append(
            _todo(
                "workorders.verdict",
                _("My reports waiting for my verdict"),
                selectors.my_reports(user).filter(state=State.COMPLETED),
                None,
                _url("workorders:my_cases"),
                now,
            )
        )
    return [t for t in out if t is not None]


def figures(user) -> list[Figure]:
    """Open cases in the user's scope and how many are past a deadline (staff who read cases beyond their own)."""
    roles = _roles(user)
    if not (user.is_superuser or roles - {Role.RESIDENT}):
        return []
    now = timezone.now()
    row = (
        selectors.cases(user)
        .filter(state__in=ACTIVE_STATES)
        .aggregate(
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            late=Count("pk", filter=overdue_q(now)),
            completed=Count("pk", filter=Q(state=State.COMPLETED)),
        )
    )
    if not any(row.values()):
        return [Figure("workorders.open", _("Open cases"), 0, SECTION)]
    return [
        Figure(
            "workorders.open",
            _("Open cases"),
            row["open"],
            SECTION,
            hint=_("%(n)d past a deadline") % {"n": row["late"]} if row["late"] else "",
        ),
        Figure("workorders.completed", _("Completed, awaiting the verdict"), row["completed"], SECTION),
    ]
