"""Access events: whereabouts (行踪轨迹, 个人信息保护法 第28条).

The person is stored only as ``person_ref``, a keyed HMAC of the resident id (``conf.pseudonym``): no name, no
resident id, no credential value. A face match is a boolean and a score; images and templates never reach linli.
Rows are read only for a stated purpose by granted roles (``selectors.events_for_purpose``, each read audited) and
purged after the retention period by the daily job.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.models import ScopedModel

from .doors import Method


class Result(models.TextChoices):
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")


class Purpose(models.TextChoices):
    MISSING_ELDER = "missing_elder", _("Search for a missing elderly person")
    SAFETY_INCIDENT = "safety_incident", _("Investigation of a safety incident")
    POLICE_REQUEST = "police_request", _("Lawful request of the public security organ")


class AccessEvent(ScopedModel):
    door = models.ForeignKey("access.Door", verbose_name=_("door"), on_delete=models.CASCADE, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, editable=False)
    at = models.DateTimeField(_("time"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    method = models.CharField(_("way in"), max_length=10, choices=Method.choices)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    person_ref = models.CharField(_("person (pseudonym)"), max_length=64, blank=True, db_index=True)
    visitor_pass = models.ForeignKey(
        "access.VisitorPass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    face_matched = models.BooleanField(_("face matched"), null=True, blank=True)
    face_score = models.DecimalField(_("match score"), max_digits=5, decimal_places=4, null=True, blank=True)
    nonce = models.CharField(_("event id"), max_length=64)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["door", "nonce"], name="access_event_door_nonce_uniq")]
        indexes = [
            models.Index(fields=["scope_path", "at"], name="access_event_scope_at_idx"),
            models.Index(fields=["door", "at"], name="access_event_door_at_idx"),
            models.Index(fields=["at"], name="access_event_at_idx"),
        ]

    def __str__(self):
        return f"{self.door_id} {self.at:%Y-%m-%d %H:%M} {self.result}"
