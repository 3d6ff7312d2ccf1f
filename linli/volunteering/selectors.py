"""Every read in volunteering goes through the chokepoint (``restrict``); ``hours`` is the score cards' aggregate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from linli.core import dates
from linli.core.permissions import Action, restrict

from .models import (
    Activity,
    ActivityStatus,
    Certificate,
    DutyKind,
    DutyLog,
    ServiceRecord,
    SignUp,
    SignUpStatus,
    StarAward,
    StarNotice,
    StarStatus,
    Team,
    Volunteer,
)

CENT = Decimal("0.01")


def hours(resident_or_volunteer, year: int | None = None) -> Decimal:
    """Confirmed service hours of a resident (or volunteer) in ``year`` (all years when None). For score cards."""
    if resident_or_volunteer is None:
        return Decimal("0.00")
    if isinstance(resident_or_volunteer, Volunteer):
        qs = ServiceRecord.objects.filter(volunteer=resident_or_volunteer)
    else:
        qs = ServiceRecord.objects.filter(volunteer__resident_id=resident_or_volunteer.pk)
    if year is not None:
        qs = qs.filter(served_on__year=year)
    return (qs.aggregate(s=Sum("hours"))["s"] or Decimal("0")).quantize(CENT)


def volunteers(user, action: str = Action.VIEW, q: str = "", team_id: int | None = None):
    qs = restrict(Volunteer.objects.select_related("resident", "community"), user, action)
    q = (q or "").strip()[:60]
    if q:
        qs = qs.filter(Q(resident__name__icontains=q) | Q(number__icontains=q) | Q(resident__name_initials=q.lower()))
    if team_id:
        qs = qs.filter(team_memberships__team_id=team_id)
    return qs.order_by("number")


def volunteer_for(user, pk: int, action: str = Action.VIEW) -> Volunteer:
    return get_object_or_404(restrict(Volunteer.objects.select_related("resident", "community"), user, action), pk=pk)


def teams(user):
    return restrict(Team.objects.select_related("community", "leader__resident"), user).annotate(
        member_count=Count("members")
    )


def team_for(user, pk: int) -> Team:
    return get_object_or_404(restrict(Team.objects.select_related("community", "leader__resident"), user), pk=pk)


def rhythm(team: Team, today: dt.date | None = None) -> list[dict]:
    """The 日巡查、周督促、月整改 rhythm: was each duty logged in the current day / week / month?"""
    today = today or dates.today()
    starts = {
        DutyKind.DAILY_PATROL: today,
        DutyKind.WEEKLY_URGE: today - dt.timedelta(days=today.weekday()),
        DutyKind.MONTHLY_RECTIFY: today.replace(day=1),
    }
    last = dict(DutyLog.objects.filter(team=team).values("kind").annotate(last=Max("on")).values_list("kind", "last"))
    return [
        {
            "kind": kind,
            "label": kind.label,
            "since": start,
            "last": last.get(kind.value),
            "done": bool(last.get(kind.value) and last[kind.value] >= start),
        }
        for kind, start in starts.items()
    ]


def activities(user, *, q: str = "", status: str = "", upcoming: bool = False):
    qs = restrict(Activity.objects.select_related("community", "place"), user).annotate(
        taken=Count("signups", filter=Q(signups__status=SignUpStatus.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__status=SignUpStatus.WAITING)),
    )
    q = (q or "").strip()[:60]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(content__icontains=q) | Q(location__icontains=q))
    if status in ActivityStatus.values:
        qs = qs.filter(status=status)
    if upcoming:
        qs = qs.filter(ends_at__gte=timezone.now()).exclude(status__in=[ActivityStatus.DRAFT, ActivityStatus.CANCELLED])
        return qs.order_by("starts_at", "pk")
    return qs.order_by("-starts_at", "-pk")


def activity_for(user, pk: int, action: str = Action.VIEW) -> Activity:
    return get_object_or_404(
        restrict(Activity.objects.select_related("community", "place", "team"), user, action), pk=pk
    )


def signups_of(activity: Activity):
    return activity.signups.select_related("volunteer__resident", "record").order_by("status", "signed_up_at", "pk")


def my_signups(volunteer: Volunteer):
    return (
        SignUp.objects.filter(volunteer=volunteer).select_related("activity", "record").order_by("-activity__starts_at")
    )


def my_hours_by_year(volunteer: Volunteer) -> list[tuple[int, Decimal, int]]:
    rows = (
        ServiceRecord.objects.filter(volunteer=volunteer)
        .values_list("served_on__year")
        .annotate(h=Sum("hours"), n=Count("pk"))
        .order_by("-served_on__year")
    )
    return [(y, Decimal(h).quantize(CENT), n) for y, h, n in rows]


def certificate_for(user, pk: int) -> Certificate:
    return get_object_or_404(restrict(Certificate.objects.select_related("volunteer__resident"), user), pk=pk)


def star_notices(user, status: str = StarStatus.NOTICE):
    return (
        restrict(StarAward.objects.select_related("volunteer__resident", "volunteer__community"), user)
        .filter(status=status)
        .order_by("notice_until", "pk")
    )


NOTICE_FIELDS = ("pk", "level", "hours", "notice_from", "notice_until")


def public_notices(user, today: dt.date | None = None):
    """The 公示 board: stars on notice in the communities the user is bound in (residents included), as plain
    values — name, community, level, hours and dates; nothing else of the person reaches the page."""
    return (
        restrict(StarNotice.objects.current(today), user)
        .order_by("volunteer__community__path", "-level", "volunteer__resident__name", "pk")
        .values(*NOTICE_FIELDS, name=F("volunteer__resident__name"), community=F("volunteer__community__name"))
    )
