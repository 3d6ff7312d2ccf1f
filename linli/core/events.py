"""Domain events: services publish, subscribers run after the transaction commits.

Subscribers register with ``subscribe("areas.place.created", handler)`` from a domain's
``registrations.py``. Handlers must be quick; slow work enqueues a task (Django tasks API).
This replaces post_save chains: events are explicit, named, and only fire for committed writes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

log = logging.getLogger(__name__)

_subscribers: dict[str, list[Callable[[dict], None]]] = defaultdict(list)


def subscribe(event: str, handler: Callable[[dict], None]) -> None:
    if handler not in _subscribers[event]:
        _subscribers[event].append(handler)


def publish(event: str, payload: dict) -> None:
    handlers = list(_subscribers.get(event, ()))
    if not handlers:
        return

    def deliver():
        for handler in handlers:
            try:
                handler(payload)
            except Exception:  # a subscriber's failure must not undo a committed write
                log.exception("event handler %r failed for %s", handler, event)

    transaction.on_commit(deliver)
