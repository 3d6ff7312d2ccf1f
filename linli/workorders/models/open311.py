"""Open311 GeoReport v2: the API keys that may post requests, and what each posted request brought along."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel


class Open311KeyQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, account__is_active=True)


class Open311Key(ScopedModel, BaseModel):
    """A key an Open311 client sends as ``api_key``. Only its SHA-256 is stored; the key is shown once.

    It reports in its ``place`` (a district, street or community) only, acting as its own service account (a
    login-less user whose only right is to report there). Issued and revoked by the district administrator or
    the dispatch centre; both audited.
    """

    name = models.CharField(_("name"), max_length=80, help_text=_("Who uses it, e.g. the city's 12345 app."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    place = models.ForeignKey(
        "areas.Place", verbose_name=_("may report in"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("acts as"), on_delete=models.PROTECT, related_name="open311_key"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = Open311KeyQuerySet.as_manager()

    audit_exclude = frozenset({"key_hash"})

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class Open311Request(BaseModel):
    """What an Open311 POST brought besides the case: the key, the token, the media link (stored, never fetched)."""

    case = models.OneToOneField(
        "workorders.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="open311"
    )
    key = models.ForeignKey(
        Open311Key, verbose_name=_("API key"), null=True, on_delete=models.SET_NULL, related_name="requests"
    )
    token = models.CharField(_("token"), max_length=40, unique=True, editable=False)
    media_url = models.URLField(_("media link"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self):
        return self.token


def _register() -> None:
    """Kept with the model (the Open311 package is self-contained): who manages keys, and the path column."""
    from linli.accounts.roles import Role
    from linli.core.permissions import grant
    from linli.core.registry import registry

    for role in (Role.DISTRICT_ADMIN, Role.DISPATCHER):
        grant(role, Open311Key, "view", "add", "change")
    registry.add_place_path_field("workorders.open311key", "scope_path")


_register()
