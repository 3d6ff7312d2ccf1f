"""Daily reminders of party building: 换届 (term end) and stale 双报到 registrations.

Called by ``tasks.term_reminders`` / ``tasks.stale_reminders`` and the daily job; each message is sent once per
organisation and term (or member and month), de-duplicated on the notification's subject.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core import dates
from linli.core.paths import is_within
from linli.notifications.models import Notification
from linli.notifications.services import notify

from . import conf
from .models import BRANCH_KINDS, CommitteeSeat, InServiceMember, PartyOrg, PartyOrgKind, SeatPosition

TERM_KIND = "party.term_reminder"
STALE_KIND = "party.report_stale"


def community_secretaries(path: str) -> list:
    from linli.accounts.models import RoleBinding

    return [
        b.user
        for b in RoleBinding.objects.current()
        .filter(role="community_secretary", place__isnull=False)
        .select_related("user", "place")
        if is_within(path, [b.place.path])
    ]


def secretary_accounts(org: PartyOrg) -> list:
    """The branch secretary's login (via Resident.account); else the community secretaries above it."""
    users = [
        s.member.resident.account
        for s in CommitteeSeat.objects.filter(org=org, is_active=True, position=SeatPosition.SECRETARY).select_related(
            "member__resident__account"
        )
        if s.member.resident.account_id and s.member.resident.account.is_active
    ]
    return users or community_secretaries(org.scope_path)


def term_reminders(today: dt.date | None = None) -> dict:
    today = today or dates.today()
    horizon = today + dt.timedelta(days=conf.term_reminder_days())
    orgs = PartyOrg.objects.filter(
        is_active=True,
        term_end__isnull=False,
        term_end__lte=horizon,
        kind__in=(*BRANCH_KINDS, PartyOrgKind.COMMUNITY_COMMITTEE),
    ).order_by("pk")
    counts = {"organisations": 0, "messages": 0}
    for org in orgs:
        # One reminder per organisation and term end: the subject carries the term end date.
        subject = f"party.partyorg:{org.pk}"
        if Notification.objects.filter(
            kind=TERM_KIND, subject=subject, body__contains=org.term_end.isoformat()
        ).exists():
            continue
        overdue = org.term_end < today
        title = (_("Election overdue: %(org)s") if overdue else _("Election due: %(org)s")) % {"org": org.name}
        body = _(
            "The committee's term ends on %(date)s. Prepare the election (换届) in time: the %(years)s-year "
            "term of this organisation is set by the 支部工作条例 (5 years for a village's or community's, "
            "3 for another unit's branch)."
        ) % {"date": org.term_end.isoformat(), "years": org.term_years}
        sent = notify(
            users=secretary_accounts(org),
            title=title,
            body=body,
            url=reverse("party:org_detail", args=[org.pk]),
            kind=TERM_KIND,
            obj=org,
        )
        counts["organisations"] += 1
        counts["messages"] += len(sent)
    return counts


def stale_reminders(today: dt.date | None = None) -> dict:
    """Tell each community's secretaries, once a month, how many in-service members have not reported."""
    today = today or dates.today()
    cutoff = conf.stale_before(today)
    by_community: dict[int, list[InServiceMember]] = {}
    for m in (
        InServiceMember.objects.filter(is_active=True, reported_on__lt=cutoff)
        .select_related("community", "resident")
        .order_by("community_id", "reported_on")
    ):
        by_community.setdefault(m.community_id, []).append(m)
    month_start = today.replace(day=1)
    already = set(
        Notification.objects.filter(kind=STALE_KIND, created_at__date__gte=month_start).values_list(
            "subject", flat=True
        )
    )
    counts = {"communities": 0, "messages": 0}
    for rows in by_community.values():
        community = rows[0].community
        subject = f"areas.place:{community.pk}"
        if subject in already:
            continue
        names = "、".join(m.resident.name for m in rows[:20]) + ("…" if len(rows) > 20 else "")
        sent = notify(
            users=community_secretaries(community.path),
            title=_("%(n)s in-service members have not reported for %(months)s months")
            % {"n": len(rows), "months": conf.stale_months()},
            body=names,
            url=reverse("party:inservice_list") + "?stale=1",
            kind=STALE_KIND,
            obj=community,
        )
        counts["communities"] += 1
        counts["messages"] += len(sent)
    return counts
