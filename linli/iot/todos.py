"""The alarm console's to-do (unacknowledged active alarms in the user's scope) and the sensing figures."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.permissions import may_any, restrict
from linli.core.registry import Figure, Todo

from .models import Alarm, AlarmState, Device, DeviceStatus


def collect(user) -> list[Todo]:
    if not may_any(user, Alarm, "change"):
        return []
    n = restrict(Alarm.objects.all(), user, "change").filter(state=AlarmState.ACTIVE_UNACK).count()
    if not n:
        return []
    return [
        Todo("iot_alarms", _("Alarms to acknowledge"), n, reverse("iot:alarms") + "?state=active_unack", "management")
    ]


def figures(user) -> list[Figure]:
    if not may_any(user, Device):
        return []
    d = restrict(Device.objects.all(), user).aggregate(
        total=Count("pk"), offline=Count("pk", filter=Q(status=DeviceStatus.OFFLINE))
    )
    active = restrict(Alarm.objects.all(), user).filter(state__in=["active_unack", "active_ack"]).count()
    return [
        Figure(
            "iot_devices",
            _("Devices"),
            d["total"],
            "management",
            url=reverse("iot:devices"),
            hint=_("%(n)s offline") % {"n": d["offline"]} if d["offline"] else "",
        ),
        Figure("iot_alarms", _("Active alarms"), active, "management", url=reverse("iot:alarms")),
    ]
