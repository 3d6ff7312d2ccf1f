"""A selection's life: create it, open the vote, announce the result (counts, ranks, winners), finalise after 公示.
Each step is declared on the model (django-fsm-2), locked, permission-checked, audited and published."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from linli.areas.models import Place
from linli.core import audit, dates
from linli.core.permissions import Action, require, require_at
from linli.core.services import save_audited

from ..models import Kind, Nomination, NominationState, Selection, Vote
from ..models.selection import PLACE_LEVELS
from .common import check_text, day, lock_selection, publish

MAX_SEATS = 50
MIN_PUBLICITY_DAYS = 3
MAX_PUBLICITY_DAYS = 30


def step(selection: Selection, name: str) -> None:
    method = getattr(selection, name)
    if not can_proceed(method):
        raise ValidationError(
            {
                "state": _("This step is not possible while the selection is “%(state)s”.")
                % {"state": selection.get_state_display()}
            }
        )
    method()


def check_windows(nominate_from, nominate_until, vote_from, vote_until) -> None:
    if None in (nominate_from, nominate_until, vote_from, vote_until):
        raise ValidationError({"nominate_from": _("Give the nomination and voting windows.")})
    if nominate_until < nominate_from:
        raise ValidationError({"nominate_until": _("Nominations cannot close before they open.")})
    if vote_from < nominate_until:
        raise ValidationError({"vote_from": _("Voting opens after nominations close.")})
    if vote_until < vote_from:
        raise ValidationError({"vote_until": _("Voting cannot close before it opens.")})


@transaction.atomic
def selection_create(
    *,
    actor,
    place: Place,
    kind: str,
    title: str,
    period: str,
    rules: str,
    nominate_from: dt.date,
    nominate_until: dt.date,
    vote_from: dt.date,
    vote_until: dt.date,
    seats: int = 3,
    publicity_days: int = 7,
) -> Selection:
    if place is None or place.level not in PLACE_LEVELS or not place.is_active:
        raise ValidationError({"place": _("A selection is held by a community or a compound: choose one.")})
    require_at(actor, Action.ADD, Selection, place.path)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a kind of selection.")})
    if not 1 <= int(seats) <= MAX_SEATS:
        raise ValidationError({"seats": _("Between 1 and %(n)s winners.") % {"n": MAX_SEATS}})
    if not MIN_PUBLICITY_DAYS <= int(publicity_days) <= MAX_PUBLICITY_DAYS:
        raise ValidationError(
            {
                "publicity_days": _("The public notice lasts %(low)s to %(high)s days.")
                % {"low": MIN_PUBLICITY_DAYS, "high": MAX_PUBLICITY_DAYS}
            }
        )
    check_windows(nominate_from, nominate_until, vote_from, vote_until)
    if vote_until < dates.today():
        raise ValidationError({"vote_until": _("This date is in the past.")})
    selection = Selection(
        place=place,
        scope_path=place.path,
        kind=kind,
        title=check_text(title, "title", limit=100),
        period=check_text(period, "period", limit=20),
        rules=check_text(rules, "rules", limit=4000),
        seats=int(seats),
        publicity_days=int(publicity_days),
        nominate_from=nominate_from,
        nominate_until=nominate_until,
        vote_from=vote_from,
        vote_until=vote_until,
        created_by=actor,
    )
    save_audited(actor=actor, obj=selection, action="create", exclude_from_validation=("place", "state", "created_by"))
    publish("selections.selection.created", selection, kind=kind)
    return selection


@transaction.atomic
def selection_open_vote(*, actor, selection: Selection) -> Selection:
    """Close the nominations and put the accepted ones on the ballot: every nomination reviewed, one at least."""
    selection = lock_selection(selection)
    require(actor, Action.CHANGE, selection)
    states = dict(
        Nomination.objects.filter(selection=selection).values_list("state").annotate(n=Count("pk")).order_by()
    )
    if states.get(NominationState.PENDING):
        raise ValidationError(
            {"state": _("%(n)s nominations are still waiting for review.") % {"n": states[NominationState.PENDING]}}
        )
    if not states.get(NominationState.ACCEPTED):
        raise ValidationError({"state": _("Accept at least one nomination before the vote.")})
    if selection.vote_until < dates.today():
        raise ValidationError({"vote_until": _("The voting window is over: this selection can no longer vote.")})
    before = audit.snapshot(selection)
    step(selection, "open_vote")
    save_audited(actor=actor, obj=selection, action="selection_open_vote", before=before, validate=False)
    publish("selections.selection.voting", selection)
    return selection


def rank_nominations(nominations: list[Nomination], seats: int) -> list[Nomination]:
    """Standard competition ranking by votes (1, 2, 2, 4); winners are those ranked within ``seats`` with at least
    one vote — a tie on the last seat makes every tied nominee a winner (stated in the rules page)."""
    ordered = sorted(nominations, key=lambda n: (-n.votes, n.pk))
    for i, n in enumerate(ordered):
        n.rank = ordered[i - 1].rank if i and ordered[i - 1].votes == n.votes else i + 1
        n.is_winner = n.votes > 0 and n.rank <= seats
    return ordered


@transaction.atomic
def selection_announce(*, actor, selection: Selection) -> Selection:
    """After the voting window: count, rank, mark the winners and start the public notice (公示)."""
    selection = lock_selection(selection)
    require(actor, Action.CHANGE, selection)
    today = dates.today()
    if selection.state == "voting" and today <= selection.vote_until:
        raise ValidationError(
            {"state": _("Voting is open until %(day)s: announce after it closes.") % {"day": day(selection.vote_until)}}
        )
    before = audit.snapshot(selection)
    step(selection, "announce")
    # the selection row is locked: no vote, review or step can run beside this count
    counts = dict(
        Vote.objects.filter(selection=selection).values_list("nomination_id").annotate(n=Count("pk")).order_by()
    )
    accepted = list(Nomination.objects.filter(selection=selection, state=NominationState.ACCEPTED))
    for n in accepted:
        n.votes = counts.get(n.pk, 0)
    ranked = rank_nominations(accepted, selection.seats)
    Nomination.objects.bulk_update(ranked, ["votes", "rank", "is_winner"])
    selection.announced_on = today
    selection.publicity_until = today + dt.timedelta(days=selection.publicity_days)
    winners = [n.name for n in ranked if n.is_winner]
    save_audited(
        actor=actor,
        obj=selection,
        action="selection_announce",
        before=before,
        validate=False,
        note=_("winners: %(names)s") % {"names": "、".join(winners) or "—"},
    )
    publish("selections.selection.announced", selection, winners=len(winners))
    return selection


@transaction.atomic
def selection_finalise(*, actor, selection: Selection) -> Selection:
    selection = lock_selection(selection)
    require(actor, Action.CHANGE, selection)
    if selection.publicity_until and dates.today() <= selection.publicity_until:
        raise ValidationError(
            {
                "state": _("The public notice runs until %(day)s: finalise after it ends.")
                % {"day": day(selection.publicity_until)}
            }
        )
    before = audit.snapshot(selection)
    step(selection, "finalise")
    selection.finalised_on = dates.today()
    save_audited(actor=actor, obj=selection, action="selection_finalise", before=before, validate=False)
    publish("selections.selection.final", selection)
    return selection
