"""One vote per resident per selection, in the voting window, for an accepted nomination of that selection. The
database constraint ``selections_one_vote_per_resident`` holds under concurrency; the check before it gives the
clear message. The audit row keeps the day only and not the choice (a vote is secret)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core import audit, dates

from ..models import Nomination, NominationState, SelectionState, Vote
from .common import day, lock_selection, voter_of

ALREADY = gettext_lazy("You have already voted in this selection.")


@transaction.atomic
def vote_cast(*, actor, nomination: Nomination) -> Vote:
    selection = lock_selection(nomination.selection)
    resident = voter_of(actor, selection)
    today = dates.today()
    if selection.state != SelectionState.VOTING or not selection.vote_from <= today <= selection.vote_until:
        raise ValidationError(
            {
                "selection": _("Voting is open from %(start)s to %(end)s only.")
                % {"start": day(selection.vote_from), "end": day(selection.vote_until)}
            }
        )
    on_ballot = Nomination.objects.filter(
        pk=nomination.pk, selection=selection, state=NominationState.ACCEPTED
    ).exists()
    if not on_ballot:
        raise ValidationError({"nomination": _("This nominee is not on the ballot of this selection.")})
    if Vote.objects.filter(selection=selection, resident=resident).exists():
        raise ValidationError({"voter": ALREADY})
    vote = Vote(selection=selection, nomination_id=nomination.pk, resident=resident, voter=actor)
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError as exc:  # a second vote at the same moment
        raise ValidationError({"voter": ALREADY}) from exc
    audit.record(
        actor=actor,
        action="vote",
        obj=vote,
        object_repr=str(selection),
        after={"selection": selection.pk},
        day_only=True,
    )
    return vote
