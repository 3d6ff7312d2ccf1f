"""Star levels (星级): thresholds, yearly proposals, publication notice, finalising and withdrawal."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit, dates, events
from linli.core.permissions import Action, require
from linli.core.services import save_audited
from linli.core.workdays import add_workdays, workdays_between

from ..models import (
    StarAward,
    StarStatus,
    StarThreshold,
    Volunteer,
    VolunteerStatus,
)
from .common import lock_row, parse_hours

# --- star levels -----------------------------------------------------------------------------------------


def thresholds() -> list[tuple[int, Decimal]]:
    return list(StarThreshold.objects.order_by("level").values_list("level", "hours"))


def level_for(hours: Decimal, table: list[tuple[int, Decimal]] | None = None) -> int:
    level = 0
    for lvl, need in table if table is not None else thresholds():
        if hours >= need:
            level = lvl
    return level


@transaction.atomic
def stars_propose(*, actor=None, today: dt.date | None = None) -> int:
    """Put on public notice (公示, 5 working days) every volunteer whose confirmed hours reached a higher star."""
    today = today or dates.today()
    table = thresholds()
    if not table:
        return 0
    lowest = table[0][1]
    pending = set(StarAward.objects.filter(status=StarStatus.NOTICE).values_list("volunteer_id", flat=True))
    n = 0
    for v in Volunteer.objects.filter(status=VolunteerStatus.ACTIVE, total_hours__gte=lowest).order_by("pk"):
        if v.pk in pending:
            continue
        level = level_for(v.total_hours, table)
        if (
            level <= v.stars
            or StarAward.objects.filter(volunteer=v, level=level).exclude(status=StarStatus.WITHDRAWN).exists()
        ):
            continue
        award = StarAward(
            volunteer=v,
            scope_path=v.scope_path,
            level=level,
            hours=v.total_hours,
            notice_from=today,
            notice_until=add_workdays(today, NOTICE_WORKDAYS),
        )
        save_audited(actor=actor, obj=award, action="create", note="public notice")
        n += 1
    return n


@transaction.atomic
def stars_finalise(*, actor=None, today: dt.date | None = None) -> int:
    """Award the stars whose public notice has run its 5 working days without being withdrawn (a notice whose
    dates were shortened some other way is held until it has really been up for 5 working days)."""
    today = today or dates.today()
    n = 0
    for award in StarAward.objects.select_for_update().filter(status=StarStatus.NOTICE, notice_until__lt=today):
        if workdays_between(award.notice_from, today - dt.timedelta(days=1)) < NOTICE_WORKDAYS:
            continue
        before = audit.snapshot(award)
        award.status, award.decided_on = StarStatus.AWARDED, today
        save_audited(actor=actor, obj=award, action="update", before=before, note="awarded after public notice")
        Volunteer.objects.filter(pk=award.volunteer_id, stars__lt=award.level).update(stars=award.level)
        events.publish("volunteering.star.awarded", {"volunteer_id": award.volunteer_id, "level": award.level})
        n += 1
    return n


@transaction.atomic
def star_withdraw(*, actor, award: StarAward, note: str) -> StarAward:
    """Withdraw a star on notice (an objection was upheld)."""
    award = lock_row(award)
    require(actor, Action.CHANGE, award)
    if award.status != StarStatus.NOTICE:
        raise ValidationError(_("Only a star on public notice can be withdrawn."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why.")})
    before = audit.snapshot(award)
    award.status, award.decided_on, award.note = StarStatus.WITHDRAWN, dates.today(), note.strip()[:200]
    return save_audited(actor=actor, obj=award, action="update", before=before)


NOTICE_WORKDAYS = 5


@transaction.atomic
def thresholds_set(*, actor, hours_by_level: dict) -> list[StarThreshold]:
    """Set the whole star table at once (the district administrator's page): every level needs more hours than
    the one below it, checked on the new table, so levels can be moved past each other's old values in one go.
    One audit row per changed level. Stars already awarded or on notice are not touched."""
    rows = {r.level: r for r in StarThreshold.objects.select_for_update().order_by("level")}
    if not rows:
        raise ValidationError(_("There is no star table to change."))
    for row in rows.values():
        require(actor, Action.CHANGE, row)
    unknown = set(hours_by_level) - set(rows)
    if unknown:
        raise ValidationError(_("Unknown star level: %(level)s") % {"level": sorted(unknown)[0]})
    errors, new = {}, {}
    for level, row in rows.items():
        try:
            parsed = parse_hours(hours_by_level.get(level, row.hours))
        except ValidationError:
            parsed = None
        if parsed is None or parsed < 1:
            errors[f"level_{level}"] = _("Enter a number of hours (at least 1).")
            continue
        new[level] = parsed.quantize(Decimal("0.1"))
    if errors:
        raise ValidationError(errors)
    levels = sorted(new)
    for lower, upper in itertools.pairwise(levels):
        if new[upper] <= new[lower]:
            raise ValidationError({f"level_{upper}": _("Each star needs more hours than the one below it.")})
    changed = []
    for level in levels:
        row = rows[level]
        if row.hours == new[level]:
            continue
        before = {"hours": str(row.hours)}
        row.hours = new[level]
        row.full_clean()
        row.save()
        audit.record(
            actor=actor, action="update", obj=row, before=before, after={"hours": str(row.hours)}, scope_path=""
        )
        changed.append(row)
    return changed


@transaction.atomic
def threshold_set(*, actor, level: int, hours) -> StarThreshold:
    row = StarThreshold.objects.select_for_update().get(level=level)
    require(actor, Action.CHANGE, row)
    before = {"hours": str(row.hours)}
    parsed = parse_hours(hours)
    if parsed is None:
        raise ValidationError({"hours": _("Enter a number of hours.")})
    row.hours = parsed.quantize(Decimal("0.1"))
    row.full_clean()
    others = dict(StarThreshold.objects.exclude(level=level).values_list("level", "hours"))
    if any((lv < level and h >= row.hours) or (lv > level and h <= row.hours) for lv, h in others.items()):
        raise ValidationError({"hours": _("Each star needs more hours than the one below it.")})
    row.save()
    audit.record(actor=actor, action="update", obj=row, before=before, after={"hours": str(row.hours)}, scope_path="")
    return row
