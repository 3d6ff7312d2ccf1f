"""Configurable party-building defaults (local practice, not national law).

``LINLI_PARTY_REPORT_STALE_MONTHS`` (Django setting, default 6): an in-service member (在职党员) who has not
reported (报到) to their community for this many months is flagged.
``LINLI_PARTY_TERM_REMINDER_DAYS`` (default 90): the branch secretary is reminded this many days before the
committee's term ends (换届).
``LINLI_PARTY_TERM_YEARS`` (a mapping, merged over ``TERM_YEARS``): the term of a branch committee by branch type.
支部工作条例 第六章: 村、社区党支部委员会每届任期5年，其他基层单位党支部委员会一般每届任期3年 — a compound's or a
grid's branch belongs to the community (5 years), a property company's or another unit's branch to that unit
(3 years). Organisations above a branch (community committee, general branch in the community, street committee)
take ``"default"`` (5). The party constitution allows 3 to 5 years; anything else is refused.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from linli.core import dates
from linli.core.workdays import add_months

MIN_FULL_MEMBERS = 3  # 支部工作条例: a branch needs at least 3 full members
COMMITTEE_FROM = 7  # ≥ 7 full members → a 支部委员会
COMMITTEE_MIN, COMMITTEE_USUAL_MAX, COMMITTEE_MAX = 3, 5, 7
BRANCH_USUAL_MAX = 50  # normally no more than 50 members


def stale_months() -> int:
    return int(getattr(settings, "LINLI_PARTY_REPORT_STALE_MONTHS", 6))


def term_reminder_days() -> int:
    return int(getattr(settings, "LINLI_PARTY_TERM_REMINDER_DAYS", 90))


TERM_YEARS = {"compound": 5, "grid": 5, "property": 3, "other": 3, "default": 5}
TERM_YEARS_ALLOWED = range(3, 6)  # 党章 第三十一条: 基层委员会、总支部委员会、支部委员会每届任期三年至五年


def term_years(kind: str, branch_type: str = "") -> int:
    """The term of office of an organisation of ``kind`` (and, for a branch, ``branch_type``) in years."""
    table = {**TERM_YEARS, **getattr(settings, "LINLI_PARTY_TERM_YEARS", {})}
    key = branch_type if kind == "branch" and branch_type in table else "default"
    years = table[key]
    if not isinstance(years, int) or years not in TERM_YEARS_ALLOWED:
        raise ImproperlyConfigured(
            f"LINLI_PARTY_TERM_YEARS[{key!r}] = {years!r}: a party committee's term is 3 to 5 years (党章 第三十一条)"
        )
    return years


def months_before(day: dt.date, months: int) -> dt.date:
    return add_months(day, -months)


def stale_before(today: dt.date | None = None) -> dt.date:
    """Members whose last 报到 is before this date are stale."""
    return months_before(today or dates.today(), stale_months())
