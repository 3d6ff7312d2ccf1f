"""Volunteering on the workbench: ended activities whose hours wait to be confirmed (their organisers and the
staff over them), and a volunteer's confirmed activities of the coming week."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Action, restrict
from linli.core.registry import Todo

from .models import Activity, ActivityStatus, SignUp, SignUpStatus

SECTION = "services"
SOON = dt.timedelta(days=7)


def collect(user) -> list[Todo]:
    now = timezone.now()
    out = []
    ended = restrict(
        Activity.objects.filter(status__in=[ActivityStatus.OPEN, ActivityStatus.CLOSED], ends_at__lt=now),
        user,
        Action.CHANGE,
    )
    row = ended.aggregate(n=Count("id"), due=Min("ends_at"))
    if row["n"]:
        out.append(
            Todo(
                "volunteering.finish",
                _("Ended activities: confirm the hours"),
                row["n"],
                reverse("volunteering:activities"),
                SECTION,
                due=row["due"],
            )
        )
    row = SignUp.objects.filter(
        volunteer__resident__account_id=user.pk,
        status=SignUpStatus.CONFIRMED,
        activity__status__in=[ActivityStatus.OPEN, ActivityStatus.CLOSED],
        activity__starts_at__gte=now,
        activity__starts_at__lt=now + SOON,
    ).aggregate(n=Count("id"), due=Min("activity__starts_at"))
    if row["n"]:
        out.append(
            Todo(
                "volunteering.soon",
                _("My volunteer activities this week"),
                row["n"],
                reverse("volunteering:me"),
                SECTION,
                due=row["due"],
            )
        )
    return out
