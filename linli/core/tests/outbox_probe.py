"""A probe subscriber for the outbox tests, imported by them and by the worker subprocess they start.

Each delivery writes one audit row (action ``outbox_probe``, object id = the event id) in the delivery's transaction,
so "delivered exactly once" is a count of committed rows; ``fail`` makes the next deliveries of an event number raise
after that write (which the savepoint then rolls back). ``LINLI_PROBE_LOG`` (a file) gets one line per call, outside
any transaction; ``LINLI_PROBE_SLEEP`` slows each call down (seconds).
"""

from __future__ import annotations

import os
import time

from linli.core import audit, events

EVENT = "core.probe.happened"
events.declare(EVENT, publisher="core", keys=("n", "key"), aggregate=("core.probe", "key"))

fail: dict[int, int] = {}  # event number → how many more deliveries of it raise
delivered: list[int] = []  # event numbers, in the order their deliveries succeeded (this process)
event_ids: list[str] = []


def record(payload: dict, event_id) -> None:
    n = payload["n"]
    if log := os.environ.get("LINLI_PROBE_LOG"):
        with open(log, "a") as fh:
            fh.write(f"{n}\n")
    audit.record(
        actor=None, action="outbox_probe", object_type="core.outboxevent", object_id=str(event_id), note=str(n)
    )
    if fail.get(n, 0) > 0:
        fail[n] -= 1
        raise RuntimeError(f"probe failure for event {n}")
    time.sleep(float(os.environ.get("LINLI_PROBE_SLEEP", "0")))
    delivered.append(n)
    event_ids.append(str(event_id))


SUBSCRIBER = events.subscribe(EVENT, record)


def reset() -> None:
    fail.clear()
    delivered.clear()
    event_ids.clear()
