"""Deliver notifications through the outbound channels, outside the request."""

from __future__ import annotations

import logging

from django_tasks import task

from linli.core.context import acting_as

log = logging.getLogger(__name__)


@task()
def deliver_notifications(ids: list[int]) -> dict:
    from .channels import channels
    from .models import Notification

    results = {"sent": 0, "skipped": 0, "failed": 0}
    with acting_as("task"):
        for notification in Notification.objects.filter(pk__in=ids).select_related("user"):
            delivery = dict(notification.delivery)
            for channel in channels():
                try:
                    outcome = channel.send(notification)
                except Exception as exc:  # one channel's failure must not stop the others
                    log.warning("notification %s via %s failed: %s", notification.pk, channel.name, exc)
                    outcome = f"failed: {exc}"[:200]
                delivery[channel.name] = outcome
                results[outcome.split(":")[0] if outcome.split(":")[0] in results else "sent"] += 1
            Notification.objects.filter(pk=notification.pk).update(delivery=delivery)
    return results
