"""Devices: provisioning (the secret shown once), rotation, deactivation, and the platform's service account."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit
from linli.core.permissions import Action, require, require_at
from linli.core.services import save_audited

from ..models import Device, DeviceType

SERVICE_USERNAME = "iot-platform"


def service_account():
    """The login-less account the platform acts as when an alarm opens a work order (a superuser with an unusable
    password: it never signs in; every case it opens is audited under its name and the alarm's id)."""
    from linli.accounts.models import User

    user = User.objects.filter(username=SERVICE_USERNAME).first()
    if user is None:
        user = User(username=SERVICE_USERNAME, is_superuser=True, display_name="物联感知平台")
        user.set_unusable_password()
        user.save()
        audit.record(actor=None, action="create", obj=user, after=audit.snapshot(user), note="iot service account")
    return user


@transaction.atomic
def device_create(*, actor, device_type: DeviceType, place: Place, name: str, ident: str = "") -> tuple[Device, str]:
    """Provision a device at ``place``. Returns the device and its secret — shown once, stored only as a hash."""
    if place is None:
        raise ValidationError({"place": _("Say where the device is.")})
    if place.level < 4:
        raise ValidationError({"place": _("Place a device in a compound or below.")})
    require_at(actor, Action.ADD, Device, place.path)
    raw = Device.generate_secret()
    device = Device(
        device_type=device_type,
        place=place,
        scope_path=place.path,
        name=(name or "").strip(),
        ident=(ident or "").strip() or f"{device_type.code}-{secrets.token_hex(4)}",
        secret_hash=Device.hash_secret(raw),
        secret_prefix=raw[:6],
    )
    save_audited(actor=actor, obj=device, action="create")
    return device, raw


@transaction.atomic
def device_rotate_secret(*, actor, device: Device) -> str:
    device = Device.objects.select_for_update().get(pk=device.pk)
    require(actor, Action.CHANGE, device)
    raw = Device.generate_secret()
    device.secret_hash = Device.hash_secret(raw)
    device.secret_prefix = raw[:6]
    device.save(update_fields=["secret_hash", "secret_prefix", "updated_at"])
    audit.record(actor=actor, action="device_rotate_secret", obj=device, note=f"secret {raw[:6]}…")
    return raw


@transaction.atomic
def device_set_active(*, actor, device: Device, active: bool) -> Device:
    device = Device.objects.select_for_update().get(pk=device.pk)
    require(actor, Action.CHANGE, device)
    before = audit.snapshot(device)
    device.is_active = active
    save_audited(actor=actor, obj=device, action="update", before=before)
    return device
