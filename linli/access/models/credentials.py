"""Residents' access credentials and visitor passes.

A credential belongs to a resident's registry record. Card numbers, QR tokens and passwords are kept only as keyed
hashes (the QR token also sealed, so the resident's phone page can draw it again). Face enrolment is a flag with
the consent time — the face image and template stay on the door device (domain-rules §11) — and is never required.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import BUILDING, PATH_LENGTHS

from .doors import served_prefixes


class CredentialKind(models.TextChoices):
    CARD = "card", _("Card")
    QR = "qr", _("QR code")
    PASSWORD = "password", _("Password")
    FACE = "face", _("Face enrolment")


class AccessCredential(ScopedModel, BaseModel):
    uid = models.UUIDField(_("credential id"), default=uuid.uuid4, unique=True, editable=False)
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.CASCADE, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=CredentialKind.choices)
    value_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    value_sealed = models.TextField(blank=True, editable=False)
    last4 = models.CharField(_("last digits"), max_length=4, blank=True, editable=False)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    audit_exclude = frozenset({"value_hash", "value_sealed"})

    class Meta:
        verbose_name = _("access credential")
        verbose_name_plural = _("access credentials")
        ordering = ["scope_path", "kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.last4}".strip()

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        return served_prefixes(binding)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class VisitorPass(ScopedModel, BaseModel):
    """A short-lived QR for a visitor: valid in [valid_from, valid_until) for ``max_uses`` entries at the doors of
    one building (and its compound's gates). The visitor is not identified: the issuer answers for the pass."""

    uid = models.UUIDField(_("pass id"), default=uuid.uuid4, unique=True, editable=False)
    place = models.ForeignKey("areas.Place", verbose_name=_("building"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=60, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_sealed = models.TextField(editable=False)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    max_uses = models.PositiveSmallIntegerField(_("uses"), default=2)
    uses = models.PositiveSmallIntegerField(_("used"), default=0, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    audit_exclude = frozenset({"token_hash", "token_sealed"})

    class Meta:
        verbose_name = _("visitor pass")
        verbose_name_plural = _("visitor passes")
        ordering = ["-valid_from", "id"]

    def __str__(self):
        return self.note or str(_("Visitor pass"))

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        # A resident (bound to their house) issues and sees passes for their own building.
        prefixes = served_prefixes(binding)
        return [p[: PATH_LENGTHS[BUILDING]] if len(p) > PATH_LENGTHS[BUILDING] else p for p in prefixes]

    def usable_at(self, moment, door_path: str) -> bool:
        """Within the window, uses left, not revoked, at a door of the building or a gate of its compound."""
        live = self.revoked_at is None and self.valid_from <= moment < self.valid_until and self.uses < self.max_uses
        return live and (door_path.startswith(self.scope_path) or self.scope_path.startswith(door_path))
