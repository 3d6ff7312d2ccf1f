"""Demo sensing: in the first compounds of the first communities, devices of every type (hydrants, smoke detectors,
elevators and e-bike cabinets per building; water level, door controller, camera edge box and water meter per
compound), a week of readings every 10 minutes (a day with ``--small``), the district's alarm rules (a low
hydrant pressure opens a work order for the fire brigade), alarms in every state and a few quarantined messages.
Written through the services (the history straight into the telemetry table, as the ingest worker writes it)."""

from __future__ import annotations

import datetime as dt
import json
import math

from django.utils import timezone

from linli.areas.models import Place

from . import services
from .models import Device, DeviceStatus, DeviceType, RuleKind
from .services import storage

PER_BUILDING = ("hydrant", "smoke", "elevator", "ebike-cabinet")
PER_COMPOUND = ("water-level", "door", "camera-edge", "water-meter")
NAMES = {
    "hydrant": "消火栓水压",
    "smoke": "楼道烟感",
    "elevator": "电梯监测",
    "ebike-cabinet": "电动车充电柜",
    "water-level": "地下车库水位",
    "door": "东门门禁控制器",
    "camera-edge": "视频边缘盒",
    "water-meter": "总水表",
}


def reading(code: str, t: float, k: int) -> dict:
    wave = math.sin(t / 3600 / 24 * 2 * math.pi)
    return {
        "hydrant": {"pressure": round(0.32 + 0.02 * wave, 3)},
        "smoke": {"smoke": round(0.5 + 0.2 * abs(wave), 2), "battery": 88},
        "elevator": {"trapped": 0, "fault": 0, "floor": k % 18 + 1, "door_open": k % 2},
        "ebike-cabinet": {"temperature": round(26 + 4 * wave, 1), "current": round(6 + 3 * abs(wave), 1), "smoke": 0},
        "water-level": {"level": round(1.2 + 0.1 * wave, 2)},
        "door": {"online_readers": 2, "tamper": 0},
        "camera-edge": {"cpu_temp": round(55 + 3 * wave, 1), "cameras_online": 4},
        "water-meter": {"total": round(1000 + k * 0.05, 2), "flow": round(0.3 + 0.2 * abs(wave), 3)},
    }[code]


def fire_brigade(ctx):
    from linli.orgs.models import Organisation

    return Organisation.objects.filter(name__contains="消防").first() or ctx.organisations["departments"][0]


def rules(ctx, types):
    from linli.workorders.models import Category

    fire = Category.objects.filter(code="fire-safety").first()
    elevator = Category.objects.filter(code="elevator").first()
    admin, district = ctx.admin, ctx.district
    services.rule_save(
        actor=admin,
        place=district,
        name="消火栓水压不足",
        device_type=types["hydrant"],
        alarm_type="low-pressure",
        severity="critical",
        kind=RuleKind.THRESHOLD,
        key="pressure",
        operator="lt",
        raise_value=0.10,
        clear_value=0.14,
        for_seconds=60,
        case_category=fire,
        case_org=fire_brigade(ctx),
        case_due_hours=4,
    )
    services.rule_save(
        actor=admin,
        place=district,
        name="电梯困人",
        device_type=types["elevator"],
        alarm_type="trapped",
        severity="critical",
        kind=RuleKind.THRESHOLD,
        key="trapped",
        operator="gt",
        raise_value=0.5,
        case_category=elevator,
        case_priority="emergency",
        case_due_hours=1,
    )
    services.rule_save(
        actor=admin,
        place=district,
        name="充电柜高温",
        device_type=types["ebike-cabinet"],
        alarm_type="over-temperature",
        severity="major",
        kind=RuleKind.THRESHOLD,
        key="temperature",
        operator="gt",
        raise_value=60,
        clear_value=50,
        n=2,
        m=3,
    )
    services.rule_save(
        actor=admin,
        place=district,
        name="烟感报警",
        device_type=types["smoke"],
        alarm_type="smoke",
        severity="critical",
        kind=RuleKind.THRESHOLD,
        key="smoke",
        operator="gt",
        raise_value=10,
        clear_value=2,
    )
    return services.rule_save(
        actor=admin,
        place=district,
        name="消火栓监测离线",
        device_type=types["hydrant"],
        alarm_type="offline",
        severity="minor",
        kind=RuleKind.NO_DATA,
        offline_seconds=3600,
    )


def seed(ctx):
    admin = ctx.admin
    types = {t.code: t for t in DeviceType.objects.all()}
    compounds = [c for row in ctx.compounds[: 1 if ctx.small else 2] for c in row[:1]]
    made: list[Device] = []
    for compound in compounds:
        buildings = list(Place.objects.filter(parent=compound, level=5).order_by("path")[:2])
        for building in buildings:
            for code in PER_BUILDING:
                device, _secret = services.device_create(
                    actor=admin, device_type=types[code], place=building, name=f"{building.name}{NAMES[code]}"
                )
                made.append(device)
        for code in PER_COMPOUND:
            device, _secret = services.device_create(
                actor=admin, device_type=types[code], place=compound, name=f"{compound.name}{NAMES[code]}"
            )
            made.append(device)
    if not made:
        return
    offline_rule = rules(ctx, types)

    # History: one reading every 10 minutes.
    now = timezone.now()
    days = 1 if ctx.small else 7
    storage.ensure_partitions((now - dt.timedelta(days=days)).date(), days + 3)
    rows = []
    steps = days * 144
    for device in made:
        code = device.device_type.code
        for k in range(steps):
            ts = now - dt.timedelta(minutes=10 * (steps - k))
            rows.append((device.pk, ts, f"demo-{k}", reading(code, ts.timestamp(), k)))
    storage.insert_telemetry(rows)
    latest = {}
    for device_id, ts, _mid, values in rows:
        latest[device_id] = (ts, values)
    for device in made:
        ts, values = latest[device.pk]
        Device.objects.filter(pk=device.pk).update(
            last_values=values, last_ts=ts, last_seen_at=ts, status=DeviceStatus.ONLINE
        )

    # Alarms in every state.
    hydrants = [d for d in made if d.device_type.code == "hydrant"]
    cabinets = [d for d in made if d.device_type.code == "ebike-cabinet"]
    smokes = [d for d in made if d.device_type.code == "smoke"]
    from .models import AlarmRule

    low = AlarmRule.objects.get(alarm_type="low-pressure")
    hot = AlarmRule.objects.get(alarm_type="over-temperature")
    smoke = AlarmRule.objects.get(alarm_type="smoke")
    grid_or_admin = next((u for u in ctx.users.values() if u.role_bindings.filter(role="grid_worker").exists()), admin)
    # 1. active, not acknowledged, with the fire brigade's work order
    services.raise_alarm(rule=low, device_id=hydrants[0].pk, value=0.08, reading_at=now)
    # 2. active, acknowledged
    a = services.raise_alarm(rule=hot, device_id=cabinets[0].pk, value=63.5, reading_at=now)
    services.alarm_ack(actor=grid_or_admin, alarm=a, note="已通知物业断电检查")
    # 3. cleared before anyone acknowledged it (the reading came back)
    a = services.raise_alarm(rule=smoke, device_id=smokes[0].pk, value=14.0, reading_at=now - dt.timedelta(days=1))
    services.alarms.clear_by_reading(rule=smoke, device_id=smokes[0].pk, value=0.6)
    # 4. acknowledged and cleared by staff
    a = services.raise_alarm(rule=hot, device_id=cabinets[-1].pk, value=66.0, reading_at=now - dt.timedelta(days=2))
    services.alarm_ack(actor=admin, alarm=a, note="现场查看")
    services.alarm_clear(actor=admin, alarm=a, note="更换散热风扇后恢复正常")
    # 5. an offline hydrant (no data for two hours)
    if len(hydrants) > 1:
        Device.objects.filter(pk=hydrants[-1].pk).update(
            last_seen_at=now - dt.timedelta(hours=2), status=DeviceStatus.OFFLINE
        )
        services.raise_alarm(rule=offline_rule, device_id=hydrants[-1].pk, value=None, reading_at=now)

    # A few refused messages for the status page.
    cache = services.DeviceCache()
    ms = int(now.timestamp() * 1000)
    services.process(
        [
            services.Raw("unknown-0001", json.dumps({"id": "1", "ts": ms, "values": {"pressure": 0.3}}).encode()),
            services.Raw(hydrants[0].ident, b"{pressure: 0.3"),
            services.Raw(hydrants[0].ident, json.dumps({"id": "x1", "ts": ms, "values": {"pressure": 7}}).encode()),
        ],
        cache,
    )
    if ctx.out is not None:
        ctx.out.write(f"  iot: {len(made)} devices, {len(rows)} readings, alarms in every state\n")
