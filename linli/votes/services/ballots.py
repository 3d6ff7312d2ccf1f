"""Ballots, online by the unit's representative or on paper entered by staff, under the policy the notice states:
one ballot per unit across channels; the last online ballot before closing wins; a paper ballot locks the unit.

Concurrency: every ballot locks the decision row (``SELECT … FOR UPDATE``) before it reads the unit's ballot, so
two ballots for one unit, or a ballot and the closing, never interleave; the unique constraint (decision, unit) is
the last guard. Each ballot gets a fresh receipt code, shown once; only its SHA-256 hash is kept and published."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit, dates, uploads
from linli.core.permissions import Action, require_at
from linli.registry.selectors import resident_of

from ..models import Ballot, Channel, Choice, Decision, DecisionState, ElectorateUnit
from .decisions import lock

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def receipt_hash(decision_id: int, code: str) -> str:
    """What is published for a receipt: sha256 of "<decision id>:<code>" (code upper-cased, spaces removed)."""
    normal = "".join(str(code).split()).upper()
    return hashlib.sha256(f"{decision_id}:{normal}".encode()).hexdigest()


def check_choice(choice) -> str:
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Choose agree, disagree or abstain.")})
    return choice


def check_open(decision: Decision) -> None:
    if decision.state != DecisionState.VOTING:
        if decision.state in (DecisionState.DRAFT, DecisionState.NOTICED):
            raise ValidationError({"decision": _("Voting has not opened yet.")})
        raise ValidationError({"decision": _("Voting has closed: no more ballots are taken.")})
    if dates.today() > decision.closes_on:
        raise ValidationError({"decision": _("Voting has closed: no more ballots are taken.")})


def _write(*, actor, decision, unit, choice, channel, voter, scan=None) -> tuple[Ballot, str]:
    code = new_receipt()
    found = Ballot.objects.filter(decision=decision, unit=unit).first()
    if found is not None and found.channel == Channel.PAPER:
        raise ValidationError(
            {"unit": _("Unit %(unit)s has voted on paper; its ballot is locked.") % {"unit": unit.label}}
        )
    before = audit.snapshot(found) if found else None
    ballot = found or Ballot(decision=decision, unit=unit)
    if found is not None:
        ballot.times_replaced += 1
    ballot.choice, ballot.channel, ballot.voter, ballot.entered_by = choice, channel, voter, actor
    ballot.receipt_hash = receipt_hash(decision.pk, code)
    ballot.cast_at = timezone.now()
    if scan is not None:
        ballot.scan, ballot.scan_type = scan.file, scan.content_type
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError as exc:  # the lock above makes this unreachable; the constraint is the last guard
        raise ValidationError({"unit": _("This unit has already voted.")}) from exc
    audit.record(
        actor=actor,
        action="ballot_replace" if found else "ballot_cast",
        obj=ballot,
        scope_path=decision.scope_path,
        before=before,
        after=audit.snapshot(ballot),
    )
    return ballot, code


@transaction.atomic
def ballot_cast_online(*, actor, decision: Decision, choice, unit_ids=None) -> list[tuple[Ballot, str]]:
    """The owner votes for every unit they represent (or the ones in ``unit_ids``): one tap, one choice. Returns
    (ballot, receipt code) per unit. Non-owners, a closed vote, paper-locked units and bad choices are refused
    before anything is written."""
    check_choice(choice)
    voter = resident_of(actor)
    decision = lock(decision)
    check_open(decision)
    units = list(ElectorateUnit.objects.filter(decision=decision, representative=voter) if voter else [])
    if not units:
        raise PermissionDenied(_("You are not the owner (or the owners' representative) of a unit in this vote."))
    if unit_ids is not None:
        wanted = {int(u) for u in unit_ids}
        units = [u for u in units if u.pk in wanted]
        if not units or len(units) != len(wanted):
            raise PermissionDenied(_("You are not the owner (or the owners' representative) of a unit in this vote."))
    locked = set(
        Ballot.objects.filter(decision=decision, unit__in=units, channel=Channel.PAPER).values_list(
            "unit_id", flat=True
        )
    )
    if locked:
        labels = ", ".join(u.label for u in units if u.pk in locked)
        raise ValidationError({"unit": _("Voted on paper, locked: %(units)s.") % {"units": labels}})
    return [
        _write(actor=actor, decision=decision, unit=u, choice=choice, channel=Channel.ONLINE, voter=voter)
        for u in units
    ]


@transaction.atomic
def ballot_enter_paper(*, actor, decision: Decision, unit: ElectorateUnit, choice, scan) -> tuple[Ballot, str]:
    """Staff enter a signed paper ballot with its scan (image or PDF). It replaces an online ballot of the unit and
    locks it; a second paper ballot for the unit is refused."""
    require_at(actor, Action.ADD, Ballot, decision.scope_path)
    check_choice(choice)
    if scan is None:
        raise ValidationError({"scan": _("Attach the scan of the signed paper ballot.")})
    clean = uploads.sanitise_all([scan], field="scan", allow_pdf=True)[0]
    decision = lock(decision)
    check_open(decision)
    unit = ElectorateUnit.objects.filter(decision=decision, pk=getattr(unit, "pk", unit)).first()
    if unit is None:
        raise ValidationError({"unit": _("This unit is not in this vote's electorate.")})
    return _write(
        actor=actor,
        decision=decision,
        unit=unit,
        choice=choice,
        channel=Channel.PAPER,
        voter=unit.representative,
        scan=clean,
    )
