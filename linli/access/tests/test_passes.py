"""Visitor passes: issued by a resident for their own building or by staff; a door accepts them in the window only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .. import services
from ..models import VisitorPass
from .helpers import door_and_secret, event, post

pytestmark = pytest.mark.django_db


def _issue(user, building, hours=4, uses=2, start=None):
    start = start or timezone.now() - dt.timedelta(minutes=1)
    return services.pass_issue(
        actor=user, building=building, valid_from=start, valid_until=start + dt.timedelta(hours=hours), max_uses=uses
    )


def test_resident_issues_for_their_own_building_only(tree):
    resident = tree.users["resident_a1"]
    vp, token = _issue(resident, tree.building_a1)
    assert vp.scope_path == tree.building_a1.path and token
    with pytest.raises(PermissionDenied):
        _issue(resident, tree.building_a1b)
    staff_pass, _ = _issue(tree.users["secretary_a1"], tree.building_a1b)
    assert staff_pass.pk


def test_pass_limits(tree):
    staff = tree.users["secretary_a1"]
    with pytest.raises(ValidationError):
        _issue(staff, tree.building_a1, hours=100)
    with pytest.raises(ValidationError):
        _issue(staff, tree.building_a1, uses=0)
    with pytest.raises(ValidationError):
        _issue(staff, tree.compound_a1)
    assert not VisitorPass.objects.exists()


def test_door_accepts_a_pass_within_the_window_and_uses_only(client, tree):
    door, secret = door_and_secret(tree)
    gate, gate_secret = door_and_secret(tree, place=tree.compound_a1)
    elsewhere, other_secret = door_and_secret(tree, place=tree.building_a1b)
    vp, token = _issue(tree.users["resident_a1"], tree.building_a1, uses=2)
    now = timezone.now()
    assert post(client, gate, gate_secret, event(token, method="qr")).json()["result"] == "granted"
    assert post(client, elsewhere, other_secret, event(token, method="qr")).json()["result"] == "denied"
    before = now - dt.timedelta(minutes=5)
    assert post(client, door, secret, event(token, method="qr", at=before)).json()["result"] == "denied"
    assert post(client, door, secret, event(token, method="qr")).json()["result"] == "granted"
    assert post(client, door, secret, event(token, method="qr")).json()["result"] == "denied"  # uses spent
    vp.refresh_from_db()
    assert vp.uses == 2


def test_expired_or_revoked_pass_refused(client, tree):
    door, secret = door_and_secret(tree)
    vp, token = _issue(tree.users["secretary_a1"], tree.building_a1, hours=1)
    VisitorPass.objects.filter(pk=vp.pk).update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    assert post(client, door, secret, event(token, method="qr")).json()["result"] == "denied"
    vp2, token2 = _issue(tree.users["secretary_a1"], tree.building_a1)
    services.pass_revoke(actor=tree.users["secretary_a1"], visitor_pass=vp2)
    assert post(client, door, secret, event(token2, method="qr")).json()["result"] == "denied"
