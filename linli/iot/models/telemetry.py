"""Stored telemetry, the quarantine and the ingest counters.

``Telemetry`` is one row per accepted message (its values as JSON), keyed by device, time and the device's message
id: a redelivered message (QoS 1 is at-least-once) hits the key and is counted as a duplicate, not stored twice.
The table is created by migration 0002: on PostgreSQL partitioned by day on ``ts`` (retention drops whole
partitions, ``services.partitions``), a plain table on SQLite. Django does not manage it (``managed = False``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel


class Telemetry(models.Model):
    pk = models.CompositePrimaryKey("device_id", "ts", "msg_id")
    device_id = models.BigIntegerField()
    ts = models.DateTimeField()
    msg_id = models.CharField(max_length=64)
    values = models.JSONField()

    class Meta:
        managed = False
        db_table = "iot_telemetry"
        verbose_name = _("telemetry")
        verbose_name_plural = _("telemetry")

    def __str__(self) -> str:
        return f"{self.device_id}@{self.ts:%Y-%m-%d %H:%M:%S}"


class QuarantineReason(models.TextChoices):
    MALFORMED = "malformed", _("Not valid JSON or not the message format")
    UNKNOWN_DEVICE = "unknown_device", _("Unknown or inactive device")
    BAD_CREDENTIAL = "bad_credential", _("Wrong device credential")
    SCHEMA = "schema", _("Key not in the device type's schema")
    RANGE = "range", _("Value out of range")
    CLOCK_SKEW = "clock_skew", _("Timestamp too far from now")
    OVERSIZED = "oversized", _("Message too large")


class Quarantine(ScopedModel, BaseModel):
    """A refused message, with the reason. ``scope_path`` is the device's path ("" for an unknown device: only a
    superuser reads those rows; everyone in scope sees the counts)."""

    source = models.CharField(_("source"), max_length=8)  # mqtt | http
    device_ident = models.CharField(_("device id"), max_length=64, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=QuarantineReason.choices, db_index=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    payload = models.TextField(_("payload (first 1,000 characters)"), blank=True)

    class Meta:
        verbose_name = _("quarantined message")
        verbose_name_plural = _("quarantined messages")
        ordering = ["-created_at"]


class IngestCounter(models.Model):
    """Running totals since installation (accepted, duplicate, quarantined.<reason>), one row per name."""

    name = models.CharField(max_length=40, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("ingest counter")
        verbose_name_plural = _("ingest counters")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
