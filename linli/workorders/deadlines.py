"""The daily deadline job: 催办 reminders, escalation of long-overdue cases, 回访 reminders.

Rules (domain rules §4, configurable in settings):
* a case past its sign or handling deadline gets one automatic reminder (催办) per working day, to its handlers;
* ``LINLI_WORKORDER_ESCALATE_AFTER`` (default 5) working days overdue → escalated one level (street), twice that
  → escalated again (district dispatch centre); each level once;
* a case completed (办结) and not yet evaluated one working day later → the community staff are reminded to make
  the return visit (回访) and record the verdict for the resident.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.workdays import is_workday, local_date, workdays_between, workdays_overdue
from linli.notifications.services import notify

from . import policy, selectors, services
from .models import Case, State


def escalate_after() -> int:
    return int(getattr(settings, "LINLI_WORKORDER_ESCALATE_AFTER", 5))


def run(now=None) -> dict:
    now = now or timezone.now()
    today = local_date(now)
    counts = {"urged": 0, "escalated": 0, "revisit": 0}
    if not is_workday(today):
        return counts
    overdue = selectors.open_overdue(now).select_related("lead_org").order_by("pk")
    for case in overdue.iterator(chunk_size=500):
        if case.last_urged_at is None or local_date(case.last_urged_at) < today:
            services.case_urge(actor=None, case=case, automatic=True)
            counts["urged"] += 1
        due = case.handle_due if case.handle_due and case.handle_due < now else case.sign_due
        days = workdays_overdue(due, now) if due else 0
        wanted = min(2, days // escalate_after()) if escalate_after() > 0 else 0
        if wanted > case.escalation_level:
            services.case_escalate(actor=None, case=case, overdue_days=days)
            counts["escalated"] += 1
    waiting = Case.objects.filter(state=State.COMPLETED, completed_at__lt=now).order_by("pk")
    for case in waiting.iterator(chunk_size=500):
        if workdays_between(local_date(case.completed_at), today) == 1:
            notify(
                users=services.users_with_roles_over(case.scope_path, policy.COMMUNITY_ROLES),
                title=_("Return visit due (回访): %(title)s") % {"title": case.title},
                body=_("Completed yesterday; please ask the resident for their verdict."),
                url=services.case_url(case),
                kind="workorders.revisit",
                obj=case,
            )
            counts["revisit"] += 1
    return counts
