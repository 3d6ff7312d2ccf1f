"""Reads of owners' committees through ``restrict``, and the flags of 建房〔2009〕274号 (shown, never enforced)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from linli.core import dates
from linli.core.paths import subtree_q
from linli.core.permissions import Action, restrict

from .models import POSITION_ORDER, CommitteeSeat, OwnersCommittee, current_seat_q, open_seat_q

MIN_MEMBERS, MAX_MEMBERS = 5, 11
REELECTION_LEAD_DAYS = 90  # re-election starts 90 days before the term ends
FILING_DAYS = 30  # filed with the street within 30 days of the election


def committees(
    user,
    *,
    action: str = Action.VIEW,
    under: str | None = None,
    q: str = "",
    include_inactive: bool = False,
    today: dt.date | None = None,
) -> QuerySet:
    """Committees ``user`` may ``action``, each with ``n_seats`` (current seats), compound and community."""
    today = today or dates.today()
    qs = restrict(OwnersCommittee.objects.all(), user, action).select_related("compound__parent")
    if under:
        qs = qs.filter(subtree_q("scope_path", under))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(compound__name__icontains=q))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.annotate(n_seats=Count("seats", filter=open_seat_q(today, "seats__"))).order_by(
        "-is_active", "scope_path", "-term_start", "pk"
    )


def seats(user, committee: OwnersCommittee, *, today: dt.date | None = None) -> tuple[list, list]:
    """(current, past) seats of ``committee`` the user may see; current ones chair first."""
    today = today or dates.today()
    rows = list(
        restrict(CommitteeSeat.objects.filter(committee=committee), user)
        .select_related("resident", "committee")
        .order_by("since", "pk")
    )
    current = [s for s in rows if s.is_open(today)]
    current.sort(key=lambda s: (POSITION_ORDER.get(s.position, 9), s.since, s.pk))
    past = sorted((s for s in rows if not s.is_open(today)), key=lambda s: (s.until, s.pk), reverse=True)
    return current, past


def members_in_office(committee_id: int, *, today: dt.date | None = None) -> QuerySet:
    """The seats of a committee held today (an active committee's open seats): its members, the base of its votes
    (it decides with more than half of ALL its members). A rule's read, not restricted to a user."""
    return CommitteeSeat.objects.filter(current_seat_q(today or dates.today()), committee_id=committee_id)


def compound_of(committee_id: int):
    """The compound (a ``areas.Place``) a committee serves, or None."""
    committee = OwnersCommittee.objects.select_related("compound").filter(pk=committee_id).first()
    return committee.compound if committee else None


@dataclass(frozen=True)
class Flag:
    code: str
    level: str  # "warning" | "error"
    message: str


def flags(committee: OwnersCommittee, n_seats: int, *, today: dt.date | None = None) -> list[Flag]:
    """What 业主大会和业主委员会指导规则 (建房〔2009〕274号) asks and the record does not show. Only for active
    committees: an odd number of 5–11 members; re-election from 90 days before the term ends; a term that has
    ended; the filing (备案) with the street within 30 days of the election."""
    today = today or dates.today()
    if not committee.is_active:
        return []
    out = []
    if n_seats < MIN_MEMBERS or n_seats > MAX_MEMBERS or n_seats % 2 == 0:
        out.append(
            Flag(
                "members",
                "warning",
                _("%(n)s members: an owners' committee has an odd number of 5 to 11 members.") % {"n": n_seats},
            )
        )
    if committee.term_end < today:
        out.append(
            Flag(
                "term_ended",
                "error",
                _("The term ended on %(day)s: the committee is due for re-election (换届).")
                % {"day": committee.term_end},
            )
        )
    elif committee.term_end - dt.timedelta(days=REELECTION_LEAD_DAYS) <= today:
        out.append(
            Flag(
                "reelection_due",
                "warning",
                _("The term ends on %(day)s: re-election (换届) should start 90 days before.")
                % {"day": committee.term_end},
            )
        )
    if committee.filed_on is None and committee.term_start + dt.timedelta(days=FILING_DAYS) < today:
        out.append(
            Flag("not_filed", "warning", _("Not filed with the street: filing is due within 30 days of the election."))
        )
    return out


def with_flags(rows, *, today: dt.date | None = None) -> list[OwnersCommittee]:
    """Attach ``flags`` to committees annotated with ``n_seats`` (no queries)."""
    today = today or dates.today()
    rows = list(rows)
    for c in rows:
        c.flags = flags(c, c.n_seats, today=today)
    return rows


def current_seats_of(resident_ids, *, today: dt.date | None = None) -> dict[int, list[CommitteeSeat]]:
    """Current seats (on active committees) of these residents, by resident id: one query, unscoped — a
    committee's membership is posted publicly in the compound; callers pass residents the user already sees."""
    out: dict[int, list[CommitteeSeat]] = {}
    ids = [i for i in resident_ids if i]
    if not ids:
        return out
    for s in (
        CommitteeSeat.objects.filter(current_seat_q(today), resident_id__in=ids)
        .select_related("committee")
        .order_by("since", "pk")
    ):
        out.setdefault(s.resident_id, []).append(s)
    return out


def current_member_ids(today: dt.date | None = None) -> QuerySet:
    """Resident ids holding a current seat (a subquery for filters)."""
    return CommitteeSeat.objects.filter(current_seat_q(today)).values("resident_id")


def committee_of_compound(compound) -> OwnersCommittee | None:
    """The active owners' committee of ``compound``, or None. A rule's read (who sits for the committee in a
    三方议事), not restricted to a user."""
    return OwnersCommittee.objects.filter(compound=compound, is_active=True).first()
