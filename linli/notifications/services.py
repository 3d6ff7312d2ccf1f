"""The only way notifications are written: ``notify`` from any domain's service, ``mark_read`` from the inbox."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from linli.core.permissions import restrict

from .models import Notification


def _subject(obj) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.label_lower}:{obj.pk}"


def notify(
    *, users: Iterable, title: str, body: str = "", url: str = "", kind: str = "", obj=None, deliver: bool = True
) -> list[Notification]:
    """Put one message in each user's inbox (duplicates and inactive users dropped).

    Outbound delivery (email, later SMS/WeChat) is queued after the surrounding transaction commits, so
    a rolled-back write never sends anything. Notifications are not audited: they are a copy of an audited
    event, not a change of record.
    """
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(user=user, kind=kind, title=str(title)[:200], body=str(body), url=url, subject=_subject(obj))
        )
    created = Notification.objects.bulk_create(rows)
    if deliver and created:
        ids = [n.pk for n in created if n.pk is not None]
        if not ids:  # engines that do not return keys from bulk_create
            ids = list(
                Notification.objects.filter(subject=_subject(obj), kind=kind, read_at=None)
                .order_by("-pk")
                .values_list("pk", flat=True)[: len(created)]
            )

        def enqueue():
            from .tasks import deliver_notifications

            deliver_notifications.enqueue(ids)

        transaction.on_commit(enqueue)
    return created


def mark_read(*, actor, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when ``ids`` is None)."""
    qs = restrict(Notification.objects.filter(user=actor, read_at__isnull=True), actor, "change")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
