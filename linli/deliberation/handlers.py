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


def on_decision_published(payload: dict, event_id=None) -> None:
    """``votes.decision.published``: the owners' decision a matter was put to has its result — the matter is
    decided by the vote."""
    from linli.votes.models import Decision

    from .models import Matter, MatterState

    decision_id = payload.get("decision_id")
    if not decision_id or not Matter.objects.filter(decision_id=decision_id, state=MatterState.VOTING).exists():
        return
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        return
    from . import services

    with acting_as("task"):
        services.matter_decided_by_vote(decision=decision)
