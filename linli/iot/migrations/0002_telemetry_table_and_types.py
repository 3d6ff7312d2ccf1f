"""The telemetry table (partitioned by day on PostgreSQL, plain on SQLite) and the standard device types."""

from django.db import migrations

POSTGRES = [
    'CREATE TABLE iot_telemetry (device_id bigint NOT NULL, ts timestamptz NOT NULL, msg_id varchar(64) NOT NULL, '
    '"values" jsonb NOT NULL, PRIMARY KEY (device_id, ts, msg_id)) PARTITION BY RANGE (ts)',
    # Rows outside every daily partition land here rather than fail; ensure_partitions keeps it empty.
    "CREATE TABLE iot_telemetry_default PARTITION OF iot_telemetry DEFAULT",
]
SQLITE = [
    'CREATE TABLE iot_telemetry (device_id integer NOT NULL, ts datetime NOT NULL, msg_id varchar(64) NOT NULL, '
    '"values" text NOT NULL, PRIMARY KEY (device_id, ts, msg_id))',
]

# code, name, kind, offline after (s), schema
TYPES = [
    ("hydrant", "消火栓水压监测", "hydrant", 300, {"pressure": {"unit": "MPa", "min": 0, "max": 2.5, "label": "水压"}}),
    ("water-level", "水位监测", "water_level", 600, {"level": {"unit": "m", "min": 0, "max": 30, "label": "水位"}}),
    (
        "smoke",
        "独立式烟感",
        "smoke",
        3600,
        {
            "smoke": {"unit": "%/m", "min": 0, "max": 100, "label": "烟雾浓度"},
            "battery": {"unit": "%", "min": 0, "max": 100, "label": "电量"},
        },
    ),
    (
        "elevator",
        "电梯运行监测",
        "elevator",
        120,
        {
            "trapped": {"unit": "", "min": 0, "max": 1, "label": "困人信号"},
            "fault": {"unit": "", "min": 0, "max": 1, "label": "故障"},
            "floor": {"unit": "", "min": -5, "max": 120, "label": "楼层"},
            "door_open": {"unit": "", "min": 0, "max": 1, "label": "门开"},
        },
    ),
    (
        "ebike-cabinet",
        "电动车充电柜",
        "ebike_cabinet",
        300,
        {
            "temperature": {"unit": "°C", "min": -40, "max": 200, "label": "柜内温度"},
            "current": {"unit": "A", "min": 0, "max": 200, "label": "充电电流"},
            "smoke": {"unit": "", "min": 0, "max": 1, "label": "烟雾报警"},
        },
    ),
    (
        "door",
        "门禁控制器",
        "door",
        600,
        {
            "online_readers": {"unit": "", "min": 0, "max": 64, "label": "在线读头"},
            "tamper": {"unit": "", "min": 0, "max": 1, "label": "防拆报警"},
        },
    ),
    (
        "camera-edge",
        "视频边缘盒",
        "camera",
        300,
        {
            "cpu_temp": {"unit": "°C", "min": -40, "max": 150, "label": "芯片温度"},
            "cameras_online": {"unit": "", "min": 0, "max": 64, "label": "在线摄像头"},
        },
    ),
    (
        "water-meter",
        "智能水表",
        "water_meter",
        7200,
        {
            "total": {"unit": "m³", "min": 0, "max": 10000000, "label": "累计用水"},
            "flow": {"unit": "m³/h", "min": 0, "max": 50, "label": "瞬时流量"},
        },
    ),
]


def forwards(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)
    DeviceType = apps.get_model("iot", "DeviceType")
    for code, name, kind, offline, schema in TYPES:
        DeviceType.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "offline_after": offline, "schema": schema}
        )


def backwards(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS iot_telemetry")
    apps.get_model("iot", "DeviceType").objects.filter(code__in=[t[0] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("iot", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
