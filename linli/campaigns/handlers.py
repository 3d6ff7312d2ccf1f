"""Event subscribers (registered in ``registrations.py``); quick and idempotent — a redelivered event finds the
finding rectified already and changes nothing."""

from __future__ import annotations

from linli.core.context import acting_as


def on_case_archived(payload: dict, event_id=None) -> None:
    """``workorders.case.archive``: a work order made from a finding was archived (归档) — the finding is rectified."""
    from . import services
    from .models import Finding

    case_id = payload.get("case_id")
    if not case_id or not Finding.objects.filter(case_id=case_id, rectified_on__isnull=True).exists():
        return
    with acting_as("task"):
        services.finding_rectified_by_case(case_id=case_id)
