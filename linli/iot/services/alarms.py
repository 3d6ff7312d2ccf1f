"""Alarms: raised and cleared by the rule engine (as the platform), acknowledged and cleared by staff with a note,
cleared when the work order they opened is archived. Every change is audited and published."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit, events
from linli.core.permissions import Action, require

from ..models import ACTIVE, Alarm, AlarmRule, AlarmState, ClearedBy, Device, RuleKind
from .devices import service_account
from .notify import notify_alarm


def publish(name: str, alarm: Alarm, **extra) -> None:
    events.publish(
        name,
        {"alarm_id": alarm.pk, "path": alarm.scope_path, "alarm_type": alarm.alarm_type, "state": alarm.state, **extra},
    )


def raise_alarm(*, rule: AlarmRule, device_id: int, value, reading_at) -> Alarm:
    """Raise (or repeat) the rule's alarm on a device, in the caller's transaction. One active alarm per device and
    alarm type: a repeat adds to its count. A new alarm opens the rule's work order and notifies."""
    now = timezone.now()
    existing = (
        Alarm.objects.select_for_update()
        .filter(device_id=device_id, alarm_type=rule.alarm_type, state__in=ACTIVE)
        .first()
    )
    if existing is None:
        device = Device.objects.select_related("place", "device_type").get(pk=device_id)
        alarm = Alarm(
            device=device,
            rule=rule,
            scope_path=device.scope_path,
            alarm_type=rule.alarm_type,
            severity=rule.severity,
            first_at=now,
            last_at=now,
            value=value,
            reading_at=reading_at,
            raised_in_at=now,
        )
        if rule.case_due_hours:
            alarm.respond_by = now + dt.timedelta(hours=rule.case_due_hours)
        try:
            with transaction.atomic():
                alarm.save()
        except IntegrityError:  # raised at the same moment elsewhere: that one is the active alarm
            return raise_alarm(rule=rule, device_id=device_id, value=value, reading_at=reading_at)
        audit.record(actor=None, action="alarm_raise", obj=alarm, after=audit.snapshot(alarm), note=rule.name)
        publish("iot.alarm.raised", alarm, severity=alarm.severity)
        if rule.case_category_id:
            open_case(alarm=alarm, rule=rule, device=device)
        notify_alarm(alarm, rule=rule, device=device)
        return alarm
    existing.count += 1
    existing.last_at = now
    existing.value = value
    existing.reading_at = reading_at
    existing.save(update_fields=["count", "last_at", "value", "reading_at", "updated_at"])
    audit.record(actor=None, action="alarm_repeat", obj=existing, note=f"count {existing.count}")
    return existing


def open_case(*, alarm: Alarm, rule: AlarmRule, device: Device) -> None:
    """Alarm → work order through the work-order services (source IoT), dispatched to the rule's organisation."""
    from linli.workorders import services as wo
    from linli.workorders.models import Source

    actor = service_account()
    reading = "" if alarm.value is None else f" {alarm.value:g}"
    case = wo.case_create(
        actor=actor,
        category=rule.case_category,
        case_type="report",
        title=f"{rule.name}：{device.name}"[:100],
        description=_("IoT alarm %(type)s on %(device)s at %(place)s, reading%(value)s. Rule: %(rule)s.")
        % {
            "type": alarm.alarm_type,
            "device": device.ident,
            "place": device.place.name,
            "value": reading,
            "rule": rule.name,
        },
        place=device.place,
        source=Source.IOT,
        priority=rule.case_priority,
        reporter_name=_("IoT alarm %(n)s") % {"n": alarm.pk},
        origin=alarm,
    )
    if rule.case_org_id:
        wo.case_dispatch(actor=actor, case=case, lead_org=rule.case_org, note=_("Dispatched by the alarm rule."))
    Alarm.objects.filter(pk=alarm.pk).update(case=case)
    alarm.case = case
    audit.record(actor=None, action="alarm_case", obj=alarm, note=f"case {case.number}")


def finish_clear(alarm: Alarm, *, by: str, actor=None, note: str = "") -> Alarm:
    before = audit.snapshot(alarm)
    if alarm.state == AlarmState.ACTIVE_UNACK:
        alarm.clear_unacked()
    else:
        alarm.clear_acked()
    alarm.cleared_at = timezone.now()
    alarm.cleared_by = by
    alarm.clear_note = note[:200]
    alarm.save()
    audit.record(actor=actor, action="alarm_clear", obj=alarm, before=before, after=audit.snapshot(alarm), note=note)
    publish("iot.alarm.cleared", alarm, by=by)
    return alarm


def clear_by_reading(*, rule: AlarmRule, device_id: int, value) -> list[int]:
    alarm = (
        Alarm.objects.select_for_update()
        .filter(device_id=device_id, alarm_type=rule.alarm_type, state__in=ACTIVE)
        .first()
    )
    if alarm is None:
        return []
    finish_clear(alarm, by=ClearedBy.READING, note=_("Reading back in range: %(v)s") % {"v": f"{value:g}"})
    return [alarm.pk]


def clear_no_data(*, device_id: int) -> list[int]:
    cleared = []
    for alarm in Alarm.objects.select_for_update().filter(
        device_id=device_id, state__in=ACTIVE, rule__kind=RuleKind.NO_DATA
    ):
        finish_clear(alarm, by=ClearedBy.DATA, note=_("The device sent data again."))
        cleared.append(alarm.pk)
    return cleared


def check_note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError({"note": _("Write a short note: what was found or done.")})
    if len(note) > 200:
        raise ValidationError({"note": _("At most %(n)s characters.") % {"n": 200}})
    return note


@transaction.atomic
def alarm_ack(*, actor, alarm: Alarm, note: str = "") -> Alarm:
    """Acknowledge (确认): someone has seen it and is on it."""
    alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
    require(actor, Action.CHANGE, alarm)
    note = check_note(note, required=False)
    if alarm.state not in (AlarmState.ACTIVE_UNACK, AlarmState.CLEARED_UNACK):
        raise ValidationError({"state": _("This alarm has been acknowledged already.")})
    before = audit.snapshot(alarm)
    if alarm.state == AlarmState.ACTIVE_UNACK:
        alarm.ack_active()
    else:
        alarm.ack_cleared()
    alarm.acked_at, alarm.acked_by, alarm.ack_note = timezone.now(), actor, note
    alarm.save()
    audit.record(actor=actor, action="alarm_ack", obj=alarm, before=before, after=audit.snapshot(alarm), note=note)
    publish("iot.alarm.acknowledged", alarm)
    return alarm


@transaction.atomic
def alarm_clear(*, actor, alarm: Alarm, note: str) -> Alarm:
    """Clear by hand (解除), with a note saying why. An unacknowledged alarm becomes "cleared, not acknowledged"."""
    alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
    require(actor, Action.CHANGE, alarm)
    note = check_note(note, required=True)
    if alarm.state not in ACTIVE:
        raise ValidationError({"state": _("This alarm is cleared already.")})
    return finish_clear(alarm, by=ClearedBy.STAFF, actor=actor, note=note)


@transaction.atomic
def alarms_clear_for_case(*, case) -> list[int]:
    """The work order an alarm opened was archived (归档): its active alarms are cleared. Idempotent."""
    cleared = []
    for alarm in Alarm.objects.select_for_update().filter(case_id=case.pk, state__in=ACTIVE):
        finish_clear(alarm, by=ClearedBy.CASE, note=_("Work order %(n)s archived.") % {"n": case.number})
        cleared.append(alarm.pk)
    return cleared
