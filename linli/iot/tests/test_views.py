"""Pages and API: in scope 200, out of scope 404; provisioning shows the secret once; the device page's chart is
drawn from buckets, not readings; the alarm console acknowledges and clears; the HTTP ingest endpoint checks the
device credential; the status page counts the quarantine."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from .. import services
from ..models import Alarm, AlarmState, Device, Quarantine
from . import factories as f

pytestmark = pytest.mark.django_db


def login(client, tree, name):
    client.force_login(tree.users[name])
    return client


def test_device_list_and_page_in_and_out_of_scope(client, tree, django_assert_max_num_queries):
    dev = f.device(tree)
    f.device(tree, code="smoke", place=tree.building_a1b)
    cache = services.DeviceCache()
    now = time.time()
    # 1 reading every 10 s for 6 hours: 2,160 readings, drawn as at most 144 ten-minute points.
    raws = [f.message(dev.ident, {"pressure": 0.3 + (i % 7) / 100}, mid=i, ts=now - i * 10) for i in range(2160)]
    services.process(raws, cache)
    login(client, tree, "secretary_a1")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("iot:devices") + f"?under={tree.compound_a1.code}")
    assert page.status_code == 200 and dev.ident in page.content.decode()
    partial = client.get(reverse("iot:devices"), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content
    detail = client.get(reverse("iot:device", args=[dev.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200 and 'data-testid="chart-pressure"' in body
    assert "37 个十分钟数据点" in body or "36 个十分钟数据点" in body
    for name in ("dept_other_staff", "nobody", "resident_a1"):
        login(client, tree, name)
        assert client.get(reverse("iot:device", args=[dev.pk])).status_code == 404
    login(client, tree, "resident_a1")
    assert client.get(reverse("iot:devices")).status_code == 403


def test_provisioning_shows_the_secret_once(client, tree):
    from ..models import DeviceType

    login(client, tree, "secretary_a1")
    hydrant = DeviceType.objects.get(code="hydrant")
    resp = client.post(
        reverse("iot:device_new"),
        {"device_type": hydrant.pk, "place": tree.building_a1.code, "name": "1栋消火栓", "ident": "hyd-a1-1"},
    )
    assert resp.status_code == 200
    dev = Device.objects.get(ident="hyd-a1-1")
    secret = resp.content.decode().split('data-testid="device-secret">')[1].split("<")[0]
    assert dev.check_secret(secret)
    assert secret not in client.get(reverse("iot:device", args=[dev.pk])).content.decode()
    bad = client.post(
        reverse("iot:device_new"), {"device_type": hydrant.pk, "place": tree.building_b1.code, "name": "x"}
    )
    assert bad.status_code == 200 and "place" in bad.context["form"].errors


def test_alarm_console_ack_and_clear(client, tree):
    dev = f.device(tree)
    rule = f.hydrant_rule(tree, case_category=None)
    alarm = services.raise_alarm(rule=rule, device_id=dev.pk, value=0.05, reading_at=timezone.now())
    login(client, tree, "grid_a")
    page = client.get(reverse("iot:alarms"))
    assert page.status_code == 200 and "消火栓水压低" in page.content.decode()
    client.post(reverse("iot:alarm_step", args=[alarm.pk, "ack"]), {"note": "到场"})
    assert Alarm.objects.get(pk=alarm.pk).state == AlarmState.ACTIVE_ACK
    resp = client.post(reverse("iot:alarm_step", args=[alarm.pk, "clear"]), {"note": ""}, follow=True)
    assert Alarm.objects.get(pk=alarm.pk).state == AlarmState.ACTIVE_ACK  # a note is required
    assert resp.status_code == 200
    client.post(reverse("iot:alarm_step", args=[alarm.pk, "clear"]), {"note": "已修复"})
    assert Alarm.objects.get(pk=alarm.pk).state == AlarmState.CLEARED
    login(client, tree, "dept_other_staff")
    assert client.get(reverse("iot:alarm", args=[alarm.pk])).status_code == 404
    assert client.post(reverse("iot:alarm_step", args=[alarm.pk, "ack"])).status_code == 404


def test_the_case_is_linked_only_for_those_who_see_it(client, tree, django_capture_on_commit_callbacks):
    dev = f.device(tree)
    rule = f.hydrant_rule(tree)
    alarm = services.raise_alarm(rule=rule, device_id=dev.pk, value=0.05, reading_at=timezone.now())
    login(client, tree, "dept_staff")
    assert 'data-testid="alarm-case"' in client.get(reverse("iot:alarm", args=[alarm.pk])).content.decode()
    login(client, tree, "property_staff")
    page = client.get(reverse("iot:alarm", args=[alarm.pk])).content.decode()
    assert 'data-testid="alarm-case"' not in page and alarm.case.number in page


def test_http_ingest_with_the_device_credential(client, tree):
    dev = f.device(tree)
    url = reverse("iot:http_ingest", args=[dev.ident])
    body = json.dumps({"id": "1", "ts": int(time.time() * 1000), "values": {"pressure": 0.31}})
    resp = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Device {dev.raw_secret}")
    assert resp.status_code == 202 and resp.json() == {"accepted": 1, "duplicates": 0, "quarantined": {}}
    again = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Device {dev.raw_secret}")
    assert again.json()["duplicates"] == 1
    wrong = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION="Device nope")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorised"
    assert Quarantine.objects.filter(reason="bad_credential").count() == 1
    many = json.dumps([{"id": "2", "ts": int(time.time() * 1000), "values": {"pressure": 9}}])
    resp = client.post(url, many, content_type="application/json", HTTP_AUTHORIZATION=f"Device {dev.raw_secret}")
    assert resp.json()["quarantined"] == {"range": 1}
    login(client, tree, "secretary_a1")
    status = client.get(reverse("iot:status")).content.decode()
    assert 'data-testid="reason-bad_credential">1<' in status and 'data-testid="reason-range">1<' in status


def test_api(client, tree, token_for):
    dev = f.device(tree)
    rule = f.hydrant_rule(tree, case_category=None)
    alarm = services.raise_alarm(rule=rule, device_id=dev.pk, value=0.05, reading_at=timezone.now())
    auth = token_for("secretary_a1")
    resp = client.get("/api/v1/iot/devices", {"under": tree.compound_a1.code}, **auth)
    assert resp.status_code == 200 and resp.json()["results"][0]["ident"] == dev.ident
    assert resp.json()["results"][0]["active_alarms"] == 1
    assert client.get(f"/api/v1/iot/devices/{dev.pk}/series", **auth).status_code == 200
    alarms = client.get("/api/v1/iot/alarms", {"state": "active"}, **auth).json()["results"]
    assert [a["id"] for a in alarms] == [alarm.pk]
    bad = client.post(f"/api/v1/iot/alarms/{alarm.pk}/clear", {"note": ""}, content_type="application/json", **auth)
    assert bad.status_code == 400 and "note" in bad.json()["error"]["fields"]
    ok = client.post(f"/api/v1/iot/alarms/{alarm.pk}/ack", {"note": "收到"}, content_type="application/json", **auth)
    assert ok.status_code == 200 and ok.json()["state"] == "active_ack"
    other = token_for("dept_other_staff")
    assert client.get(f"/api/v1/iot/devices/{dev.pk}", **other).status_code == 404
    assert client.get("/api/v1/iot/status", **token_for("resident_a1")).status_code == 403
