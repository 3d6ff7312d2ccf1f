"""Event subscribers (registered in ``registrations.py``): idempotent — a redelivered event finds the alarm cleared
already and changes nothing."""

from __future__ import annotations

from django.apps import apps

from linli.core.context import acting_as


def on_case_archived(payload: dict, event_id=None) -> None:
    """``workorders.case.archive``: a work order an alarm opened was closed (归档) — the alarm is cleared."""
    from .models import ACTIVE, Alarm

    case_id = payload.get("case_id")
    if not case_id or not Alarm.objects.filter(case_id=case_id, state__in=ACTIVE).exists():
        return
    case = apps.get_model("workorders", "Case").objects.filter(pk=case_id).first()
    if case is None:
        return
    from . import services

    with acting_as("task"):
        services.alarms_clear_for_case(case=case)
