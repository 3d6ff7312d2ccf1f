"""Domain events: one catalogue, written to an outbox in the writer's transaction, delivered to subscribers.

Each domain declares the events it publishes in its ``registrations.py``::

    events.declare("wishes.wish.fulfilled", publisher="wishes", keys=("wish_id",), aggregate=("wishes.wish", "wish_id"))

and subscribes to other domains' events there too::

    events.subscribe("workorders.case.evaluate", handlers.on_case_closed)

``publish(name, payload)`` refuses an undeclared name or a payload that does not match the declared keys, then
writes an ``OutboxEvent`` row and one ``EventDelivery`` row per current subscriber in the caller's transaction
(``linli.core.outbox``): a rolled-back change publishes nothing, a committed one cannot lose its event. After the
commit one eager attempt delivers in process (pages and tests see the effect at once, no worker needed); what
fails is retried with back-off by ``manage.py outbox_worker`` and ends as a dead letter an administrator can replay
(``/outbox/``). A subscription to an undeclared name stops the start-up (``seal``, from ``CoreConfig.ready``).

Handlers are called ``handler(payload)`` or, when they take it, ``handler(payload, event_id=UUID)``; they run inside
the delivery's transaction (a savepoint) and must be idempotent: a delivery can be attempted again after a crash.
See docs/adr/0016-transactional-outbox.md.
"""

from __future__ import annotations

import inspect
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)


class UndeclaredEvent(ImproperlyConfigured):
    """An event name that no domain declared (a typo, or a declaration forgotten)."""


class EventPayloadError(ValueError):
    """A payload that does not match its event's declared keys."""


@dataclass(frozen=True)
class EventType:
    """One entry of the catalogue: the event's ``name``, the app that ``publisher``s it, the payload's required
    ``keys`` and ``optional`` keys (nothing else is allowed), and ``aggregate`` = (type, payload key) naming what it
    is about, e.g. ``("workorders.case", "case_id")`` → ``"workorders.case:123"``: the events of one aggregate
    reach each subscriber in the order they were published."""

    name: str
    publisher: str
    keys: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aggregate: tuple[str, str] | None = None
    doc: str = ""

    def check(self, payload) -> None:
        if not isinstance(payload, dict):
            raise EventPayloadError(f"{self.name}: the payload must be a dict, not {type(payload).__name__}")
        missing = [k for k in self.keys if k not in payload]
        unknown = sorted(set(payload) - set(self.keys) - set(self.optional))
        if missing or unknown:
            raise EventPayloadError(f"{self.name}: missing keys {missing}, undeclared keys {unknown}")

    def aggregate_of(self, payload: dict) -> str:
        if self.aggregate is None:
            return ""
        kind, key = self.aggregate
        value = payload.get(key)
        return "" if value in (None, "") else f"{kind}:{value}"

    @property
    def subscribers(self) -> list[str]:
        return list(_subscribers.get(self.name, {}))


_catalogue: dict[str, EventType] = {}
# event name → subscriber name → handler (insertion order is the order of the eager attempt)
_subscribers: dict[str, dict[str, Callable]] = defaultdict(dict)
_takes_event_id: dict[tuple[str, str], bool] = {}  # (event, subscriber) → handler(payload, event_id=…)?
_sealed = False


def declare(
    name: str,
    *,
    publisher: str,
    keys: Iterable[str],
    optional: Iterable[str] = (),
    aggregate: tuple[str, str] | None = None,
    doc: str = "",
) -> EventType:
    """Declare an event type (once; declaring the same again is harmless, declaring it differently is an error)."""
    event = EventType(name, publisher, tuple(keys), tuple(optional), aggregate, doc)
    if aggregate is not None and aggregate[1] not in event.keys + event.optional:
        raise ImproperlyConfigured(f"{name}: the aggregate key {aggregate[1]!r} is not a payload key")
    known = _catalogue.get(name)
    if known is not None and known != event:
        raise ImproperlyConfigured(f"event {name!r} is declared twice, differently")
    _catalogue[name] = event
    return event


def catalogue() -> dict[str, EventType]:
    """Every declared event type, by name."""
    return dict(sorted(_catalogue.items()))


def event_type(name: str) -> EventType:
    try:
        return _catalogue[name]
    except KeyError:
        raise UndeclaredEvent(
            f"event {name!r} is not declared (events.declare in the publisher's registrations)"
        ) from None


def subscriber_name(handler: Callable) -> str:
    module = getattr(handler, "__module__", None) or type(getattr(handler, "__self__", handler)).__module__
    return f"{module}.{getattr(handler, '__qualname__', repr(handler))}"


def subscribe(event: str, handler: Callable, *, name: str | None = None) -> str:
    """Deliver ``event`` to ``handler`` from now on; returns the subscriber's name (kept on its delivery rows).

    The name is the handler's dotted path unless given; the worker finds the handler by it, so a module-level
    function in a ``registrations``-loaded module is what a production subscriber should be. Before start-up ends
    the event may be declared later (``seal`` checks); afterwards it must be declared already."""
    if _sealed:
        event_type(event)
    handlers = _subscribers[event]
    for key, known in handlers.items():
        if known == handler:
            return key
    key = name or subscriber_name(handler)
    if key in handlers:  # another object with the same dotted name (e.g. a test's list.append): keep both
        key = f"{key}#{id(handler):x}"
    handlers[key] = handler
    _takes_event_id[(event, key)] = _accepts_event_id(handler)
    return key


def unsubscribe(event: str, handler: Callable) -> None:
    handlers = _subscribers.get(event, {})
    for key in [k for k, h in handlers.items() if h == handler]:
        del handlers[key]
        _takes_event_id.pop((event, key), None)


def _accepts_event_id(handler: Callable) -> bool:
    try:
        params = inspect.signature(handler).parameters
    except (TypeError, ValueError):
        return False
    return "event_id" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def deliver_to(event: str, subscriber: str, payload: dict, event_id) -> None:
    """Run one subscriber on one event, the way its handler is written: ``handler(payload)`` or
    ``handler(payload, event_id=…)``. LookupError when this process has no such subscriber."""
    handler = _subscribers.get(event, {}).get(subscriber)
    if handler is None:
        raise LookupError(f"no subscriber {subscriber!r} to {event!r} in this process")
    if _takes_event_id.get((event, subscriber)):
        handler(payload, event_id=event_id)
    else:
        handler(payload)


def publish(name: str, payload: dict, *, aggregate: str | None = None):
    """Record ``name`` with ``payload`` in the outbox, in the current transaction; delivered after it commits.

    ``aggregate`` (e.g. ``"workorders.case:123"``) defaults to the one the catalogue derives from the payload."""
    event = event_type(name)
    event.check(payload)
    from .outbox import write

    return write(name, payload, aggregate if aggregate is not None else event.aggregate_of(payload), event.subscribers)


def seal() -> None:
    """End of start-up (``CoreConfig.ready``): every subscription names a declared event, every publisher is an
    installed app; from now on ``subscribe`` checks at once."""
    global _sealed
    from django.apps import apps

    problems = [f"subscription to undeclared event {name!r}" for name in _subscribers if name not in _catalogue]
    problems += [
        f"event {e.name!r} is published by {e.publisher!r}, which is not an installed app"
        for e in _catalogue.values()
        if e.publisher not in {a.label for a in apps.get_app_configs()}
    ]
    if problems:
        raise UndeclaredEvent("; ".join(sorted(problems)))
    _sealed = True
