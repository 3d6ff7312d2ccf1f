"""The demo seeder: devices of every type with history, alarms in every state, a work order for the fire brigade,
a few quarantined messages; the pages open for the demo secretary."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from linli.iot.models import Alarm, Device, DeviceType, Quarantine, Telemetry

pytestmark = pytest.mark.django_db


def test_demo_iot(client, monkeypatch):
    from linli.core.registry import registry

    monkeypatch.setattr(registry, "demo_seeders", [s for s in registry.demo_seeders if s.key == "iot"])
    out = StringIO()
    call_command("seed_demo", "--small", stdout=out)
    assert "iot:" in out.getvalue()
    assert set(Device.objects.values_list("device_type__code", flat=True)) == set(
        DeviceType.objects.values_list("code", flat=True)
    )
    assert Telemetry.objects.count() >= Device.objects.count() * 144
    assert set(Alarm.objects.values_list("state", flat=True)) == {
        "active_unack",
        "active_ack",
        "cleared_unack",
        "cleared",
    }
    assert Alarm.objects.filter(case__isnull=False, case__lead_org__isnull=False, case__source="iot").exists()
    assert Quarantine.objects.count() == 3
    from linli.accounts.models import User

    client.force_login(User.objects.get(username="secretary"))
    device = Device.objects.filter(device_type__code="hydrant").first()
    alarm = Alarm.objects.first()
    for url in (
        reverse("iot:devices"),
        reverse("iot:device", args=[device.pk]),
        reverse("iot:alarms"),
        reverse("iot:alarm", args=[alarm.pk]),
        reverse("iot:status"),
    ):
        assert client.get(url).status_code == 200, url
