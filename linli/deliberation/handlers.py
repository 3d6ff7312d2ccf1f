"""Event subscribers (registered in ``registrations.py``): quick and idempotent — a redelivered event (a retry, a
replayed dead letter) finds the matter solved already and changes nothing."""

from __future__ import annotations

from django.apps import apps

from linli.core.context import acting_as


def on_case_archived(payload: dict, event_id=None) -> None:
    """``workorders.case.archive``: a work order a matter was handed to was closed (归档) — the matter is solved."""
    from .models import Matter, MatterState

    case_id = payload.get("case_id")
    if not case_id or not Matter.objects.filter(case_id=case_id, state=MatterState.HANDED).exists():
        return
    Case = apps.get_model("workorders", "Case")
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    from . import services

    with acting_as("task"):
        services.matter_solved_by_case(case=case)
