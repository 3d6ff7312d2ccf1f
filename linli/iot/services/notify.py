"""Who hears of a new alarm: the grid workers of the device's building (every building of a compound-level device)
and the staff of the rule's responsible organisation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.models import RoleBinding
from linli.areas.models import Place
from linli.core.paths import subtree_q

BUILDING_PATH_LENGTH = 18


def recipients(device, rule) -> list:
    path = device.scope_path
    if len(path) >= BUILDING_PATH_LENGTH:
        buildings = Place.objects.filter(path=path[:BUILDING_PATH_LENGTH])
    else:
        buildings = Place.objects.filter(subtree_q("path", path), level=5)
    grids = set(buildings.exclude(grid=None).values_list("grid_id", flat=True))
    bindings = RoleBinding.objects.current().select_related("user")
    users = [b.user for b in bindings.filter(role="grid_worker", grid_id__in=grids)] if grids else []
    if rule is not None and rule.case_org_id:
        users += [b.user for b in bindings.filter(organisation_id=rule.case_org_id)]
    return users


def notify_alarm(alarm, *, rule, device) -> None:
    from linli.notifications.services import notify

    notify(
        users=recipients(device, rule),
        title=_("Alarm: %(type)s at %(device)s")
        % {"type": rule.name if rule else alarm.alarm_type, "device": device.name},
        body=_("%(place)s · severity %(severity)s")
        % {"place": device.place.name, "severity": alarm.get_severity_display()},
        url=reverse("iot:alarm", args=[alarm.pk]),
        kind="iot_alarm",
        obj=alarm,
    )
