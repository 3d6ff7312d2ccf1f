"""The demo seeder and the pages: doors, statistics, the purpose-stated search, the resident's phone page."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from linli.accounts.testing import PASSWORD, system_user
from linli.core.models import AuditLog
from linli.registry.models import Resident

from .. import selectors, services
from ..models import AccessEvent, Door, VisitorPass
from .helpers import door_and_secret, event, post, resident

pytestmark = pytest.mark.django_db


def test_demo_access(client, monkeypatch):
    from linli.core.registry import registry

    monkeypatch.setattr(registry, "demo_seeders", [s for s in registry.demo_seeders if s.key == "access"])
    out = StringIO()
    call_command("seed_demo", "--small", stdout=out)
    assert "access:" in out.getvalue()
    assert Door.objects.count() >= 2
    assert AccessEvent.objects.filter(at__lt=timezone.now() - dt.timedelta(days=6)).exists()
    assert not AccessEvent.objects.filter(person_ref__regex=r"^\d+$").exists()


def _login(client, tree, name):
    assert client.login(username=name, password=PASSWORD)
    return tree.users[name]


def test_doors_page_sets_up_a_door_and_shows_the_secret_once(client, tree):
    _login(client, tree, "secretary_a1")
    resp = client.post(
        reverse("access:doors"), {"place": tree.building_a1.code, "name": "东门", "methods": ["card", "face"]}
    )
    assert resp.status_code == 200
    door = Door.objects.get(name="东门")
    assert str(door.key_id) in resp.content.decode()
    assert "东门" in client.get(reverse("access:doors")).content.decode()
    assert str(door.key_id) not in client.get(reverse("access:doors")).content.decode()
    resp = client.post(reverse("access:doors"), {"place": tree.building_a1.code, "name": "刷脸门", "methods": ["face"]})
    assert not Door.objects.filter(name="刷脸门").exists()
    assert "Face recognition cannot be the only way in" in resp.content.decode() or "人脸" in resp.content.decode()


def test_door_statistics_are_aggregate(client, tree):
    door, secret = door_and_secret(tree)
    card = services.credential_issue(actor=system_user(), resident=resident(tree), kind="card", value="S1234567")
    post(client, door, secret, event(str(card.uid)))
    post(client, door, secret, event(result="denied"))
    _login(client, tree, "grid_a")  # sees the door and its counts, may not read events
    resp = client.get(reverse("access:door", args=[door.pk]))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert AccessEvent.objects.get(result="granted").person_ref[:10] not in body
    data = selectors.heatmap(tree.users["grid_a"], [door], timezone.now() - dt.timedelta(days=1), timezone.now())
    assert data["totals"][door.pk] == {"total": 2, "denied": 1}
    assert client.get(reverse("access:events")).status_code == 403


def test_event_search_page_audits_each_read(client, tree):
    door, secret = door_and_secret(tree)
    post(client, door, secret, event())
    user = _login(client, tree, "secretary_a1")
    fmt = "%Y-%m-%dT%H:%M"
    start, end = timezone.localtime() - dt.timedelta(hours=1), timezone.localtime() + dt.timedelta(hours=1)
    form = {"purpose": "missing_elder", "door": door.pk, "start": start.strftime(fmt), "end": end.strftime(fmt)}
    resp = client.post(reverse("access:events"), {**form, "case_ref": ""})
    assert resp.status_code == 200 and not AuditLog.objects.filter(action=selectors.READ_ACTION).exists()
    resp = client.post(reverse("access:events"), {**form, "case_ref": "110-2026-88"})
    assert resp.status_code == 200
    assert 'data-testid="events"' in resp.content.decode()
    assert AuditLog.objects.filter(action=selectors.READ_ACTION, actor=user, note__contains="110-2026-88").count() == 1


def test_resident_phone_page_shows_qr_and_issues_a_pass(client, tree):
    person = resident(tree)
    Resident.objects.filter(pk=person.pk).update(account=tree.users["resident_a1"])
    services.credential_issue(actor=system_user(), resident=person, kind="qr")
    _login(client, tree, "resident_a1")
    resp = client.get(reverse("access:mine"))
    assert resp.status_code == 200 and resp.content.decode().count('class="qr"') == 1
    resp = client.post(reverse("access:mine"), {"hours": 4, "max_uses": 2, "note": "女儿来访"})
    assert resp.status_code == 302
    vp = VisitorPass.objects.get()
    assert vp.scope_path == tree.building_a1.path and vp.issued_by == tree.users["resident_a1"]
    assert client.get(reverse("access:mine")).content.decode().count('class="qr"') == 2


def test_api_staff_reads(client, tree, token_for):
    door, secret = door_and_secret(tree)
    post(client, door, secret, event())
    base = "/api/v1/access"
    h = token_for("secretary_a1")
    assert [d["id"] for d in client.get(f"{base}/doors", **h).json()] == [door.pk]
    now = timezone.now()
    window = {"start": (now - dt.timedelta(hours=1)).isoformat(), "end": (now + dt.timedelta(minutes=5)).isoformat()}
    heat = client.get(f"{base}/doors/{door.pk}/heatmap", window, **h).json()
    assert heat["total"] == 1 and sum(heat["hours"]) == 1
    resp = client.get(f"{base}/events", {**window, "door": door.pk, "purpose": "safety_incident", "case_ref": ""}, **h)
    assert resp.status_code == 400
    resp = client.get(
        f"{base}/events", {**window, "door": door.pk, "purpose": "safety_incident", "case_ref": "S-1"}, **h
    )
    assert resp.status_code == 200 and len(resp.json()) == 1
    assert AuditLog.objects.filter(action=selectors.READ_ACTION).count() == 1
    g = token_for("grid_a")
    resp = client.get(
        f"{base}/events", {**window, "door": door.pk, "purpose": "safety_incident", "case_ref": "S-1"}, **g
    )
    assert resp.status_code == 403
    assert client.get(f"{base}/doors").status_code == 401
    far, _ = door_and_secret(tree, place=tree.building_a2)  # another community: not the secretary's
    query = {**window, "door": far.pk, "purpose": "safety_incident", "case_ref": "S-1"}
    assert client.get(f"{base}/events", query, **h).status_code == 404
    assert AuditLog.objects.filter(action=selectors.READ_ACTION).count() == 1


def test_staff_issue_credentials_without_any_face(client, tree):
    person = resident(tree)
    _login(client, tree, "secretary_a1")
    page = reverse("access:resident", args=[person.pk])
    assert client.post(page, {"kind": "card", "value": "K1234567"}).status_code == 302
    assert client.post(page, {"kind": "qr", "value": ""}).status_code == 302
    resp = client.post(page, {"kind": "face", "value": ""})
    assert resp.status_code == 200  # refused: no separate consent
    from ..models import AccessCredential

    creds = AccessCredential.objects.filter(resident=person)
    assert sorted(creds.values_list("kind", flat=True)) == ["card", "qr"]
    card = creds.get(kind="card")
    assert client.post(page, {"revoke": card.pk}).status_code == 302
    card.refresh_from_db()
    assert card.revoked_at is not None
    _login(client, tree, "grid_a")
    assert client.get(page).status_code == 403
