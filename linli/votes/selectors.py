"""Reads of owners' decisions for pages, API and exports: always through the permission chokepoint.

What is public to a compound's owners once a decision is published (公示): the tally, the list of (receipt hash,
choice, unit area) and the electorate's unit numbers and areas — never a name."""

from __future__ import annotations

from django.db.models import Count, Q

from linli.areas.models import Place
from linli.core.paths import subtree_q
from linli.core.permissions import Action, restrict
from linli.registry.selectors import resident_of

from . import verify
from .models import SETTLED_STATES, Ballot, Decision, DecisionState, ElectorateUnit


def decisions(user, *, action=Action.VIEW, under: Place | None = None, state: str = "", q: str = ""):
    qs = restrict(Decision.objects.all(), user, action).select_related("compound")
    if under is not None:
        qs = qs.filter(subtree_q("scope_path", under.path))
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(compound__name__icontains=q))
    return qs.annotate(ballot_count=Count("ballots")).order_by("-created_at", "-pk")


def public_decisions(user, compound: Place):
    """The 公告 of a compound: every decision past the draft, newest first."""
    return decisions(user, under=compound).filter(compound=compound).exclude(state=DecisionState.DRAFT)


def units(decision: Decision):
    return ElectorateUnit.objects.filter(decision=decision).order_by("label", "pk")


def published_list(decision: Decision):
    """(receipt hash, choice, unit area) of every ballot, ordered by hash; only once the result is published."""
    if decision.state not in SETTLED_STATES:
        return Ballot.objects.none()
    return (
        Ballot.objects.filter(decision=decision)
        .order_by("receipt_hash")
        .values_list("receipt_hash", "choice", "unit__area_centi")
    )


def find_receipt(decision: Decision, code: str):
    """A published ballot by the receipt code its voter kept (matched by hash), or None."""
    from .services import receipt_hash

    if decision.state not in SETTLED_STATES or not code:
        return None
    return Ballot.objects.filter(decision=decision, receipt_hash=receipt_hash(decision.pk, code)).first()


def my_units(user, decision: Decision):
    """The units ``user`` votes for in ``decision`` (as an owner or the co-owners' representative), with ballots."""
    voter = resident_of(user)
    if voter is None:
        return []
    found = list(units(decision).filter(representative=voter))
    ballots = {b.unit_id: b for b in Ballot.objects.filter(decision=decision, unit__in=found)}
    for unit in found:
        unit.ballot = ballots.get(unit.pk)
    return found


def open_for(user):
    """Decisions open for voting where ``user`` represents a unit (the resident's phone list)."""
    voter = resident_of(user)
    if voter is None:
        return Decision.objects.none()
    return (
        Decision.objects.filter(state=DecisionState.VOTING, units__representative=voter)
        .distinct()
        .select_related("compound")
        .order_by("closes_on", "pk")
    )


def verification_data(decision: Decision) -> dict:
    """The verification file (docs/domains/votes.md): the frozen electorate, every ballot and the published tally."""
    electorate = list(
        ElectorateUnit.objects.filter(decision=decision)
        .order_by("label", "pk")
        .values_list("pk", "house__code", "label", "area_centi", "area_source", "holder")
    )
    code_of = {pk: code for pk, code, *_rest in electorate}
    ballots = (
        Ballot.objects.filter(decision=decision)
        .order_by("receipt_hash")
        .values_list("unit_id", "choice", "receipt_hash", "channel")
    )
    return {
        "format": verify.FORMAT,
        "decision": {
            "id": decision.pk,
            "compound_code": decision.compound.code,
            "compound_name": decision.compound.name,
            "title": decision.title,
            "matter_type": decision.matter_type,
            "major": decision.is_major,
            "state": decision.state,
            "opens_on": decision.opens_on.isoformat() if decision.opens_on else None,
            "closes_on": decision.closes_on.isoformat() if decision.closes_on else None,
            "published_on": decision.published_on.isoformat() if decision.published_on else None,
            "total_units": decision.total_units,
            "total_area_centi": decision.total_area_centi,
            "total_heads": decision.total_heads,
        },
        "electorate": [
            {"unit": code, "label": label, "area_centi": area, "area_source": source, "holder": holder}
            for _pk, code, label, area, source, holder in electorate
        ],
        "ballots": [
            {"unit": code_of[unit_id], "choice": choice, "receipt_hash": rhash, "channel": channel}
            for unit_id, choice, rhash, channel in ballots
        ],
        "tally": decision.result if decision.state in SETTLED_STATES else None,
    }
