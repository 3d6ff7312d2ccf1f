"""Configurable party-building defaults (local practice, not national law).

``LINLI_PARTY_REPORT_STALE_MONTHS`` (Django setting, default 6): an in-service member (在职党员) who has not
reported (报到) to their community for this many months is flagged.
``LINLI_PARTY_TERM_REMINDER_DAYS`` (default 90): the branch secretary is reminded this many days before the
committee's 5-year term ends (换届).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

MIN_FULL_MEMBERS = 3          # 支部工作条例: a branch needs at least 3 full members
COMMITTEE_FROM = 7            # ≥ 7 full members → a 支部委员会
COMMITTEE_MIN, COMMITTEE_USUAL_MAX, COMMITTEE_MAX = 3, 5, 7
BRANCH_USUAL_MAX = 50         # normally no more than 50 members


def stale_months() -> int:
    return int(getattr(settings, "LINLI_PARTY_REPORT_STALE_MONTHS", 6))


def term_reminder_days() -> int:
    return int(getattr(settings, "LINLI_PARTY_TERM_REMINDER_DAYS", 90))


def months_before(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    import calendar

    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def stale_before(today: dt.date | None = None) -> dt.date:
    """Members whose last 报到 is before this date are stale."""
    return months_before(today or timezone.localdate(), stale_months())
