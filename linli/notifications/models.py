"""The notification centre: one inbox per user, filled by every domain through ``services.notify``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel


class Notification(ScopedModel, BaseModel):
    """One message to one user. Private to its user whatever their role (``scope_q``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True, help_text=_("e.g. workorders.dispatched"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What it is about, as "app_label.model:pk" (for grouping and de-duplication), optional.
    subject = models.CharField(_("about"), max_length=80, blank=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Outbound delivery (email, later SMS/WeChat): channel name -> "sent" | "skipped: reason" | "failed: reason".
    delivery = models.JSONField(_("delivery"), default=dict, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notif_inbox_idx")]

    def __str__(self):
        return self.title

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        # Whatever the binding, a user reaches only their own inbox.
        return models.Q(user_id=binding.user_id)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
