from .alarms import (
    ACTIVE,
    Alarm,
    AlarmRule,
    AlarmState,
    ClearedBy,
    Operator,
    RuleKind,
    RuleState,
    Severity,
)
from .devices import Device, DeviceKind, DeviceStatus, DeviceType
from .telemetry import IngestCounter, Quarantine, QuarantineReason, Telemetry

SCOPED_MODELS = (Device, AlarmRule, Alarm, Quarantine)

__all__ = [
    "ACTIVE",
    "SCOPED_MODELS",
    "Alarm",
    "AlarmRule",
    "AlarmState",
    "ClearedBy",
    "Device",
    "DeviceKind",
    "DeviceStatus",
    "DeviceType",
    "IngestCounter",
    "Operator",
    "Quarantine",
    "QuarantineReason",
    "RuleKind",
    "RuleState",
    "Severity",
    "Telemetry",
]
