"""The transactional outbox: writing events, delivering them, retrying, dead letters and replay (ADR 0016).

* ``write`` (called by ``events.publish``) inserts the event and one delivery row per subscriber in the caller's
  transaction, and queues an eager attempt for after the commit.
* ``deliver_batch`` claims due deliveries — pending, due, and not behind a pending earlier event of the same
  aggregate for the same subscriber — with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite has one
  writer and takes no row locks), runs the handlers inside the batch's transaction (``_attempt``: one savepoint,
  rolled back and split around a failing handler), then marks the successes done with one UPDATE and the failures
  for a retry (exponential back-off) or dead. A worker killed
  mid-batch rolls the whole batch back, handlers' writes included: nothing is lost, nothing is done twice.
* ``run`` is the worker loop (``manage.py outbox_worker``, or the task ``linli.core.tasks.drain_outbox``).
* ``replay`` puts dead (or failing) deliveries back in the queue, audited.
"""

from __future__ import annotations

import logging
import time
import traceback
import uuid
from datetime import timedelta
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, events
from .models import DeliveryStatus, EventDelivery, OutboxEvent
from .permissions import Action, may_any

log = logging.getLogger(__name__)

PENDING, DONE, DEAD = DeliveryStatus.PENDING, DeliveryStatus.DONE, DeliveryStatus.DEAD


def max_attempts() -> int:
    return getattr(settings, "LINLI_OUTBOX_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> timedelta:
    """The wait before attempt ``attempts + 1``: base · 2^(attempts − 1), at most an hour (10 s, 20 s, 40 s …)."""
    base = getattr(settings, "LINLI_OUTBOX_BACKOFF_SECONDS", 10)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


# --- writing -------------------------------------------------------------------------------------------------


def write(name: str, payload: dict, aggregate: str, subscribers: list[str]) -> OutboxEvent:
    event = OutboxEvent.objects.create(name=name, payload=payload, aggregate=aggregate)
    if subscribers:
        rows = EventDelivery.objects.bulk_create(
            [EventDelivery(event=event, subscriber=s, aggregate=aggregate) for s in subscribers]
        )
        if getattr(settings, "LINLI_OUTBOX_EAGER", True):
            transaction.on_commit(partial(deliver_now, [r.pk for r in rows]), robust=True)
    return event


def deliver_now(ids: list[int]) -> int:
    """The eager attempt after the publisher's commit: deliver these rows now, in order, as far as they are due.
    What fails (or waits behind an earlier event of its aggregate) is left to the worker."""
    done = 0
    try:
        while n := deliver_batch(limit=len(ids), ids=ids):
            done += n
    except Exception:  # the write is committed; the worker will deliver what this attempt could not
        log.exception("eager event delivery failed; left to the outbox worker")
    return done


# --- delivering ----------------------------------------------------------------------------------------------


def due(now, ids=None):
    """Deliveries the worker may take now: pending and due, with no pending earlier event of the same aggregate
    for the same subscriber (a dead one does not hold the aggregate up), oldest event first."""
    earlier = EventDelivery.objects.filter(
        status=PENDING,
        subscriber=OuterRef("subscriber"),
        aggregate=OuterRef("aggregate"),
        event_id__lt=OuterRef("event_id"),
    )
    qs = EventDelivery.objects.filter(status=PENDING, next_attempt_at__lte=now)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.filter(Q(aggregate="") | ~Exists(earlier)).order_by("event_id", "pk")


def heads(now, limit: int) -> list[int]:
    """The worker's choice, without a subquery per row: read the oldest pending deliveries in event order (a plain
    read, which sees rows other workers hold locked) and keep each (subscriber, aggregate)'s first one when it is
    due. Every pending delivery older than one read is read too, so "first in what was read" is "first of all";
    when a window yields too few, the next one continues after it, remembering the aggregates already seen.
    The same rule as ``due`` — which answers for a few given ids (the eager attempt) — at a fraction of its cost
    on a long queue, where ``due``'s per-row check walks the index entries of every delivery just marked done."""
    chosen: list[int] = []
    seen: set[tuple[str, str]] = set()
    after = Q()
    window = max(2 * limit, 200)
    for _window_no in range(50):  # at most 50 windows: a long queue held in back-off is not read whole each batch
        if len(chosen) >= limit:
            break
        rows = list(
            EventDelivery.objects.filter(after, status=PENDING)
            .order_by("event_id", "pk")
            .values_list("pk", "event_id", "subscriber", "aggregate", "next_attempt_at")[:window]
        )
        for pk, _event, subscriber, aggregate, next_attempt_at in rows:
            if aggregate:
                if (subscriber, aggregate) in seen:
                    continue
                seen.add((subscriber, aggregate))
            if next_attempt_at <= now:
                chosen.append(pk)
                if len(chosen) == limit:
                    break
        if len(rows) < window:
            break
        last_pk, last_event = rows[-1][0], rows[-1][1]
        after = Q(event_id__gt=last_event) | Q(event_id=last_event, pk__gt=last_pk)
    return chosen


def _error_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))[-4000:]


class Claimed(NamedTuple):
    pk: int
    attempts: int
    subscriber: str
    event__name: str
    event__payload: dict
    event__uuid: uuid.UUID


def _mark_done(ids: list[int], now) -> None:
    """One UPDATE for the batch's successes (on PostgreSQL with the ids as one array parameter, not one each)."""
    if connection.vendor != "postgresql":
        EventDelivery.objects.filter(pk__in=ids).update(
            status=DONE, attempts=F("attempts") + 1, delivered_at=now, last_error=""
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_eventdelivery SET status = %s, attempts = attempts + 1, delivered_at = %s, last_error = '' "
            "WHERE id = ANY(%s)",
            [DONE, now, ids],
        )


def _attempt(rows) -> tuple[list[int], list]:
    """Run the handlers of ``rows`` in order under one savepoint (a savepoint per delivery would cost two round
    trips each, a third of the worker's time). When one raises, the savepoint is rolled back: that delivery has
    failed this attempt, the ones before it (their writes just undone) run again the same way, and the rest go on
    under a new savepoint. So a handler's writes commit exactly once, with its delivery marked done; a handler may
    run again within a batch in which a later one failed — idempotent handlers do not mind."""
    done, failed = [], []
    queue = list(rows)
    while queue:
        sid = transaction.savepoint()
        for i, row in enumerate(queue):
            try:
                events.deliver_to(row.event__name, row.subscriber, row.event__payload, row.event__uuid)
            except Exception as exc:  # recorded for a retry; the other deliveries go on
                transaction.savepoint_rollback(sid)
                failed.append((row, exc))
                again, again_failed = _attempt(queue[:i])
                done += again
                failed += again_failed
                queue = queue[i + 1 :]
                break
        else:
            transaction.savepoint_commit(sid)
            done += [row.pk for row in queue]
            queue = []
    return done, failed


def deliver_batch(*, limit: int = 500, ids=None, now=None) -> int:
    """Claim up to ``limit`` due deliveries and attempt each; returns how many were attempted."""
    now = now or timezone.now()
    with transaction.atomic():
        if ids is None:
            # Claimed again under lock: a row another worker holds is skipped, one it finished is no longer pending.
            qs = EventDelivery.objects.filter(pk__in=heads(now, limit), status=PENDING).order_by("event_id", "pk")
        else:
            qs = due(now, ids)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = [Claimed(*values) for values in qs.values_list(*Claimed._fields)[:limit]]
        if not rows:
            return 0
        done, failed = _attempt(rows)
        if done:
            _mark_done(done, now)
        for row, exc in failed:
            attempts = row.attempts + 1
            dead = attempts >= max_attempts()
            (log.error if dead else log.warning)(
                "event %s (%s) to %s failed, attempt %s%s: %s",
                row.event__uuid,
                row.event__name,
                row.subscriber,
                attempts,
                " — dead letter" if dead else "",
                exc,
            )
            EventDelivery.objects.filter(pk=row.pk).update(
                status=DEAD if dead else PENDING,
                attempts=attempts,
                next_attempt_at=now + backoff(attempts),
                last_error=_error_text(exc),
            )
    return len(rows)


def run(*, batch: int = 500, once: bool = False, idle: float = 1.0, should_stop=lambda: False) -> int:
    """The worker loop: deliver batches while any are due; then exit (``once``) or sleep ``idle`` seconds."""
    total = 0
    while not should_stop():
        n = deliver_batch(limit=batch)
        total += n
        if n:
            continue
        if once:
            break
        time.sleep(idle)
    return total


# --- dead letters: reading, replaying, purging ------------------------------------------------------------------


def counts() -> dict[str, int]:
    """Deliveries waiting (pending) and dead letters — the figures on the administrator's workbench."""
    qs = EventDelivery.objects.filter(status__in=(PENDING, DEAD)).values_list("status").annotate(n=Count("pk"))
    found = dict(qs.order_by())
    return {PENDING: found.get(PENDING, 0), DEAD: found.get(DEAD, 0)}


@transaction.atomic
def replay(*, actor, deliveries) -> int:
    """Put dead (or failing) deliveries back in the queue now, attempts reset; each one audited. The eager
    attempt follows the commit, so a cause that has been fixed shows as delivered at once."""
    if not may_any(actor, EventDelivery, Action.CHANGE):
        raise PermissionDenied(_("Only administrators may replay events."))
    rows = list(
        EventDelivery.objects.select_for_update()
        .filter(pk__in=[getattr(d, "pk", d) for d in deliveries])
        .filter(Q(status=DEAD) | Q(status=PENDING, attempts__gt=0))
        .select_related("event")
    )
    now = timezone.now()
    for row in rows:
        before = {"status": row.status, "attempts": row.attempts}
        EventDelivery.objects.filter(pk=row.pk).update(status=PENDING, attempts=0, next_attempt_at=now)
        audit.record(
            actor=actor,
            action="outbox_replay",
            object_type="core.eventdelivery",
            object_id=str(row.pk),
            object_repr=f"{row.event.name} → {row.subscriber}"[:200],
            scope_path="",
            before=before,
            after={"status": PENDING, "attempts": 0},
            note=f"event {row.event.uuid}",
        )
    if rows and getattr(settings, "LINLI_OUTBOX_EAGER", True):
        transaction.on_commit(partial(deliver_now, [r.pk for r in rows]), robust=True)
    return len(rows)


def purge_delivered(*, days: int | None = None) -> int:
    """Delete events older than ``days`` (``LINLI_OUTBOX_KEEP_DAYS``, 30) that nothing waits for: every delivery
    done (or none at all). Pending and dead letters stay until delivered or replayed."""
    days = days if days is not None else getattr(settings, "LINLI_OUTBOX_KEEP_DAYS", 30)
    cutoff = timezone.now() - timedelta(days=days)
    waiting = EventDelivery.objects.filter(event_id=OuterRef("pk")).exclude(status=DONE)
    old = OutboxEvent.objects.filter(created_at__lt=cutoff).exclude(Exists(waiting))
    EventDelivery.objects.filter(event__in=old).delete()
    removed, _by_model = old.delete()
    return removed
