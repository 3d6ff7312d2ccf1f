"""Event subscribers (registered in ``registrations.py``); each one quick and idempotent — a redelivered event (a
retry, a replayed dead letter) finds the problem solved or the claims released already and changes nothing."""

from __future__ import annotations

import logging

from django.apps import apps

from linli.core.context import acting_as

log = logging.getLogger(__name__)


def on_case_archived(payload: dict, event_id=None) -> None:
    """``workorders.case.archive``: a work order made from a problem-list item was closed (归档) — the item is
    solved (see ``services.problem_solved_by_case`` for the verdict rule)."""
    try:
        Case = apps.get_model("workorders", "Case")
    except LookupError:
        return
    from . import services
    from .models import Problem

    case_id = payload.get("case_id")
    if not case_id or not Problem.objects.filter(case_id=case_id).exists():
        return
    case = Case.objects.filter(pk=case_id).select_related("verdict").first()
    if case is None:
        return
    with acting_as("task"):
        services.problem_solved_by_case(case=case)


def on_inservice_ended(payload: dict, event_id=None) -> None:
    """``party.inservice.ended``: the member's project claims are released with their posts."""
    from . import services

    with acting_as("task"):
        services.release_member_claims(member_id=payload["id"])
