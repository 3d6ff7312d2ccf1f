"""Every read of selections, through ``restrict``: staff lists, one selection, its nominations (staff: all; everyone
who sees the selection: the ballot — accepted ones — and, once announced, the counts), a resident's own vote, the
selections open to a resident on the phone, and the honours of a resident (the 360° page)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from linli.core.permissions import Action, can, restrict
from linli.registry.models import HouseholdMember

from .models import Nomination, NominationState, Objection, Selection, SelectionState, Vote
from .services.common import local_resident

ANNOUNCED = (SelectionState.PUBLICITY, SelectionState.FINAL)


def selections(user, *, action=Action.VIEW, state: str = "", q: str = ""):
    qs = restrict(Selection.objects.all(), user, action).select_related("place")
    if state in SelectionState.values:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(place__name__contains=q) | Q(period__contains=q))
    return qs.annotate(
        nominated=Count("nominations", distinct=True),
        pending=Count("nominations", filter=Q(nominations__state=NominationState.PENDING), distinct=True),
    ).order_by("-vote_until", "-pk")


def selection_for(user, pk: int) -> Selection:
    return get_object_or_404(restrict(Selection.objects.select_related("place"), user), pk=pk)


def is_staff_for(user, selection: Selection) -> bool:
    return can(user, Action.CHANGE, selection)


def nominations(user, selection: Selection, *, state: str = ""):
    """All nominations of a selection, for staff who may see them (restrict on Nomination)."""
    qs = restrict(Nomination.objects.filter(selection=selection), user).select_related(
        "resident", "household", "building", "nominated_by", "reviewed_by"
    )
    if state in NominationState.values:
        qs = qs.filter(state=state)
    return qs.annotate(count=Count("ballots")).order_by("state", "rank", "pk")


def ballot(selection: Selection):
    """The accepted nominations of a selection the caller has already read through ``selection_for``: public to
    everyone who sees the selection; counts only once announced."""
    qs = Nomination.objects.filter(selection=selection, state=NominationState.ACCEPTED).select_related("building")
    if selection.state in ANNOUNCED:
        return qs.order_by("rank", "pk")
    return qs.order_by("building__path", "pk")


def my_vote(user, selection: Selection) -> Vote | None:
    resident = local_resident(user, selection)
    if resident is None:
        return None
    return Vote.objects.filter(selection=selection, resident=resident).select_related("nomination").first()


def my_nominations(user, selection: Selection):
    return Nomination.objects.filter(selection=selection, nominated_by=user).order_by("-pk")


def objections(user, selection: Selection):
    return restrict(Objection.objects.filter(selection=selection), user).select_related("nomination", "raised_by")


def for_resident(user):
    """The selections a resident sees (their community's and compound's), the ones under way first."""
    order = {SelectionState.VOTING: 0, SelectionState.NOMINATING: 1, SelectionState.PUBLICITY: 2}
    rows = list(restrict(Selection.objects.exclude(state=SelectionState.FINAL), user).select_related("place"))
    return sorted(rows, key=lambda s: (order.get(s.state, 3), s.vote_until))


def honours(user, resident):
    """The announced wins of ``resident`` (as a person, or as a member of a winning household) in selections
    ``user`` may see — the 360° page's panel."""
    households = HouseholdMember.objects.filter(resident=resident, until__isnull=True).values("household_id")
    return (
        restrict(Nomination.objects.all(), user)
        .filter(is_winner=True, selection__state__in=ANNOUNCED)
        .filter(Q(resident=resident) | Q(household_id__in=households))
        .select_related("selection", "selection__place")
        .order_by("-selection__announced_on", "pk")
    )


def votes_cast(selection: Selection) -> int:
    return Vote.objects.filter(selection=selection).count()
