"""The queues: the district dispatch centre's, an organisation's (接单), the community's, a resident's own
reports, and the 工单 home that picks the one fitting the user's role."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import F, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.roles import Role
from linli.core.permissions import may_any

from .. import forms as f
from .. import policy, selectors
from ..models import ACTIVE_STATES, AssignmentRole, CaseStatistics, Category, QueueRank, State, TimeLimit, overdue_q
from .common import PAGE_SIZE, SECTION

COMMUNITY_QUEUE_ROLES = policy.COMMUNITY_ROLES | {Role.STREET_STAFF, Role.GRID_WORKER}


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
            qs = qs.filter(overdue_q(timezone.now(), p))
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
        "may_patrol": policy.report_mode_allowed(request.user, "patrol"),
        "may_counter": policy.report_mode_allowed(request.user, "counter"),
        "may_stats": may_any(request.user, CaseStatistics),
        **(extra or {}),
    }
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template += "#results"
    return render(request, template, ctx)


def _overdue_first(qs):
    now = timezone.now()
    return qs.annotate(
        overdue_rank=When_(When(overdue_q(now), then=Value(0)), default=Value(1), output_field=IntegerField())
    )


@login_required
def dispatch_queue(request):
    """The district dispatch centre: whistled cases waiting for dispatch, then those in progress, overdue first."""
    user = request.user
    if not (user.is_superuser or policy.roles_of(user) & policy.DISPATCH_ROLES):
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
    if not (user.is_superuser or policy.roles_of(user) & COMMUNITY_QUEUE_ROLES):
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
            "may_report": policy.report_mode_allowed(request.user, "resident"),
        },
    )


@login_required
def home(request):
    """工单: the queue that fits the user's role."""
    user = request.user
    roles = policy.roles_of(user)
    if user.is_superuser or roles & policy.DISPATCH_ROLES:
        return redirect("workorders:dispatch_queue")
    if policy.org_ids(user):
        return redirect("workorders:org_queue")
    if roles & COMMUNITY_QUEUE_ROLES:
        return redirect("workorders:community_queue")
    return redirect("workorders:my_cases")


# --- reporting ------------------------------------------------------------------------------------------
