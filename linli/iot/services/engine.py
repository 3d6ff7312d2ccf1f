"""The rule engine run by the ingest worker (and the HTTP endpoint): threshold rules on each new reading, no-data
rules on a one-second tick. Rules and rule states are cached in memory and reloaded every ``ttl`` seconds; the
states that changed are written back in the batch's transaction, so a restarted worker carries on where it was."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from linli.core.paths import is_within

from ..models import ACTIVE, Alarm, AlarmRule, Device, DeviceStatus, DeviceType, RuleKind, RuleState
from . import alarms


def local_time(ts: dt.datetime) -> dt.time:
    return ts.astimezone(ZoneInfo(settings.TIME_ZONE)).time()


def in_window(rule: AlarmRule, ts: dt.datetime) -> bool:
    if rule.active_from is None or rule.active_to is None:
        return True
    t = local_time(ts)
    if rule.active_from <= rule.active_to:
        return rule.active_from <= t < rule.active_to
    return t >= rule.active_from or t < rule.active_to


def step(rule: AlarmRule, state: dict, value: float, ts: dt.datetime) -> str | None:
    """One reading through one threshold rule: returns "raise", "clear" or None and updates ``state``
    (``window`` of "0"/"1", newest last; ``since``: start of the current breach; ``raised``)."""
    breach = rule.breaches(value)
    state["window"] = (state["window"] + ("1" if breach else "0"))[-rule.m :]
    state["since"] = (state["since"] or ts) if breach else None
    if not state["raised"]:
        met = (
            breach
            and state["window"].count("1") >= rule.n
            and (ts - state["since"]).total_seconds() >= rule.for_seconds
            and in_window(rule, ts)
        )
        if met:
            state["raised"] = True
            return "raise"
    elif rule.clears(value):
        state["raised"] = False
        return "clear"
    return None


class Engine:
    def __init__(self, ttl: float = 30.0):
        self.ttl = ttl
        self.loaded_at = -1e9
        self.threshold: list[AlarmRule] = []
        self.no_data: list[AlarmRule] = []
        self.per_device: dict[int, list[AlarmRule]] = {}
        self.states: dict[tuple[int, int], dict] = {}

    def reload(self) -> None:
        rules = list(AlarmRule.objects.filter(is_active=True).order_by("pk"))
        self.threshold = [r for r in rules if r.kind == RuleKind.THRESHOLD]
        self.no_data = [r for r in rules if r.kind == RuleKind.NO_DATA]
        self.per_device = {}
        self.states = {
            (s.rule_id, s.device_id): {"window": s.window, "since": s.breach_since, "raised": s.raised}
            for s in RuleState.objects.all()
        }
        self.loaded_at = time.monotonic()

    def fresh(self) -> None:
        if time.monotonic() - self.loaded_at > self.ttl:
            self.reload()

    def rules_for(self, device) -> list[AlarmRule]:
        rules = self.per_device.get(device.pk)
        if rules is None:
            rules = self.per_device[device.pk] = [
                r
                for r in self.threshold
                if r.device_id == device.pk
                or (r.device_type_id == device.type_id and is_within(device.path, [r.scope_path]))
            ]
        return rules

    def evaluate(self, fresh: list, back: set[int], result) -> None:
        """The batch's new readings (oldest first) through the threshold rules; devices ``back`` from no-data
        clear their no-data alarms."""
        self.fresh()
        for device_id in back:
            result.alarms_cleared += alarms.clear_no_data(device_id=device_id)
        changed = set()
        for acc in fresh:
            for rule in self.rules_for(acc.device):
                value = acc.values.get(rule.key)
                if value is None:
                    continue
                key = (rule.pk, acc.device.pk)
                state = self.states.get(key)
                if state is None:
                    state = self.states[key] = {"window": "", "since": None, "raised": False}
                before = (state["window"], state["since"], state["raised"])
                outcome = step(rule, state, value, acc.ts)
                if (state["window"], state["since"], state["raised"]) != before:
                    changed.add(key)
                if outcome == "raise":
                    result.alarms_raised.append(
                        alarms.raise_alarm(rule=rule, device_id=acc.device.pk, value=value, reading_at=acc.ts).pk
                    )
                elif outcome == "clear":
                    result.alarms_cleared += alarms.clear_by_reading(rule=rule, device_id=acc.device.pk, value=value)
        if changed:
            RuleState.objects.bulk_create(
                [
                    RuleState(
                        rule_id=r,
                        device_id=d,
                        window=self.states[(r, d)]["window"],
                        breach_since=self.states[(r, d)]["since"],
                        raised=self.states[(r, d)]["raised"],
                    )
                    for r, d in changed
                ],
                update_conflicts=True,
                unique_fields=["rule", "device"],
                update_fields=["window", "breach_since", "raised"],
            )

    def check_offline(self, now: dt.datetime) -> list[int]:
        """Mark silent devices offline and raise the no-data alarms whose period has ended. Returns alarm ids."""
        self.fresh()
        # Offline by the device type's heartbeat (status only): one UPDATE per device type.
        for type_id, seconds in DeviceType.objects.values_list("pk", "offline_after"):
            Device.objects.filter(
                device_type_id=type_id, status=DeviceStatus.ONLINE, last_seen_at__lt=now - dt.timedelta(seconds=seconds)
            ).update(status=DeviceStatus.OFFLINE)
        raised = []
        for rule in self.no_data:
            cutoff = now - dt.timedelta(seconds=rule.offline_seconds)
            # Not while one is active, nor again for the same silence once staff cleared it.
            active = Alarm.objects.filter(device=OuterRef("pk"), alarm_type=rule.alarm_type).filter(
                Q(state__in=ACTIVE) | Q(reading_at__gte=OuterRef("last_seen_at"))
            )
            silent = Device.objects.filter(is_active=True, last_seen_at__lt=cutoff).exclude(Exists(active))
            if rule.device_id:
                silent = silent.filter(pk=rule.device_id)
            else:
                silent = silent.filter(
                    device_type_id=rule.device_type_id,
                    scope_path__gte=rule.scope_path,
                    scope_path__lt=rule.scope_path + ":",
                )
            for device_id, last_seen in silent.values_list("pk", "last_seen_at")[:500]:
                state = self.states.setdefault((rule.pk, device_id), {"window": "", "since": None, "raised": False})
                if not in_window(rule, now):
                    continue
                alarm = alarms.raise_alarm(rule=rule, device_id=device_id, value=None, reading_at=last_seen)
                state["raised"] = True
                raised.append(alarm.pk)
        return raised
