"""Rules and alarms: threshold with hysteresis, for-duration, N-of-M, time windows, no-data; the lifecycle
ACTIVE_UNACK → ACTIVE_ACK → CLEARED and CLEARED_UNACK; one active alarm per device and type; the work order opened
by the rule and the alarm cleared when the case is archived; notifications; staff ack/clear audited."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core.models import AuditLog
from linli.notifications.models import Notification

from .. import services
from ..models import Alarm, AlarmState, ClearedBy, Device, DeviceStatus, RuleKind
from . import factories as f

pytestmark = pytest.mark.django_db


class Feed:
    def __init__(self, dev):
        self.dev, self.mid = dev, 0
        self.cache, self.engine = services.DeviceCache(), services.Engine()
        self.t0 = time.time() - 3000

    def send(self, *pressures, step=10.0):
        raws = []
        for p in pressures:
            self.mid += 1
            raws.append(f.message(self.dev.ident, {"pressure": p}, mid=self.mid, ts=self.t0 + self.mid * step))
        return services.process(raws, self.cache, self.engine)


def alarm_of(dev):
    return Alarm.objects.filter(device=dev).order_by("-pk").first()


def test_threshold_with_hysteresis_raises_once_and_clears_at_the_clear_value(tree, django_capture_on_commit_callbacks):
    dev = f.device(tree)
    f.hydrant_rule(tree, case_category=None)
    feed = Feed(dev)
    assert feed.send(0.3, 0.2).alarms_raised == []
    raised = feed.send(0.08, 0.07, 0.12).alarms_raised  # 0.12: above the raise value but below the clear value
    alarm = alarm_of(dev)
    assert raised == [alarm.pk] and alarm.state == AlarmState.ACTIVE_UNACK and alarm.value == 0.08
    assert alarm.severity == "critical" and alarm.scope_path == dev.scope_path
    result = feed.send(0.15)
    alarm.refresh_from_db()
    assert result.alarms_cleared == [alarm.pk]
    assert alarm.state == AlarmState.CLEARED_UNACK and alarm.cleared_by == ClearedBy.READING
    # Staff acknowledge the cleared alarm afterwards: CLEARED.
    services.alarm_ack(actor=tree.users["grid_a"], alarm=alarm, note="已到场查看")
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED and alarm.acked_by == tree.users["grid_a"]
    # A new breach is a new alarm.
    feed.send(0.05)
    assert Alarm.objects.filter(device=dev).count() == 2


def test_for_duration_and_n_of_m(tree):
    dev = f.device(tree)
    f.hydrant_rule(tree, case_category=None, for_seconds=25)
    feed = Feed(dev)
    assert feed.send(0.05, 0.05).alarms_raised == []  # 10 s of breach
    assert feed.send(0.3, 0.05, 0.05, 0.05).alarms_raised == []  # interrupted: the clock starts again
    assert len(feed.send(0.05).alarms_raised) == 1  # 30 s now


def test_n_of_m(tree):
    dev = f.device(tree)
    f.hydrant_rule(tree, case_category=None, n=3, m=5, clear_value=None)
    feed = Feed(dev)
    assert feed.send(0.05, 0.3, 0.05, 0.3).alarms_raised == []
    # The state survives a restart of the worker (a new engine loads it).
    feed.engine = services.Engine()
    assert len(feed.send(0.05).alarms_raised) == 1


def test_time_window(tree):
    dev = f.device(tree)
    now_local = timezone.localtime()
    start = (now_local + dt.timedelta(hours=2)).time().replace(microsecond=0)
    end = (now_local + dt.timedelta(hours=3)).time().replace(microsecond=0)
    f.hydrant_rule(tree, case_category=None, active_from=start, active_to=end)
    feed = Feed(dev)
    feed.t0 = time.time() - 100
    assert feed.send(0.05).alarms_raised == []


def test_one_active_alarm_per_device_and_type_a_repeat_counts(tree):
    dev = f.device(tree)
    rule = f.hydrant_rule(tree, case_category=None)
    first = services.raise_alarm(rule=rule, device_id=dev.pk, value=0.05, reading_at=timezone.now())
    again = services.raise_alarm(rule=rule, device_id=dev.pk, value=0.04, reading_at=timezone.now())
    assert first.pk == again.pk and again.count == 2 and again.value == 0.04
    with pytest.raises(IntegrityError), transaction.atomic():
        Alarm.objects.create(
            device=dev,
            scope_path=dev.scope_path,
            alarm_type=rule.alarm_type,
            severity="major",
            first_at=timezone.now(),
            last_at=timezone.now(),
        )


def test_alarm_opens_a_dispatched_case_and_archiving_clears_it(tree, django_capture_on_commit_callbacks):
    from linli.workorders import services as wo
    from linli.workorders.models import Case, State

    dev = f.device(tree)
    f.hydrant_rule(tree)
    feed = Feed(dev)
    with django_capture_on_commit_callbacks(execute=True):
        feed.send(0.05)
    alarm = alarm_of(dev)
    case = Case.objects.get(pk=alarm.case_id)
    assert case.source == "iot" and case.origin == f"iot.alarm:{alarm.pk}" and case.category.code == "fire-safety"
    assert case.state == State.DISPATCHED and case.lead_org_id == tree.dept.pk and case.priority == "urgent"
    assert alarm.respond_by is not None
    # The grid worker of the building and the fire department's staff are told.
    told = set(Notification.objects.filter(kind="iot_alarm").values_list("user__username", flat=True))
    assert told == {"grid_a", "dept_staff"}
    # The department it is routed to sees the alarm and its device; another department does not.
    from linli.core.permissions import restrict

    assert restrict(Alarm.objects.all(), tree.users["dept_staff"]).filter(pk=alarm.pk).exists()
    assert restrict(Device.objects.all(), tree.users["dept_staff"]).filter(pk=dev.pk).exists()
    assert not restrict(Alarm.objects.all(), tree.users["dept_other_staff"]).exists()
    assert not restrict(Device.objects.all(), tree.users["dept_other_staff"]).exists()
    # The property company managing the compound sees its devices and alarms.
    assert restrict(Alarm.objects.all(), tree.users["property_staff"]).filter(pk=alarm.pk).exists()
    # The department handles it; archiving the case clears the alarm.
    u = tree.users
    with django_capture_on_commit_callbacks(execute=True):
        wo.case_sign(actor=u["dept_staff"], case=case)
        wo.case_start(actor=u["dept_staff"], case=case)
        wo.case_complete(actor=u["dept_staff"], case=case, reply="已更换减压阀")
        wo.case_evaluate(actor=u["secretary_a1"], case=case, verdict="satisfied")
        wo.case_archive(actor=u["secretary_a1"], case=case)
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED_UNACK and alarm.cleared_by == ClearedBy.CASE
    from .. import handlers

    n = AuditLog.objects.count()
    handlers.on_case_archived({"case_id": case.pk})  # redelivered: nothing changes
    handlers.on_case_archived({"case_id": 987654})
    assert AuditLog.objects.count() == n


def test_staff_ack_and_clear_need_scope_and_a_note(tree):
    dev = f.device(tree)
    rule = f.hydrant_rule(tree, case_category=None)
    alarm = services.raise_alarm(rule=rule, device_id=dev.pk, value=0.05, reading_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.alarm_ack(actor=tree.users["resident_a1"], alarm=alarm)
    n = AuditLog.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.alarm_clear(actor=tree.users["secretary_a1"], alarm=alarm, note="  ")
    assert "note" in exc.value.message_dict and AuditLog.objects.count() == n
    services.alarm_ack(actor=tree.users["secretary_a1"], alarm=alarm, note="通知维保")
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.ACTIVE_ACK
    with pytest.raises(ValidationError):
        services.alarm_ack(actor=tree.users["secretary_a1"], alarm=alarm)
    services.alarm_clear(actor=tree.users["secretary_a1"], alarm=alarm, note="阀门已修复")
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED and alarm.cleared_by == ClearedBy.STAFF
    actions = list(
        AuditLog.objects.filter(object_type="iot.alarm", object_id=str(alarm.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["alarm_raise", "alarm_ack", "alarm_clear"]


def test_no_data_alarm_and_clearing_by_the_next_message(tree):
    dev = f.device(tree)
    services.rule_save(
        actor=tree.users["district_admin"],
        place=tree.district,
        name="设备离线",
        device_type=dev.device_type,
        alarm_type="offline",
        kind=RuleKind.NO_DATA,
        offline_seconds=60,
        severity="minor",
    )
    cache, engine = services.DeviceCache(), services.Engine()
    services.process([f.message(dev.ident, {"pressure": 0.3}, mid=1)], cache, engine)
    now = timezone.now()
    assert engine.check_offline(now) == []
    Device.objects.filter(pk=dev.pk).update(last_seen_at=now - dt.timedelta(seconds=61))
    with transaction.atomic():
        raised = engine.check_offline(now)
    alarm = alarm_of(dev)
    assert raised == [alarm.pk] and alarm.alarm_type == "offline"
    assert engine.check_offline(now) == []  # once
    Device.objects.filter(pk=dev.pk).update(last_seen_at=now - dt.timedelta(seconds=600))
    engine.check_offline(now)
    assert Device.objects.get(pk=dev.pk).status == DeviceStatus.OFFLINE
    result = services.process([f.message(dev.ident, {"pressure": 0.3}, mid=2)], cache, engine)
    alarm.refresh_from_db()
    assert result.alarms_cleared == [alarm.pk] and alarm.cleared_by == ClearedBy.DATA
    # Cleared by staff while still silent: not raised again for the same silence.
    later = timezone.now() + dt.timedelta(seconds=200)
    engine.check_offline(later)
    again = alarm_of(dev)
    assert again.pk != alarm.pk and again.is_active
    services.alarm_clear(actor=tree.users["secretary_a1"], alarm=again, note="设备拆除检修")
    assert engine.check_offline(later) == []


def test_rule_validation(tree):
    with pytest.raises(ValidationError) as exc:
        f.hydrant_rule(tree, clear_value=0.05)
    assert "clear_value" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        f.hydrant_rule(tree, n=4, m=3)
    assert "n" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        f.hydrant_rule(tree, actor=tree.users["grid_a"], place=tree.comm_a1)
