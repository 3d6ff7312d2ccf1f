"""Who is entitled to attend (应到) a meeting of an organisation on a day — the single place that reads the
party structure for organisational life.

* 支部党员大会: the branch's members with voting rights — full members (正式党员), its groups' included; the
  probationary members attend without a vote (列席, ``observers``), outside 应到;
* 支委会: the holders of the branch committee's seats in force that day;
* 党小组会: the group's members;
* 党课, 主题党日, 组织生活会, 民主评议: every member of the organisation (full and probationary).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .models import Kind

BRANCH_KINDS = ("branch", "general_branch")
GROUP_KINDS = ("group",)
# Which organisations hold which meetings.
ORG_KINDS_FOR = {
    Kind.GENERAL_ASSEMBLY: BRANCH_KINDS,
    Kind.COMMITTEE: (*BRANCH_KINDS, "community_committee"),
    Kind.GROUP_MEETING: GROUP_KINDS,
    Kind.PARTY_LECTURE: (*BRANCH_KINDS, "community_committee"),
    Kind.THEME_DAY: (*BRANCH_KINDS, *GROUP_KINDS),
    Kind.LIFE_MEETING: BRANCH_KINDS,
    Kind.EVALUATION: BRANCH_KINDS,
    Kind.HEART_TALK: (*BRANCH_KINDS, *GROUP_KINDS),
}


def _models():
    from linli.party.models import CommitteeSeat, PartyMember

    return PartyMember, CommitteeSeat


def _active_on(qs: QuerySet, on: dt.date | None) -> QuerySet:
    """Members in the organisation on ``on``: registered by then and not yet left (today: active ones)."""
    if on is None:
        return qs.filter(is_active=True)
    return qs.filter(Q(registered_on__isnull=True) | Q(registered_on__lte=on)).filter(
        Q(is_active=True, ended_on__isnull=True) | Q(ended_on__gt=on)
    )


def members_of(org, on: dt.date | None = None) -> QuerySet:
    """Members of ``org`` on ``on``: a group's members; a branch's (its groups' included); a general branch's
    own members and its branches' members."""
    PartyMember, _seat = _models()
    if org.kind in GROUP_KINDS:
        qs = PartyMember.objects.filter(group=org)
    elif org.kind == "general_branch":
        qs = PartyMember.objects.filter(Q(org=org) | Q(org__parent=org))
    else:
        qs = PartyMember.objects.filter(org=org)
    return _active_on(qs, on)


def committee_members(org, on: dt.date | None = None) -> QuerySet:
    """The holders of ``org``'s committee seats in force on ``on`` (today: the active seats)."""
    PartyMember, CommitteeSeat = _models()
    seats = CommitteeSeat.objects.filter(org=org)
    if on is None:
        seats = seats.filter(is_active=True)
    else:
        # A committee whose term ran out stays in office until the election (换届): active seats count.
        seats = seats.filter(term_start__lte=on).filter(Q(is_active=True) | Q(term_end__gte=on))
    return PartyMember.objects.filter(pk__in=seats.values("member_id"))


def entitled(org, kind: str, on: dt.date | None = None) -> QuerySet:
    """The members entitled to attend a ``kind`` meeting of ``org`` on ``on`` (应到), ordered for checklists."""
    if kind == Kind.COMMITTEE:
        qs = committee_members(org, on)
    elif kind == Kind.GENERAL_ASSEMBLY:
        qs = members_of(org, on).filter(status="full")
        if on is not None:
            qs = qs.filter(Q(full_on__isnull=True) | Q(full_on__lte=on))
    else:
        qs = members_of(org, on)
    return qs.select_related("resident").order_by("resident__name", "pk")


def observers(org, kind: str, on: dt.date | None = None) -> QuerySet:
    """The members who may attend a ``kind`` meeting of ``org`` on ``on`` without a vote (列席), outside 应到: at a
    支部党员大会 the probationary members (no vote, 党章 第七条) — members of the organisation not entitled that day.
    Nobody for the other kinds, where every member is entitled."""
    if kind != Kind.GENERAL_ASSEMBLY:
        return members_of(org, on).none()
    voting = entitled(org, kind, on).values("pk")
    return members_of(org, on).exclude(pk__in=voting).select_related("resident").order_by("resident__name", "pk")


def org_may_hold(org, kind: str) -> bool:
    return org.kind in ORG_KINDS_FOR.get(kind, ())
