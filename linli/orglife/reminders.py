"""Reminders of the compliance calendar, computed from the records like the calendar itself.

* ``run`` — items **due**: each branch's (and group's) secretaries hear once a month which required items of the
  running period have not been held yet (the daily job sends them from day ``LINLI_ORGLIFE_REMIND_FROM_DAY``).
* ``run_missing`` — items **missing**: once the month (and with it perhaps a quarter or the year) is over, the
  secretaries hear which required items of the periods that just ended were never held (shown red on the
  calendar), so they can hold them as a make-up (补开). Sent whatever the day of the month, once per organisation
  and closed period (``kind="orglife.missing:<last day of the period>"``); nothing when a make-up was already
  recorded for it.

Recipients: the holders of the organisation's secretary seat who have a login (``Resident.account``); when
nobody does, the community secretaries over the organisation. The due reminder is one message per organisation
and month (``kind="orglife.reminder"``), however often the job runs.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core import dates
from linli.core.paths import is_within
from linli.notifications.models import Notification
from linli.notifications.services import notify

from . import periods, selectors

KIND = "orglife.reminder"
MISSING_KIND = "orglife.missing"
SECRETARY_POSITIONS = ("secretary",)


def remind_from_day() -> int:
    """Day of the month from which the daily job sends reminders (LINLI_ORGLIFE_REMIND_FROM_DAY, default 15)."""
    return int(getattr(settings, "LINLI_ORGLIFE_REMIND_FROM_DAY", 15))


def secretaries(org) -> list:
    from linli.party.models import CommitteeSeat

    seats = CommitteeSeat.objects.filter(org=org, position__in=SECRETARY_POSITIONS, is_active=True).select_related(
        "member__resident__account"
    )
    users = [
        s.member.resident.account for s in seats if s.member.resident.account_id and s.member.resident.account.is_active
    ]
    if users:
        return users
    from linli.accounts.models import RoleBinding

    return [
        b.user
        for b in RoleBinding.objects.current()
        .filter(role="community_secretary", place__isnull=False)
        .select_related("user", "place")
        if is_within(org.scope_path, [b.place.path])
    ]


def run(today: dt.date | None = None) -> dict:
    from linli.party.models import PartyOrg

    today = today or dates.today()
    month = periods.period_containing(periods.MONTH, today)
    orgs = PartyOrg.objects.filter(kind__in=selectors.CALENDAR_ORG_KINDS, is_active=True).order_by("pk")
    already = set(
        Notification.objects.filter(kind=KIND, created_at__date__gte=month.start).values_list("subject", flat=True)
    )
    counts = {"organisations": 0, "messages": 0}
    for comp in selectors.compliance_many(orgs, today.year, today):
        due = [(row, cell) for row, cell in comp.current() if cell.state == periods.DUE]
        subject = f"{comp.org._meta.label_lower}:{comp.org.pk}"
        if not due or subject in already:
            continue
        lines = [
            _("%(item)s — by %(end)s") % {"item": row.label, "end": cell.period.end.isoformat()} for row, cell in due
        ]
        sent = notify(
            users=secretaries(comp.org),
            title=_("Organisational life due: %(org)s") % {"org": comp.org.name},
            body=_("Not held yet in the current period:") + "\n" + "\n".join(lines),
            url=reverse("orglife:calendar", args=[comp.org.pk]) + f"?year={today.year}",
            kind=KIND,
            obj=comp.org,
        )
        if sent:
            counts["organisations"] += 1
            counts["messages"] += len(sent)
    return counts


def missing_kind(closed_on: dt.date) -> str:
    return f"{MISSING_KIND}:{closed_on.isoformat()}"


def run_missing(today: dt.date | None = None) -> dict:
    """Remind each organisation, once, of the required items of the periods that ended on the last day of the
    previous month (that month; the quarter and the year too when they ended with it) that were never held."""
    from linli.party.models import PartyOrg

    today = today or dates.today()
    closed_on = periods.period_containing(periods.MONTH, today).start - dt.timedelta(days=1)
    kind = missing_kind(closed_on)
    orgs = PartyOrg.objects.filter(kind__in=selectors.CALENDAR_ORG_KINDS, is_active=True).order_by("pk")
    already = set(Notification.objects.filter(kind=kind).values_list("subject", flat=True))
    counts = {"organisations": 0, "messages": 0}
    for comp in selectors.compliance_many(orgs, closed_on.year, today):
        missing = [
            (row, cell)
            for row in comp.rows
            for cell in row.cells
            if cell.period.end == closed_on and cell.state == periods.MISSING
        ]
        subject = f"{comp.org._meta.label_lower}:{comp.org.pk}"
        if not missing or subject in already:
            continue
        lines = [
            _("%(item)s — %(start)s to %(end)s")
            % {"item": row.label, "start": cell.period.start.isoformat(), "end": cell.period.end.isoformat()}
            for row, cell in missing
        ]
        sent = notify(
            users=secretaries(comp.org),
            title=_("Organisational life missed: %(org)s") % {"org": comp.org.name},
            body=_("Not held in a period that is over — hold it as a make-up meeting and record it for that period:")
            + "\n"
            + "\n".join(lines),
            url=reverse("orglife:calendar", args=[comp.org.pk]) + f"?year={closed_on.year}",
            kind=kind,
            obj=comp.org,
        )
        if sent:
            counts["organisations"] += 1
            counts["messages"] += len(sent)
    return counts
