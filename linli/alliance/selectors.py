"""Reads for pages and the API — every one through ``restrict``; a detail page costs a constant number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from linli.core.permissions import Action, restrict

from .models import (
    CLAIMABLE_PROJECT_STATES,
    Alliance,
    AllianceMember,
    Commitment,
    CommitmentItem,
    FundEntry,
    ItemStatus,
    JointMeeting,
    Partner,
    PartnerProject,
    Problem,
    ProblemStatus,
    ProjectClaim,
    VolunteerActivity,
    WishClaim,
)


def alliances(user, action=Action.VIEW) -> QuerySet:
    return (
        restrict(Alliance.objects.select_related("community"), user, action)
        .annotate(
            member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
            open_problems=Count("problems", filter=~Q(problems__status=ProblemStatus.SOLVED), distinct=True),
        )
        .order_by("scope_path")
    )


def alliance_for(user, pk, action=Action.VIEW) -> Alliance:
    return get_object_or_404(restrict(Alliance.objects.select_related("community"), user, action), pk=pk)


def members(user, alliance) -> QuerySet:
    return restrict(AllianceMember.objects.filter(alliance=alliance), user).select_related("organisation")


def get_in(user, model, pk, action=Action.VIEW, **filters):
    """One row of an alliance model the user may ``action`` (404 otherwise)."""
    return get_object_or_404(restrict(model.objects.filter(**filters), user, action), pk=pk)


def detail(user, alliance: Alliance, *, year: int) -> dict:
    """Everything the alliance page shows, each list through ``restrict``."""
    r = lambda qs: restrict(qs, user)  # noqa: E731
    items = CommitmentItem.objects.order_by("pk")
    commitments = list(
        r(Commitment.objects.filter(alliance=alliance, year=year))
        .select_related("member__organisation")
        .prefetch_related(Prefetch("items", queryset=items))
    )
    for c in commitments:
        its = list(c.items.all())
        c.done = sum(1 for i in its if i.status == ItemStatus.FULFILLED)
        c.total = len(its)
    meetings = list(
        r(JointMeeting.objects.filter(alliance=alliance, held_on__year=year)).prefetch_related(
            Prefetch("attendees", queryset=AllianceMember.objects.select_related("organisation"))
        )
    )
    quarters = {q: [m for m in meetings if m.quarter == q] for q in (1, 2, 3, 4)}
    fund = list(r(FundEntry.objects.filter(alliance=alliance)).select_related("member__organisation")[:50])
    return {
        "members": list(members(user, alliance).order_by("-is_active", "organisation__name")),
        "meetings": meetings,
        "quarters": quarters,
        "commitments": commitments,
        "wishes": list(r(WishClaim.objects.filter(alliance=alliance)).select_related("member__organisation")[:100]),
        "activities": list(
            r(VolunteerActivity.objects.filter(alliance=alliance, held_on__year=year)).prefetch_related(
                Prefetch("members", queryset=AllianceMember.objects.select_related("organisation"))
            )
        ),
        "problems": list(
            r(Problem.objects.filter(alliance=alliance)).select_related(
                "place", "case", "raised_by__organisation", "responsible__organisation"
            )
        ),
        "fund": fund,
        "partners": list(
            r(Partner.objects.filter(alliance=alliance))
            .select_related("organisation")
            .prefetch_related(
                Prefetch(
                    "projects",
                    queryset=PartnerProject.objects.order_by("-pk").prefetch_related(
                        Prefetch(
                            "claims",
                            to_attr="active_claims",
                            queryset=r(ProjectClaim.objects.filter(is_active=True)).select_related("member__resident"),
                        )
                    ),
                )
            )
        ),
    }


# -- 双报到: projects claimed by in-service party members (the party domain's pages and record sheet read these) --


def project_claims(user, *, member=None, members=None, start=None, end=None, action=Action.VIEW) -> QuerySet:
    """Claims of cooperative projects, through ``restrict``. ``start``/``end`` keep the claims that were active at
    some time in that period (claimed on or before ``end``, not released before ``start``)."""
    qs = restrict(
        ProjectClaim.objects.select_related("project__partner__organisation", "alliance", "member__resident"),
        user,
        action,
    )
    if member is not None:
        qs = qs.filter(member=member)
    if members is not None:
        qs = qs.filter(member__in=members)
    if end is not None:
        qs = qs.filter(claimed_on__lte=end)
    if start is not None:
        qs = qs.filter(Q(released_on__isnull=True) | Q(released_on__gte=start))
    return qs.order_by("-is_active", "-claimed_on", "-pk")


def claimable_projects(user, member) -> QuerySet:
    """Planned or running projects of the alliance of the member's community that the member has not claimed."""
    taken = ProjectClaim.objects.filter(member=member, is_active=True).values("project_id")
    return (
        restrict(PartnerProject.objects.select_related("partner__organisation"), user)
        .filter(partner__alliance__community_id=member.community_id, status__in=CLAIMABLE_PROJECT_STATES)
        .exclude(pk__in=taken)
        .order_by("partner__organisation__name", "title", "pk")
    )
