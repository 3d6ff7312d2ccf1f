from .alarms import alarm_detail, alarm_list, alarm_step
from .devices import device_detail, device_list, device_new
from .ingest import http_ingest, ingest_status

__all__ = [
    "alarm_detail",
    "alarm_list",
    "alarm_step",
    "device_detail",
    "device_list",
    "device_new",
    "http_ingest",
    "ingest_status",
]
