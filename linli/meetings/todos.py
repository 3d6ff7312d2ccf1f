"""微会议 on the workbench: the meetings the user is invited to that are in progress or start within a week."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.registry import Todo

from . import selectors
from .models import State

SECTION = "workbench"
SOON = dt.timedelta(days=7)


def collect(user) -> list[Todo]:
    now = timezone.now()
    qs = selectors.my_meetings(user).filter(
        Q(state=State.OPEN) | Q(state=State.SCHEDULED, starts_at__lt=now + SOON, ends_at__gte=now)
    )
    row = qs.aggregate(n=Count("id"), due=Min("starts_at"), first=Min("id"))
    if not row["n"]:
        return []
    url = reverse("meetings:detail", args=[row["first"]]) if row["n"] == 1 else reverse("meetings:list")
    return [Todo("meetings.invited", _("Meetings I am invited to, this week"), row["n"], url, SECTION, due=row["due"])]
