"""One test per privacy rule of door access (domain-rules §8, §11; 个人信息保护法 第28条)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.core.models import AuditLog

from .. import selectors, services
from ..conf import pseudonym
from ..models import AccessCredential, AccessEvent, CredentialKind, Door, Purpose
from .helpers import door_and_secret, event, post, resident

pytestmark = pytest.mark.django_db


def _window():
    now = timezone.now()
    return now - dt.timedelta(hours=1), now + dt.timedelta(minutes=1)


def test_purpose_required(client, tree):
    door, _secret = door_and_secret(tree)
    start, end = _window()
    user = tree.users["secretary_a1"]
    with pytest.raises(ValidationError) as exc:
        selectors.events_for_purpose(user, purpose="", case_ref="X-1", start=start, end=end, door=door)
    assert "purpose" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        selectors.events_for_purpose(user, purpose="curiosity", case_ref="X-1", start=start, end=end, door=door)
    assert "purpose" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        selectors.events_for_purpose(user, purpose=Purpose.MISSING_ELDER, case_ref=" ", start=start, end=end, door=door)
    assert "case_ref" in exc.value.message_dict
    assert not AuditLog.objects.filter(action=selectors.READ_ACTION).exists()


def test_purpose_read_only_by_granted_roles(tree):
    door, _ = door_and_secret(tree)
    start, end = _window()
    for name in ("social_a1", "grid_a", "head_a1", "resident_a1"):
        with pytest.raises(PermissionDenied):
            selectors.events_for_purpose(
                tree.users[name], purpose=Purpose.SAFETY_INCIDENT, case_ref="A-1", start=start, end=end, door=door
            )
    assert selectors.may_read_events(tree.users["secretary_a1"])


def test_audit_row_per_read(client, tree):
    door, secret = door_and_secret(tree)
    person = resident(tree)
    card = services.credential_issue(actor=system_user(), resident=person, kind="card", value="A1234567")
    assert post(client, door, secret, event(str(card.uid))).status_code == 201
    start, end = _window()
    user = tree.users["secretary_a1"]
    for n in (1, 2):
        rows = selectors.events_for_purpose(
            user, purpose=Purpose.MISSING_ELDER, case_ref="走失-2026-01", start=start, end=end, door=door
        )
        assert len(rows) == 1
        reads = AuditLog.objects.filter(action=selectors.READ_ACTION, actor=user)
        assert reads.count() == n
    row = reads.latest("at")
    assert "走失-2026-01" in row.note and str(Purpose.MISSING_ELDER.label) in row.note
    assert row.scope_path == door.scope_path


def test_results_limited_to_window_and_door(client, tree):
    door, secret = door_and_secret(tree)
    other, other_secret = door_and_secret(tree, place=tree.building_a1b)
    post(client, door, secret, event(at=timezone.now() - dt.timedelta(hours=3)))
    post(client, door, secret, event())
    post(client, other, other_secret, event())
    start, end = _window()
    rows = selectors.events_for_purpose(
        tree.users["secretary_a1"], purpose=Purpose.SAFETY_INCIDENT, case_ref="S-9", start=start, end=end, door=door
    )
    assert [r.door_id for r in rows] == [door.pk]
    with pytest.raises(ValidationError):
        selectors.events_for_purpose(
            tree.users["secretary_a1"],
            purpose=Purpose.SAFETY_INCIDENT,
            case_ref="S-9",
            start=end - dt.timedelta(days=40),
            end=end,
            door=door,
        )


def test_retention_purge(client, tree, settings):
    settings.LINLI_ACCESS_RETENTION_DAYS = 180
    door, _ = door_and_secret(tree)
    now = timezone.now()
    for i, days in enumerate((200, 181, 179, 1)):
        AccessEvent.objects.create(
            door=door,
            scope_path=door.scope_path,
            at=now - dt.timedelta(days=days),
            method="card",
            result="granted",
            nonce=f"n{i}",
        )
    assert services.purge_expired() == 2
    left = sorted((now - e.at).days for e in AccessEvent.objects.all())
    assert left == [1, 179]
    assert AuditLog.objects.filter(action="access_purge").count() == 1
    settings.LINLI_ACCESS_RETENTION_DAYS = 30
    assert services.purge_expired() == 1


def test_retention_purge_runs_as_a_daily_job():
    from linli.core.registry import registry

    assert "access.purge" in {job.key for job in registry.daily_jobs}


def test_pseudonymisation(client, tree):
    door, secret = door_and_secret(tree)
    person = resident(tree, name="李桂兰")
    card = services.credential_issue(actor=system_user(), resident=person, kind="card", value="C9988776")
    assert post(client, door, secret, event(str(card.uid))).status_code == 201
    ev = AccessEvent.objects.get()
    assert ev.person_ref == pseudonym(person.pk)
    assert len(ev.person_ref) == 64
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {AccessEvent._meta.db_table}")
        raw = " ".join(str(v) for row in cur.fetchall() for v in row)
    for plain in ("李桂兰", "C9988776", str(card.uid), card.uid.hex):
        assert plain not in raw
    assert {f.name for f in AccessEvent._meta.get_fields()}.isdisjoint({"resident", "name", "credential"})


def test_no_face_data_accepted(client, tree):
    door, secret = door_and_secret(tree)
    for extra in (
        {"face_image": "aGVsbG8="},
        {"face_match": {"matched": True, "score": 0.97, "template": "AAAA"}},
        {"snapshot": "x"},
        {"face_match": {"matched": True, "score": 0.9, "feature_vector": [0.1, 0.2]}},
    ):
        resp = post(client, door, secret, event(method="face", **extra))
        assert resp.status_code == 400, extra
        assert resp.json()["error"]["code"] == "face_data_refused"
    assert not AccessEvent.objects.exists()
    resp = post(client, door, secret, event(method="face", face_match={"matched": True, "score": "0.9731"}))
    assert resp.status_code == 201, resp.content
    ev = AccessEvent.objects.get()
    assert ev.face_matched is True and str(ev.face_score) == "0.9731"


def test_face_never_the_only_way(tree):
    admin = system_user()
    with pytest.raises(ValidationError) as exc:
        services.door_create(actor=admin, place=tree.building_a1, name="刷脸门", methods=["face"])
    assert "methods" in exc.value.message_dict
    assert not Door.objects.exists()
    door, _ = door_and_secret(tree, methods=("card", "face"))
    with pytest.raises(ValidationError):
        services.door_update(actor=admin, door=door, methods=["face"])
    # A resident without any face enrolment still gets a card, a QR and a password: nothing asks for a face.
    person = resident(tree)
    for kind, value in (("card", "B1234567"), ("qr", ""), ("password", "482913")):
        cred = services.credential_issue(actor=admin, resident=person, kind=kind, value=value)
        assert cred.pk
    assert not AccessCredential.objects.filter(resident=person, kind=CredentialKind.FACE).exists()
    # and face enrolment itself needs separate consent
    with pytest.raises(ValidationError):
        services.credential_issue(actor=admin, resident=person, kind="face")
    assert services.credential_issue(actor=admin, resident=person, kind="face", consent=True).consent_at
