from .alarms import alarm_ack, alarm_clear, alarms_clear_for_case, raise_alarm
from .devices import device_create, device_rotate_secret, device_set_active, service_account
from .engine import Engine
from .ingest import DeviceCache, Raw, process
from .rules import rule_save

__all__ = [
    "DeviceCache",
    "Engine",
    "Raw",
    "alarm_ack",
    "alarm_clear",
    "alarms_clear_for_case",
    "device_create",
    "device_rotate_secret",
    "device_set_active",
    "process",
    "raise_alarm",
    "rule_save",
    "service_account",
]
