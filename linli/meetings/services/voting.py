"""Check-in and votes (open or secret)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.templatetags.linli_dates import short_when

from ..models import (
    AgendaItem,
    Choice,
    Invitee,
    Meeting,
    State,
    Vote,
    quorum_met,
)
from .results import attendance, is_branch, quorum_message, voters_of

# -- check-in and votes ------------------------------------------------------------------------------------


def _own_invitation(actor, meeting: Meeting) -> Invitee:
    invitee = Invitee.objects.select_for_update().filter(meeting=meeting, user_id=getattr(actor, "pk", None)).first()
    if invitee is None:
        raise ValidationError({"invitee": _("Only invitees take part in this meeting.")})
    return invitee


@transaction.atomic
def check_in(*, actor, meeting: Meeting, now=None) -> Invitee:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    invitee = _own_invitation(actor, meeting)
    now = now or timezone.now()
    if meeting.state not in (State.SCHEDULED, State.OPEN):
        raise ValidationError(
            {
                "state": _("Check-in is not possible while the meeting is “%(state)s”.")
                % {"state": meeting.get_state_display()}
            }
        )
    if not meeting.in_window(now):
        raise ValidationError(
            {
                "checked_in_at": _("Check-in is open only during the meeting (%(start)s–%(end)s).")
                % {
                    "start": short_when(meeting.starts_at),  # with the year when it is not this year's
                    "end": timezone.localtime(meeting.ends_at).strftime("%H:%M"),
                }
            }
        )
    if invitee.checked_in_at is None:
        invitee.checked_in_at = now
        invitee.save(update_fields=["checked_in_at", "updated_at"])
        audit.record(actor=actor, action="check_in", obj=invitee)
    return invitee


@transaction.atomic
def vote(*, actor, item: AgendaItem, choice: str) -> Vote:
    """Cast or change the actor's vote. Refused outside an open meeting, for non-invitees, before checking in,
    and while the quorum is not met."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    item = AgendaItem.objects.get(pk=item.pk)
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Vote yes, no or abstain.")})
    if not item.is_vote:
        raise ValidationError({"item": _("This agenda item is not put to a vote.")})
    invitee = _own_invitation(actor, meeting)
    if meeting.state != State.OPEN:
        raise ValidationError({"state": _("Voting is possible only while the meeting is in progress.")})
    if invitee.checked_in_at is None:
        raise ValidationError({"invitee": _("Check in first, then vote.")})
    voters = voters_of(meeting)
    if voters is not None and not voters.filter(resident__account_id=invitee.user_id).exists():
        if is_branch(meeting):
            raise ValidationError(
                {
                    "invitee": _(
                        "Only full members of %(branch)s vote: probationary members and guests attend without a vote."
                    )
                    % {"branch": meeting.party_org.name}
                }
            )
        raise ValidationError(
            {
                "invitee": _("Only the members of %(committee)s in office vote: guests attend without a vote.")
                % {"committee": meeting.host_label}
            }
        )
    n_inv, n_att = attendance(meeting)
    if not quorum_met(
        attendees=n_att,
        invitees=n_inv,
        numerator=meeting.quorum_numerator,
        denominator=meeting.quorum_denominator,
        strict=meeting.quorum_strict,
    ):
        raise ValidationError({"quorum": quorum_message(meeting, n_inv, n_att)})
    existing = Vote.objects.select_for_update().filter(item=item, invitee=invitee).first()
    if meeting.secret_ballot:
        return _secret_vote(actor, meeting, item, invitee, existing, choice)
    if existing is None:
        ballot = Vote.objects.create(item=item, invitee=invitee, choice=choice, scope_path=meeting.scope_path)
        action = "vote"
    else:
        ballot, action = existing, "change_vote"
        ballot.choice = choice
        ballot.save(update_fields=["choice", "updated_at"])
    audit.record(
        actor=actor, action=action, obj=ballot, after={"item": item.pk, "choice": choice}, object_repr=item.title
    )
    return ballot


def _secret_vote(
    actor, meeting: Meeting, item: AgendaItem, invitee: Invitee, existing: Vote | None, choice: str
) -> Vote:
    """A secret ballot leaves no trace of its choice but the ballot itself, and no exact time anywhere: the audit
    row says that the invitee cast a ballot on the item (turnout is public), on which day, and the same for a
    changed ballot (one action, "vote", so a change is not told apart either); the ballot row's own times keep the
    day only. With the counts hidden until the meeting closes (``published_tallies``), nothing links a voter's
    time to a movement of the counts."""
    day = audit.day_start(timezone.now())
    if existing is None:
        ballot = Vote.objects.create(
            item=item, invitee=invitee, choice=choice, scope_path=meeting.scope_path, created_at=day
        )
    else:
        ballot = existing
        ballot.choice = choice
    Vote.objects.filter(pk=ballot.pk).update(choice=choice, updated_at=day)
    ballot.updated_at = day
    audit.record(actor=actor, action="vote", obj=ballot, after={"item": item.pk}, object_repr=item.title, day_only=True)
    return ballot
