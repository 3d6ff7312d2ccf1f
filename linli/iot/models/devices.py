"""Device types (a telemetry schema each) and devices placed in the place tree.

A device type's ``schema`` maps each telemetry key to its unit and allowed range::

    {"pressure": {"unit": "MPa", "min": 0, "max": 2.5, "label": "outlet pressure"}}

A reading outside the range, or with a key the schema does not know, is quarantined (services.ingest).
A device authenticates with its provisioning secret: shown once when issued, stored as a SHA-256 hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel

from .base import DeviceScoped


class DeviceKind(models.TextChoices):
    HYDRANT = "hydrant", _("Hydrant pressure")
    WATER_LEVEL = "water_level", _("Water level")
    SMOKE = "smoke", _("Smoke detector")
    ELEVATOR = "elevator", _("Elevator controller")
    EBIKE = "ebike_cabinet", _("E-bike charging cabinet")
    DOOR = "door", _("Door controller")
    CAMERA = "camera", _("Camera edge box")
    WATER_METER = "water_meter", _("Water meter")


def validate_schema(value) -> None:
    if not isinstance(value, dict) or not value:
        raise ValidationError(_("The schema maps each telemetry key to its unit and range."))
    for key, spec in value.items():
        if not isinstance(key, str) or not key.isidentifier() or len(key) > 32:
            raise ValidationError(_("Telemetry keys are short identifiers."))
        if not isinstance(spec, dict):
            raise ValidationError(_("The schema maps each telemetry key to its unit and range."))
        low, high = spec.get("min"), spec.get("max")
        for bound in (low, high):
            if bound is not None and not isinstance(bound, int | float):
                raise ValidationError(_("Ranges are numbers."))
        if low is not None and high is not None and low > high:
            raise ValidationError(_("A range's minimum is above its maximum."))


class DeviceType(BaseModel):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=DeviceKind.choices)
    schema = models.JSONField(_("telemetry schema"), validators=[validate_schema])
    offline_after = models.PositiveIntegerField(
        _("offline after (seconds)"), default=300, help_text=_("No message for this long: the device is offline.")
    )

    class Meta:
        verbose_name = _("device type")
        verbose_name_plural = _("device types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DeviceStatus(models.TextChoices):
    NEW = "new", _("Never seen")
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")


class Device(DeviceScoped, BaseModel):
    ident = models.SlugField(
        _("device id"), max_length=40, unique=True, help_text=_("Used in the MQTT topic and the ingest URL.")
    )
    name = models.CharField(_("name"), max_length=60)
    device_type = models.ForeignKey(DeviceType, verbose_name=_("device type"), on_delete=models.PROTECT)
    place = models.ForeignKey("areas.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    secret_prefix = models.CharField(_("secret begins with"), max_length=8, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=DeviceStatus.choices, default=DeviceStatus.NEW)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, db_index=True)
    last_values = models.JSONField(_("last values"), default=dict, blank=True)
    last_ts = models.DateTimeField(_("time of the last values"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    audit_exclude = frozenset({"secret_hash", "last_values", "last_seen_at", "last_ts"})

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["scope_path", "ident"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ident})"

    @property
    def readings(self) -> list[tuple[str, object, str]]:
        """The last values as (label, value, unit), labelled from the type's schema."""
        schema = self.device_type.schema
        return [
            (schema.get(k, {}).get("label", k), v, schema.get(k, {}).get("unit", ""))
            for k, v in (self.last_values or {}).items()
        ]

    @staticmethod
    def generate_secret() -> str:
        return secrets.token_urlsafe(24)

    @staticmethod
    def hash_secret(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    def check_secret(self, raw: str) -> bool:
        return bool(raw) and hmac.compare_digest(self.secret_hash, self.hash_secret(raw))
