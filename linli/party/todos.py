"""Party organisations on the workbench, for whoever keeps their record (community, street and district staff): the
flags the party pages show (``selectors.org_flags``, 支部工作条例) as work — organisations whose term has ended or
ends within the reminder period (换届), branches without a secretary, and branches whose make-up the tree flags as an
error (fewer than 3 full members; no committee of 3 or more from 7 full members; a committee above 7). One aggregate
query, whatever the scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, IntegerField, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.permissions import Action, restrict
from linli.core.registry import Todo

from . import conf
from .models import BRANCH_KINDS, CommitteeSeat, MemberStatus, PartyMember, PartyOrg, PartyOrgKind, SeatPosition

SECTION = "party"
TERM_KINDS = (*BRANCH_KINDS, PartyOrgKind.COMMUNITY_COMMITTEE)  # the kinds ``org_flags`` checks the term of


def _count(qs) -> Coalesce:
    """A per-organisation count as a subquery (no join, so the aggregate below stays one row per organisation)."""
    rows = qs.order_by().values("org").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _url(first, last) -> str:
    if first is not None and first == last:
        return reverse("party:org_detail", args=[first])
    return reverse("party:tree")


def collect(user) -> list[Todo]:
    today = dates.today()
    soon = today + dt.timedelta(days=conf.term_reminder_days())
    election = Q(kind__in=TERM_KINDS, term_end__isnull=False, term_end__lte=soon)
    no_secretary = Q(kind__in=BRANCH_KINDS, has_secretary=False)
    # As ``org_flags`` grades them "error": too few full members, no committee where one is needed, one too big.
    structure = Q(kind__in=BRANCH_KINDS) & (
        Q(n_full__lt=conf.MIN_FULL_MEMBERS)
        | Q(n_full__gte=conf.COMMITTEE_FROM, n_seats__lt=conf.COMMITTEE_MIN)
        | Q(n_seats__gt=conf.COMMITTEE_MAX)
    )
    seats = CommitteeSeat.objects.filter(org=OuterRef("pk"), is_active=True)
    row = (
        restrict(PartyOrg.objects.filter(is_active=True), user, Action.CHANGE)
        .annotate(
            has_secretary=Exists(seats.filter(position=SeatPosition.SECRETARY)),
            n_full=_count(PartyMember.objects.filter(org=OuterRef("pk"), is_active=True, status=MemberStatus.FULL)),
            n_seats=_count(seats),
        )
        .aggregate(
            election=Count("pk", filter=election),
            election_late=Count("pk", filter=election & Q(term_end__lt=today)),
            election_due=Min("term_end", filter=election),
            election_first=Min("pk", filter=election),
            election_last=Max("pk", filter=election),
            no_secretary=Count("pk", filter=no_secretary),
            no_secretary_first=Min("pk", filter=no_secretary),
            no_secretary_last=Max("pk", filter=no_secretary),
            structure=Count("pk", filter=structure),
            structure_first=Min("pk", filter=structure),
            structure_last=Max("pk", filter=structure),
        )
    )
    out = []
    if row["election"]:
        out.append(
            Todo(
                "party.election",
                _("Party organisations due for election (换届)"),
                row["election"],
                _url(row["election_first"], row["election_last"]),
                SECTION,
                due=row["election_due"],
                overdue=row["election_late"],
            )
        )
    if row["no_secretary"]:
        out.append(
            Todo(
                "party.no_secretary",
                _("Party branches without a secretary"),
                row["no_secretary"],
                _url(row["no_secretary_first"], row["no_secretary_last"]),
                SECTION,
            )
        )
    if row["structure"]:
        out.append(
            Todo(
                "party.structure",
                _("Party branches set up against the rules (支部工作条例)"),
                row["structure"],
                _url(row["structure_first"], row["structure_last"]),
                SECTION,
            )
        )
    return out
