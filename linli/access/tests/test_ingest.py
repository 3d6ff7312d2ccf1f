"""The signed device endpoint: credential, signature, timestamp, replay, bad input."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from django.utils import timezone

from linli.accounts.testing import system_user

from .. import services
from ..conf import pseudonym
from ..models import AccessEvent
from .helpers import door_and_secret, event, post, resident

pytestmark = pytest.mark.django_db


def _code(resp):
    return resp.json()["error"]["code"]


def test_signed_event_is_stored_with_the_pseudonym(client, tree):
    door, secret = door_and_secret(tree)
    person = resident(tree)
    card = services.credential_issue(actor=system_user(), resident=person, kind="card", value="A7654321")
    resp = post(client, door, secret, event(str(card.uid)))
    assert resp.status_code == 201, resp.content
    assert resp.json()["result"] == "granted"
    ev = AccessEvent.objects.get()
    assert (ev.door_id, ev.method, ev.person_ref) == (door.pk, "card", pseudonym(person.pk))


def test_bad_credential_and_signature_refused(client, tree):
    door, secret = door_and_secret(tree)
    assert _code(post(client, door, "wrong-secret", event())) == "bad_signature"
    assert post(client, door, secret, event(), signature="0" * 64).status_code == 401
    door.key_id = uuid.uuid4()
    assert _code(post(client, door, secret, event())) == "unknown_door"
    new_secret = services.door_rotate_secret(actor=system_user(), door=door_and_secret(tree)[0])
    assert new_secret
    assert not AccessEvent.objects.exists()


def test_rotated_secret_replaces_the_old(client, tree):
    door, old = door_and_secret(tree)
    new = services.door_rotate_secret(actor=system_user(), door=door)
    assert post(client, door, old, event()).status_code == 401
    assert post(client, door, new, event()).status_code == 201


def test_skewed_timestamp_and_event_time_refused(client, tree):
    door, secret = door_and_secret(tree)
    assert _code(post(client, door, secret, event(), ts=int(time.time()) - 3600)) == "clock_skew"
    assert _code(post(client, door, secret, event(at=timezone.now() + dt.timedelta(hours=1)))) == "clock_skew"
    assert _code(post(client, door, secret, event(at=timezone.now() - dt.timedelta(days=8)))) == "clock_skew"
    assert post(client, door, secret, event(at=timezone.now() - dt.timedelta(days=2))).status_code == 201


def test_replayed_event_refused(client, tree):
    door, secret = door_and_secret(tree)
    payload = event()
    assert post(client, door, secret, payload).status_code == 201
    resp = post(client, door, secret, payload)
    assert resp.status_code == 409 and _code(resp) == "replayed"
    assert AccessEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"method": "teleport"}, "bad_method"),
        ({"method": "password"}, "method_not_offered"),
        ({"result": "maybe"}, "bad_result"),
        ({"at": "2026-01-01T08:00:00"}, "bad_time"),
        ({"event_id": ""}, "bad_event_id"),
        ({"name": "王秀英"}, "unknown_field"),
        ({"method": "face", "face_match": {"matched": "yes", "score": 1}}, "bad_face_match"),
        ({"method": "face", "face_match": {"matched": True, "score": 7}}, "bad_face_match"),
        ({"face_match": {"matched": True, "score": 0.5}}, "bad_face_match"),
    ],
)
def test_bad_input_refused_with_the_reason(client, tree, payload, code):
    door, secret = door_and_secret(tree)
    resp = post(client, door, secret, {**event(), **payload})
    assert resp.status_code == 400 and _code(resp) == code, resp.content
    assert not AccessEvent.objects.exists()


def test_oversized_and_non_json_refused(client, tree):
    door, secret = door_and_secret(tree)
    assert post(client, door, secret, {**event(), "credential": "x" * 5000}).status_code == 413
    resp = client.post(
        "/api/v1/access/device/events",
        b"not json",
        content_type="application/json",
        HTTP_X_LINLI_DOOR=str(door.key_id),
        HTTP_X_LINLI_TIMESTAMP=str(int(time.time())),
        HTTP_X_LINLI_SIGNATURE=services.sign(secret, str(int(time.time())), b"not json"),
    )
    assert resp.status_code == 400


def test_revoked_card_recorded_as_denied(client, tree):
    door, secret = door_and_secret(tree)
    card = services.credential_issue(actor=system_user(), resident=resident(tree), kind="card", value="R1112223")
    services.credential_revoke(actor=system_user(), credential=card)
    assert post(client, door, secret, event(str(card.uid))).json()["result"] == "denied"


def test_resident_qr_opens_their_doors_only(client, tree):
    door, secret = door_and_secret(tree)
    elsewhere, other_secret = door_and_secret(tree, place=tree.building_a2)
    qr = services.credential_issue(actor=system_user(), resident=resident(tree), kind="qr")
    token = services.credential_qr(qr)
    assert post(client, door, secret, event(token, method="qr", result="denied")).json()["result"] == "granted"
    assert post(client, elsewhere, other_secret, event(token, method="qr")).json()["result"] == "denied"
