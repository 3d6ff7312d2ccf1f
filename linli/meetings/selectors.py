"""Every read of meetings goes through ``restrict``."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from linli.core.paths import subtree_q
from linli.core.permissions import Action, restrict

from .models import AgendaItem, Invitee, Meeting, State, Vote


def meetings(user, *, action=Action.VIEW, under: str | None = None, state: str = "", q: str = ""):
    qs = restrict(Meeting.objects.all(), user, action).select_related("party_org", "place")
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(host_name__icontains=q))
    return qs.order_by("-starts_at", "-id").annotate(
        n_invitees=Count("invitees", distinct=True),
        n_present=Count("invitees", filter=Q(invitees__checked_in_at__isnull=False), distinct=True),
    )


def my_meetings(user):
    """Meetings the user is invited to (newest first), with their own check-in time."""
    mine = Invitee.objects.filter(meeting=OuterRef("pk"), user_id=user.pk)
    return (
        restrict(Meeting.objects.all(), user)
        .filter(Exists(mine))
        .exclude(state=State.DRAFT)
        .select_related("party_org")
        .annotate(checked_in=Exists(mine.filter(checked_in_at__isnull=False)))
    )


def meeting_for(user, pk, action=Action.VIEW) -> Meeting:
    return get_object_or_404(
        restrict(Meeting.objects.select_related("party_org", "place", "chair"), user, action), pk=pk
    )


def items(user, meeting: Meeting):
    return restrict(AgendaItem.objects.filter(meeting=meeting), user).order_by("position", "id")


def invitees(user, meeting: Meeting):
    return restrict(Invitee.objects.filter(meeting=meeting), user).select_related("user", "resident")


def my_invitation(user, meeting: Meeting) -> Invitee | None:
    return Invitee.objects.filter(meeting=meeting, user_id=user.pk).first()


def my_votes(user, meeting: Meeting) -> dict[int, str]:
    return dict(Vote.objects.filter(item__meeting=meeting, invitee__user_id=user.pk).values_list("item_id", "choice"))


def open_ballot(user, meeting: Meeting) -> dict[int, list[tuple[str, str]]]:
    """Who voted how, per item — empty for a secret ballot (``Vote.scope_q`` hides other people's votes)."""
    out: dict[int, list] = {}
    if meeting.secret_ballot:
        return out
    rows = (
        restrict(Vote.objects.filter(item__meeting=meeting), user)
        .select_related("invitee__user", "invitee__resident")
        .order_by("item_id", "id")
    )
    for v in rows:
        out.setdefault(v.item_id, []).append((v.invitee.display_name, v.get_choice_display()))
    return out
