"""Event subscribers: points credited for what other domains confirm.

Each is idempotent by its source (the ledger's unique (account, reason, source) constraint, checked under the
account's lock): a redelivered event — a retry after a crash, a replayed dead letter — or a second event about the
same source credits nothing more. That is stronger than deduplicating by the event id, which handlers receive too."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.apps import apps

from linli.core.context import acting_as

from . import services
from .models import EarningRule, Reason

log = logging.getLogger(__name__)


def on_hours_confirmed(payload: dict, event_id=None) -> None:
    """volunteering.hours.confirmed: 1 hour = 1 point by default, at most 2 hours credited per activity."""
    Resident = apps.get_model("registry", "Resident")
    resident = Resident.objects.filter(pk=payload.get("resident_id")).first()
    if resident is None:
        log.warning("hours confirmed for unknown resident %s (event %s)", payload.get("resident_id"), event_id)
        return
    with acting_as("task"):
        services.credit_by_rule(
            rule_code=EarningRule.VOLUNTEER_HOURS,
            resident=resident,
            units=Decimal(str(payload.get("hours") or "0")),
            reason=Reason.VOLUNTEER_HOURS,
            source_type="volunteering.record",
            source_id=payload.get("record_id"),
        )


def on_wish_confirmed(payload: dict, event_id=None) -> None:
    """wishes.wish.confirmed: each person who fulfilled it earns the rule's points times their share."""
    Resident = apps.get_model("registry", "Resident")
    with acting_as("task"):
        for claimer in payload.get("claimers", []):
            resident = (
                Resident.objects.filter(pk=claimer.get("resident_id")).first() if claimer.get("resident_id") else None
            )
            if resident is None:
                continue
            share = Decimal(str(claimer.get("share") or "100")) / Decimal(100)
            services.credit_by_rule(
                rule_code=EarningRule.WISH_FULFILLED,
                resident=resident,
                units=share,
                reason=Reason.WISH_FULFILLED,
                source_type="wishes.claim",
                source_id=claimer.get("claim_id"),
            )


def on_case_closed(payload: dict, event_id=None) -> None:
    """workorders.case.evaluate: the reporter's final verdict closes a handled case (办结 confirmed on the return
    visit). A reopening verdict publishes ``workorders.case.reopen`` instead, so each case is credited once, when
    it is really closed, whatever the verdict (points must not buy a "satisfied"). Withdrawn and merged cases never
    get here. The reporter is the case's resident, or the resident linked to the reporting login unless the report
    was anonymous."""
    try:
        Case = apps.get_model("workorders", "Case")
    except LookupError:
        return
    case = (
        Case.objects.filter(pk=payload.get("case_id"), state__in=("evaluated", "archived"))
        .select_related("reporter_resident")
        .first()
    )
    if case is None:
        return
    resident = case.reporter_resident
    if resident is None and case.reporter_id and getattr(case, "confidentiality", "") != "anonymous":
        Resident = apps.get_model("registry", "Resident")
        resident = Resident.objects.filter(account_id=case.reporter_id).first()
    if resident is None:
        return
    with acting_as("task"):
        services.credit_by_rule(
            rule_code=EarningRule.REPORT_CONFIRMED,
            resident=resident,
            units=1,
            reason=Reason.REPORT_CONFIRMED,
            source_type="workorders.case",
            source_id=case.pk,
        )
