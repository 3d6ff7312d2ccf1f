"""A door (门禁): a building entrance or a compound gate with its own controller credential.

Link to the device platform (``linli/iot``, built in parallel): a door controller will be an iot device of type
"door controller"; when iot lands, ``Door`` gains a nullable one-to-one ``device`` to it (placed at the same place)
and the controller may authenticate with the device credential instead of its own. Until then the door carries its
own credential: ``key_id`` (public, sent with every message) and the secret, shown once when it is issued.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import BUILDING, COMPOUND, PATH_LENGTHS


def served_prefixes(binding) -> list[str]:
    """A binding's places, plus the compounds its property company manages (property staff work there)."""
    prefixes = list(binding.place_prefixes())
    if binding.organisation_id and binding.organisation.kind == "property":
        prefixes += binding.organisation.served_prefixes()
    return prefixes


class Method(models.TextChoices):
    CARD = "card", _("Card")
    QR = "qr", _("QR code")
    PASSWORD = "password", _("Password")
    FACE = "face", _("Face match")


#: the ways in that are not face recognition: a door must always offer one (domain-rules §11)
NON_FACE = frozenset({Method.CARD, Method.QR, Method.PASSWORD})


class Door(ScopedModel, BaseModel):
    place = models.ForeignKey("areas.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=60)
    methods = models.JSONField(_("ways in"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    key_id = models.UUIDField(_("controller key id"), default=uuid.uuid4, unique=True, editable=False)
    # The controller secret: sealed with the data key (core.crypto) to verify message signatures, and hashed
    # (keyed) to check the unsealed value; never shown after it is issued, never in audit snapshots.
    secret_sealed = models.TextField(blank=True, editable=False)
    secret_hash = models.CharField(max_length=64, blank=True, editable=False)

    audit_exclude = frozenset({"secret_sealed", "secret_hash"})

    class Meta:
        verbose_name = _("door")
        verbose_name_plural = _("doors")
        ordering = ["scope_path", "name", "id"]

    def __str__(self):
        return self.name

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        return served_prefixes(binding)

    def clean(self):
        methods = list(self.methods or [])
        if not methods or any(m not in Method.values for m in methods):
            raise ValidationError({"methods": _("Choose the ways in this door offers.")})
        if not NON_FACE.intersection(methods):
            raise ValidationError(
                {
                    "methods": _(
                        "Face recognition cannot be the only way in: also offer a card, a QR code or a password."
                    )
                }
            )
        if self.place_id and len(self.place.path) not in (PATH_LENGTHS[COMPOUND], PATH_LENGTHS[BUILDING]):
            raise ValidationError({"place": _("A door belongs to a compound (its gate) or a building.")})

    def method_labels(self) -> list[str]:
        return [str(Method(m).label) for m in self.methods if m in Method.values]
