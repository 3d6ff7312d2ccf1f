"""Reads used by services, selectors and pages: who votes, attendance, quorum, tallies and when they show."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ..models import (
    AgendaItem,
    Choice,
    HostKind,
    Invitee,
    Meeting,
    State,
    Tally,
    majority_base_count,
    quorum_needed,
)


def quorum_message(meeting: Meeting, invitees: int, attendees: int) -> str:
    need = quorum_needed(
        invitees=invitees,
        numerator=meeting.quorum_numerator,
        denominator=meeting.quorum_denominator,
        strict=meeting.quorum_strict,
    )
    if is_branch(meeting):
        return _(
            "No quorum yet: %(att)s of the branch's %(inv)s full members (应到, with voting rights) have "
            "checked in and %(need)s are needed (%(rule)s). Voting opens when enough have checked in."
        ) % {"att": attendees, "inv": invitees, "need": need, "rule": quorum_rule(meeting)}
    if is_committee(meeting):
        return _(
            "No quorum yet: %(att)s of the committee's %(inv)s members have checked in and %(need)s are "
            "needed (%(rule)s). Voting opens when enough have checked in."
        ) % {"att": attendees, "inv": invitees, "need": need, "rule": quorum_rule(meeting)}
    return _(
        "No quorum yet: %(att)s of %(inv)s invitees have checked in and %(need)s are needed "
        "(%(rule)s). Voting opens when enough have checked in."
    ) % {"att": attendees, "inv": invitees, "need": need, "rule": quorum_rule(meeting)}


def quorum_rule(meeting: Meeting) -> str:
    if meeting.quorum_numerator == 0:
        return _("no quorum")
    frac = f"{meeting.quorum_numerator}/{meeting.quorum_denominator}"
    if is_branch(meeting):
        if meeting.quorum_strict:
            return _("more than %(frac)s of the full members") % {"frac": frac}
        return _("at least %(frac)s of the full members") % {"frac": frac}
    if is_committee(meeting):
        if meeting.quorum_strict:
            return _("more than %(frac)s of all the committee's members") % {"frac": frac}
        return _("at least %(frac)s of all the committee's members") % {"frac": frac}
    if meeting.quorum_strict:
        return _("more than %(frac)s of the invitees") % {"frac": frac}
    return _("at least %(frac)s of the invitees") % {"frac": frac}


# -- reads used by services, selectors and pages ------------------------------------------------------------


def is_branch(meeting: Meeting) -> bool:
    return meeting.host_kind == HostKind.PARTY_BRANCH and meeting.party_org_id is not None


def is_committee(meeting: Meeting) -> bool:
    return meeting.owners_committee_id is not None


def voters_of(meeting: Meeting):
    """The members entitled to vote (应到) when the host is a body with members, as a queryset of rows with a
    ``resident`` (``resident__account_id`` is their login); None for any other host (the invitees are the base).

    * a party branch: the members with voting rights of a 支部党员大会 (支部工作条例) as organisational life counts them
      (``orglife.entitlement``: a general branch's sub-branches included) — ``party.PartyMember``;
    * an owners' committee: its members in office (建房〔2009〕274号: it decides with more than half of ALL its
      members) — ``owners.CommitteeSeat``."""
    if is_branch(meeting):
        from linli.orglife.entitlement import entitled
        from linli.orglife.models import Kind

        return entitled(meeting.party_org, Kind.GENERAL_ASSEMBLY)
    if is_committee(meeting):
        from linli.owners.selectors import members_in_office

        return members_in_office(meeting.owners_committee_id)
    return None


def voting_user_ids(meeting: Meeting) -> set[int] | None:
    """The logins of the members who vote at a branch or committee meeting (None: every invitee votes). A checked-in
    invitee outside it — a probationary member at a branch meeting, a guest — attends without a vote (列席)."""
    voters = voters_of(meeting)
    if voters is None:
        return None
    return set(voters.exclude(resident__account_id=None).values_list("resident__account_id", flat=True))


def attendance(meeting: Meeting) -> tuple[int, int]:
    """(invitees, checked-in attendees) in one query.

    A party-branch meeting counts its branch instead (domain rules §2): every active full member is 应到, invited or
    not (a member without a login cannot be invited yet still counts), and only full members who checked in are
    present — so a resolution passes with yes > 1/2 of the branch's full members (10 of 21 fails), not of those
    who happened to be invited. An owners' committee meeting counts the committee's members in office the same
    way (7 members: 4 present is a quorum, 4 yes pass; 3 yes of 5 present fail)."""
    voters = voters_of(meeting)
    if voters is not None:
        return (
            voters.count(),
            Invitee.objects.filter(
                meeting_id=meeting.pk, checked_in_at__isnull=False, user_id__in=voters.values("resident__account_id")
            ).count(),
        )
    row = Invitee.objects.filter(meeting_id=meeting.pk).aggregate(
        n=Count("id"), att=Count("id", filter=Q(checked_in_at__isnull=False))
    )
    return row["n"], row["att"]


def results_hidden(meeting: Meeting) -> bool:
    """A secret ballot publishes no count (nor share, nor who voted how) until the meeting closes: counts polled
    while the vote runs, beside who checked in or voted when, would tell how each person voted."""
    return meeting.secret_ballot and meeting.state != State.CLOSED


def published_tallies(meeting: Meeting, *, counts: tuple[int, int] | None = None) -> dict[int, Tally]:
    """The tallies a page or the API may show: ``tallies`` on an open ballot; on a secret ballot nothing until the
    meeting closes, then the frozen results."""
    if results_hidden(meeting):
        return {}
    return tallies(meeting, counts=counts)


def tallies(meeting: Meeting, *, counts: tuple[int, int] | None = None) -> dict[int, Tally]:
    """Live (or, once closed, frozen) counts for every voting item, in two queries."""
    if meeting.state == State.CLOSED and meeting.frozen_invitees is not None:
        return {
            i.pk: Tally(i.yes_count or 0, i.no_count or 0, i.abstain_count or 0, i.base_count or 0)
            for i in AgendaItem.objects.filter(meeting=meeting, is_vote=True)
        }
    n_inv, n_att = counts or attendance(meeting)
    rows = (
        AgendaItem.objects.filter(meeting=meeting, is_vote=True)
        .annotate(
            y=Count("votes", filter=Q(votes__choice=Choice.YES)),
            n=Count("votes", filter=Q(votes__choice=Choice.NO)),
            a=Count("votes", filter=Q(votes__choice=Choice.ABSTAIN)),
        )
        .values_list("pk", "y", "n", "a")
    )
    out = {}
    for pk, y, n, a in rows:
        base = majority_base_count(meeting.majority_base, invitees=n_inv, attendees=n_att, cast=y + n + a)
        out[pk] = Tally(y, n, a, base)
    return out
