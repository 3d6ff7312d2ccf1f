"""Event subscribers: quick and idempotent (a redelivered event finds the row made or decided and does nothing)."""

from __future__ import annotations

from linli.core.context import acting_as


def on_case_dispatched(payload: dict, event_id=None) -> None:
    """``workorders.case.dispatch``: what the dispatcher chose decides a pending suggestion (accepted/overridden)."""
    from .services import record_dispatch

    if payload.get("case_id"):
        with acting_as("task"):
            record_dispatch(case_id=payload["case_id"])
