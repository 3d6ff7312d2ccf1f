"""A meeting's life: create, edit, schedule (inviting), open, close, cancel, and its minutes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited

from ..models import (
    AgendaItem,
    HostKind,
    Invitee,
    Meeting,
    Outcome,
    State,
)
from .common import MEETING_FIELDS, committee_place, locked, meeting_url, require_editable, save_meeting, step
from .results import attendance, tallies

# -- meetings ---------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, actor, place, **attrs) -> Meeting:
    party_org = attrs.get("party_org")
    if attrs.get("host_kind") == HostKind.PARTY_BRANCH and party_org is not None:
        place = party_org.place
    place = committee_place(Meeting(host_kind=attrs.get("host_kind", ""), host_ref=attrs.get("host_ref", ""))) or place
    if place is None:
        raise ValidationError({"place": _("Choose where the meeting belongs.")})
    require_at(actor, Action.ADD, Meeting, place.path)
    meeting = Meeting(place=place, scope_path=place.path, created_by=actor)
    assign(meeting, attrs, MEETING_FIELDS)
    save_meeting(actor, meeting, "create", None)
    events.publish("meetings.meeting.created", {"id": meeting.pk, "path": meeting.scope_path})
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, place=None, **changes) -> Meeting:
    meeting = locked(meeting)
    require(actor, Action.CHANGE, meeting)
    require_editable(meeting)
    before = audit.snapshot(meeting)
    assign(meeting, changes, MEETING_FIELDS)
    if place is not None and place.pk != meeting.place_id:
        require_at(actor, Action.ADD, Meeting, place.path)
        meeting.place = place
    if meeting.host_kind == HostKind.PARTY_BRANCH and meeting.party_org_id:
        meeting.place = meeting.party_org.place
    meeting.place = committee_place(meeting) or meeting.place
    if meeting.place.path != meeting.scope_path:
        require_at(actor, Action.ADD, Meeting, meeting.place.path)
    meeting.scope_path = meeting.place.path
    save_meeting(actor, meeting, "update", before)
    AgendaItem.objects.filter(meeting=meeting).update(scope_path=meeting.scope_path)
    Invitee.objects.filter(meeting=meeting).update(scope_path=meeting.scope_path)
    return meeting


@transaction.atomic
def meeting_schedule(*, actor, meeting: Meeting) -> Meeting:
    meeting = locked(meeting)
    require(actor, Action.CHANGE, meeting)
    step(meeting, "schedule")
    invitees = list(Invitee.objects.filter(meeting=meeting).select_related("user"))
    errors = {}
    if not invitees:
        errors["invitees"] = _("Invite at least one person before scheduling.")
    if not AgendaItem.objects.filter(meeting=meeting).exists():
        errors["items"] = _("Add at least one agenda item before scheduling.")
    if meeting.ends_at <= timezone.now():
        errors["ends_at"] = _("This meeting would already be over.")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(meeting)
    meeting.schedule()
    save_meeting(actor, meeting, "schedule", before)
    notify_invitation(meeting, [i.user for i in invitees])
    events.publish("meetings.meeting.scheduled", {"id": meeting.pk, "path": meeting.scope_path})
    return meeting


def notify_invitation(meeting: Meeting, users):
    from linli.notifications.services import notify

    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    notify(
        users=users,
        title=_("Meeting invitation: %(title)s") % {"title": meeting.title},
        body=_("%(host)s invites you to an online meeting at %(when)s. Check in on the meeting page when it starts.")
        % {"host": meeting.host_label, "when": when},
        url=meeting_url(meeting),
        kind="meetings.invited",
        obj=meeting,
    )


@transaction.atomic
def meeting_open(*, actor, meeting: Meeting) -> Meeting:
    meeting = locked(meeting)
    require(actor, Action.CHANGE, meeting)
    step(meeting, "open")
    before = audit.snapshot(meeting)
    meeting.open()
    save_meeting(actor, meeting, "open", before)
    events.publish("meetings.meeting.opened", {"id": meeting.pk, "path": meeting.scope_path})
    return meeting


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting) -> Meeting:
    """Close the meeting and freeze every vote's result (counts, base, outcome)."""
    meeting = locked(meeting)
    require(actor, Action.CHANGE, meeting)
    step(meeting, "close")
    before = audit.snapshot(meeting)
    n_inv, n_att = attendance(meeting)
    results = tallies(meeting, counts=(n_inv, n_att))
    for item in AgendaItem.objects.select_for_update().filter(meeting=meeting, is_vote=True):
        t = results[item.pk]
        item.yes_count, item.no_count, item.abstain_count, item.base_count = t.yes, t.no, t.abstain, t.base
        item.outcome = Outcome.PASSED if t.passed else Outcome.FAILED
        item.save(update_fields=["yes_count", "no_count", "abstain_count", "base_count", "outcome", "updated_at"])
    meeting.close(invitees=n_inv, attendees=n_att)
    save_meeting(actor, meeting, "close", before)
    events.publish("meetings.meeting.closed", {"id": meeting.pk, "path": meeting.scope_path})
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    meeting = locked(meeting)
    require(actor, Action.CHANGE, meeting)
    step(meeting, "cancel")
    was_announced = meeting.state != State.DRAFT
    before = audit.snapshot(meeting)
    meeting.cancel()
    save_meeting(actor, meeting, "cancel", before, reason[:200])
    if was_announced:
        from linli.notifications.services import notify

        users = [i.user for i in Invitee.objects.filter(meeting=meeting).select_related("user")]
        notify(
            users=users,
            title=_("Meeting cancelled: %(title)s") % {"title": meeting.title},
            body=reason[:500],
            url=meeting_url(meeting),
            kind="meetings.cancelled",
            obj=meeting,
        )
    return meeting


@transaction.atomic
def minutes_save(*, actor, meeting: Meeting, minutes: str, decisions: dict[int, str] | None = None) -> Meeting:
    """Minutes and per-item decisions are written while the meeting runs or after it closed."""
    meeting = locked(meeting)
    require(actor, Action.CHANGE, meeting)
    if meeting.state not in (State.OPEN, State.CLOSED):
        raise ValidationError({"minutes": _("Minutes are recorded once the meeting has started.")})
    before = audit.snapshot(meeting)
    meeting.minutes = (minutes or "").strip()
    save_meeting(actor, meeting, "minutes", before)
    items = {i.pk: i for i in AgendaItem.objects.select_for_update().filter(meeting=meeting)}
    for pk, text in (decisions or {}).items():
        item = items.get(int(pk))
        if item is None:
            raise ValidationError({"decisions": _("Unknown agenda item.")})
        text = (text or "").strip()
        if text != item.decision:
            item_before = audit.snapshot(item)
            item.decision = text
            save_audited(actor=actor, obj=item, action="decision", before=item_before)
    return meeting
