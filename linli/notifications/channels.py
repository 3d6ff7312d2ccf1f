"""Outbound channels for notifications: email through Django now; SMS and WeChat adapters plug in here.

A channel is a class with a ``name`` and ``send(notification) -> str`` returning "sent" or "skipped: why"
(raise to report a failure). ``settings.LINLI_NOTIFICATION_CHANNELS`` lists the dotted paths in use, e.g. a
future ``"linli_sms.channels.AliyunSmsChannel"``. Delivery runs in a background task after the commit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class Channel:
    name = "base"

    def send(self, notification) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class EmailChannel(Channel):
    """Email through Django's configured backend (SMTP in production, the console in development)."""

    name = "email"

    def send(self, notification) -> str:
        address = notification.user.email
        if not address:
            return "skipped: no email address"
        body = notification.body
        if notification.url:
            base = getattr(settings, "LINLI_SITE_URL", "").rstrip("/")
            body = f"{body}\n\n{base}{notification.url}".strip()
        send_mail(notification.title, body, None, [address], fail_silently=False)
        return "sent"


def channels() -> list[Channel]:
    paths = getattr(settings, "LINLI_NOTIFICATION_CHANNELS", ["linli.notifications.channels.EmailChannel"])
    return [import_string(path)() for path in paths]
