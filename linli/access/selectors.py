"""Reads. Doors and aggregate statistics need only the right to see the doors; the events themselves
(whereabouts) are read only through ``events_for_purpose``: a purpose from the fixed list, a case reference,
a bounded window, a granted role — and every read is audited with the purpose."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.permissions import Action, may_any, restrict

from .conf import pseudonym
from .models import AccessCredential, AccessEvent, Door, Purpose, Result, VisitorPass

MAX_WINDOW = dt.timedelta(days=31)
MAX_ROWS = 500
READ_ACTION = "access_events_read"


def doors_for(user, place=None):
    qs = restrict(Door.objects.select_related("place"), user)
    if place is not None:
        qs = qs.filter(scope_path__gte=place.path, scope_path__lt=place.path + ":")
    return qs


def credentials_of(user, resident):
    return restrict(AccessCredential.objects.filter(resident=resident), user).order_by("kind", "id")


def passes_for(user, building=None):
    qs = restrict(VisitorPass.objects.select_related("place"), user)
    if building is not None:
        qs = qs.filter(scope_path=building.path)
    return qs


def _window(start: dt.datetime, end: dt.datetime) -> None:
    if start is None or end is None or end <= start:
        raise ValidationError({"end": _("Give a time window that ends after it starts.")})
    if end - start > MAX_WINDOW:
        raise ValidationError({"end": _("The window can be at most 31 days.")})


def heatmap(user, doors, start: dt.datetime, end: dt.datetime) -> dict:
    """Aggregate only, no purpose needed: entries per door × hour of day (local time) and granted/denied
    totals, over the doors ``user`` may see. No person, no single event."""
    _window(start, end)
    door_list = list(doors_for(user).filter(pk__in=[d.pk for d in doors]))
    rows = (
        AccessEvent.objects.filter(door__in=door_list, at__gte=start, at__lt=end)
        .annotate(hour=ExtractHour("at", tzinfo=timezone.get_current_timezone()))
        .values("door_id", "hour")
        .annotate(n=Count("id"), denied=Count("id", filter=Q(result=Result.DENIED)))
    )
    grid = {d.pk: [0] * 24 for d in door_list}
    totals = {d.pk: {"total": 0, "denied": 0} for d in door_list}
    for row in rows:
        grid[row["door_id"]][row["hour"]] += row["n"]
        totals[row["door_id"]]["total"] += row["n"]
        totals[row["door_id"]]["denied"] += row["denied"]
    peak = max((n for cells in grid.values() for n in cells), default=0)
    return {"doors": door_list, "grid": grid, "totals": totals, "peak": peak}


def may_read_events(user) -> bool:
    return may_any(user, AccessEvent, Action.VIEW)


def events_for_purpose(
    user,
    *,
    purpose: str,
    case_ref: str,
    start: dt.datetime,
    end: dt.datetime,
    door: Door | None = None,
    place=None,
    resident=None,
) -> list[AccessEvent]:
    """The events of a window at a door (or under a place), for a stated purpose; audited before anything is read.
    ``resident`` narrows to one person (by the pseudonym: the table has nothing else)."""
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": _("Choose the purpose of this search.")})
    case_ref = " ".join((case_ref or "").split())[:100]
    if not case_ref:
        raise ValidationError({"case_ref": _("Give the case reference this search serves.")})
    _window(start, end)
    if door is None and place is None:
        raise ValidationError({"door": _("Choose a door or a place.")})
    if not may_read_events(user):
        raise PermissionDenied(_("Your role may not read access records."))
    qs = restrict(AccessEvent.objects.select_related("door"), user).filter(at__gte=start, at__lt=end)
    scope = door.scope_path if door is not None else place.path
    if door is not None:
        qs = qs.filter(door=door)
    else:
        qs = qs.filter(scope_path__gte=place.path, scope_path__lt=place.path + ":")
    if resident is not None:
        qs = qs.filter(person_ref=pseudonym(resident.pk))
    audit.record(
        actor=user,
        action=READ_ACTION,
        object_type="access.accessevent",
        object_id=str(door.pk) if door is not None else "",
        object_repr=str(door or place),
        scope_path=scope,
        note=(
            f"{Purpose(purpose).label} | {case_ref} | {start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"
            + (" | one resident" if resident is not None else "")
        ),
    )
    return list(qs.order_by("-at", "-id")[:MAX_ROWS])
