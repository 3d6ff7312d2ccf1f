"""Every write on deliberation meetings: atomic, permission-checked, audited, events published through the outbox.

Matters (议题) are written by ``services.matters``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.areas.models import Level, Place
from linli.core import audit, dates, events, uploads
from linli.core.permissions import Action, require, require_at
from linli.core.services import save_audited

from ..models import AgendaItem, Kind, Matter, Meeting, MeetingPhoto, MeetingState, Participant, Rhythm, Seat
from ..models.meeting import INTERVALS

MAX_PHOTOS = 27
PLAN_AHEAD_DAYS = 400  # a meeting is planned at most about a year ahead


def check_compound(compound: Place | None, field: str = "compound") -> Place:
    if compound is None or compound.level != Level.COMPOUND:
        raise ValidationError({field: _("Deliberation happens in a compound (小区); choose a compound.")})
    if not compound.is_active:
        raise ValidationError({field: _("This compound is archived.")})
    return compound


def check_text(value, field: str, *, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": limit}})
    return text


def lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("compound").get(pk=meeting.pk)


def _publish(name: str, meeting: Meeting) -> None:
    events.publish(name, {"meeting_id": meeting.pk, "path": meeting.scope_path, "kind": meeting.kind})


@transaction.atomic
def meeting_create(
    *,
    actor,
    compound: Place,
    kind: str,
    title: str,
    scheduled_on: dt.date,
    address: str = "",
) -> Meeting:
    check_compound(compound)
    require_at(actor, Action.ADD, Meeting, compound.path)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a kind of meeting.")})
    if scheduled_on is None:
        raise ValidationError({"scheduled_on": _("Enter the day of the meeting.")})
    if scheduled_on > dates.today() + dt.timedelta(days=PLAN_AHEAD_DAYS):
        raise ValidationError({"scheduled_on": _("A meeting is planned at most a year ahead.")})
    meeting = Meeting(
        compound=compound,
        scope_path=compound.path,
        kind=kind,
        title=check_text(title, "title", limit=100),
        scheduled_on=scheduled_on,
        address=check_text(address, "address", limit=100, required=False),
        created_by=actor,
    )
    save_audited(actor=actor, obj=meeting, action="create", exclude_from_validation=("compound", "created_by", "state"))
    _publish("deliberation.meeting.created", meeting)
    return meeting


@transaction.atomic
def participant_add(
    *,
    actor,
    meeting: Meeting,
    seat: str,
    name: str,
    party_org=None,
    organisation=None,
    committee=None,
    present: bool = True,
) -> Participant:
    """A person in a seat. The linked record, if any, must be the seat's kind and serve the meeting's compound."""
    meeting = lock_meeting(meeting)
    require(actor, Action.CHANGE, meeting)
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    if seat not in Seat.values:
        raise ValidationError({"seat": _("Choose a seat.")})
    links = {"party_org": party_org, "organisation": organisation, "committee": committee}
    wanted = {Seat.PARTY: "party_org", Seat.PROPERTY: "organisation", Seat.COMMITTEE: "committee"}.get(seat)
    for key, value in links.items():
        if value is not None and key != wanted:
            raise ValidationError({key: _("This record does not belong to the seat chosen.")})
    path = meeting.compound.path
    if party_org is not None and not (path.startswith(party_org.scope_path) or party_org.scope_path.startswith(path)):
        raise ValidationError({"party_org": _("This party organisation is not of this compound or its community.")})
    if organisation is not None and path not in organisation.served_prefixes():
        raise ValidationError({"organisation": _("This property company does not manage this compound.")})
    if committee is not None and (committee.compound_id != meeting.compound_id or not committee.is_active):
        raise ValidationError({"committee": _("This is not the active owners' committee of this compound.")})
    participant = Participant(
        meeting=meeting,
        seat=seat,
        name=check_text(name, "name", limit=50),
        party_org=party_org,
        organisation=organisation,
        committee=committee,
        present=bool(present),
    )
    save_audited(actor=actor, obj=participant, action="create", exclude_from_validation=(*tuple(links), "meeting"))
    return participant


@transaction.atomic
def participant_remove(*, actor, participant: Participant) -> None:
    meeting = lock_meeting(participant.meeting)
    require(actor, Action.CHANGE, meeting)
    if meeting.state != MeetingState.PLANNED:
        raise ValidationError(_("The record of a held or cancelled meeting is kept as it is."))
    before = audit.snapshot(participant)
    pk = participant.pk
    Participant.objects.filter(pk=pk).delete()
    audit.record(actor=actor, action="delete", obj=meeting, before=before, note=f"participant {pk}")


@transaction.atomic
def agenda_add(*, actor, meeting: Meeting, matter: Matter | None = None, title: str = "") -> AgendaItem:
    """Put a matter (or a free item) on the agenda; a waiting matter becomes "on the agenda"."""
    meeting = lock_meeting(meeting)
    require(actor, Action.CHANGE, meeting)
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    if matter is not None:
        from .matters import lock_matter

        matter = lock_matter(matter)
        if matter.compound_id != meeting.compound_id:
            raise ValidationError({"matter": _("This matter belongs to another compound.")})
        if not matter.is_open or matter.state == "handed":
            raise ValidationError({"matter": _("This matter is already decided.")})
        if AgendaItem.objects.filter(meeting=meeting, matter=matter).exists():
            raise ValidationError({"matter": _("This matter is already on the agenda.")})
        title = title or matter.title
    position = AgendaItem.objects.filter(meeting=meeting).count() + 1
    item = AgendaItem(meeting=meeting, matter=matter, title=check_text(title, "title", limit=100), position=position)
    save_audited(actor=actor, obj=item, action="create", exclude_from_validation=("meeting", "matter"))
    if matter is not None and matter.state == "raised":
        before = audit.snapshot(matter)
        matter.put_on_agenda()
        save_audited(actor=actor, obj=matter, action="matter_on_agenda", before=before, validate=False)
        events.publish(
            "deliberation.matter.on_agenda",
            {"matter_id": matter.pk, "meeting_id": meeting.pk, "path": matter.scope_path},
        )
    return item


@transaction.atomic
def item_decide(*, actor, item: AgendaItem, decision: str) -> AgendaItem:
    meeting = lock_meeting(item.meeting)
    require(actor, Action.CHANGE, meeting)
    if meeting.state != MeetingState.HELD:
        raise ValidationError({"decision": _("Record decisions once the meeting has been held.")})
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    before = audit.snapshot(item)
    item.decision = check_text(decision, "decision", limit=2000)
    return save_audited(actor=actor, obj=item, action="update", before=before, validate=False)


@transaction.atomic
def meeting_hold(*, actor, meeting: Meeting, held_on: dt.date, minutes: str, absent: Iterable[int] = ()) -> Meeting:
    """Record the meeting as held: the day, the minutes, who of the seats did not come (``absent``: participant ids)."""
    meeting = lock_meeting(meeting)
    require(actor, Action.CHANGE, meeting)
    if meeting.state != MeetingState.PLANNED:
        raise ValidationError({"state": _("Only a planned meeting can be recorded as held.")})
    if held_on is None:
        raise ValidationError({"held_on": _("Enter the day the meeting was held.")})
    if held_on > dates.today():
        raise ValidationError({"held_on": _("This date is in the future.")})
    if held_on < meeting.scheduled_on.replace(day=1):
        raise ValidationError({"held_on": _("A meeting cannot be held before the month it was planned for.")})
    minutes = check_text(minutes, "minutes", limit=8000)
    absent = {int(a) for a in absent}
    seats = list(Participant.objects.select_for_update().filter(meeting=meeting))
    unknown = absent - {p.pk for p in seats}
    if unknown:
        raise ValidationError({"absent": _("Not a participant of this meeting.")})
    if not seats:
        raise ValidationError({"absent": _("Record who took part before recording the meeting as held.")})
    before = audit.snapshot(meeting)
    for p in seats:
        if p.present == (p.pk in absent):
            Participant.objects.filter(pk=p.pk).update(present=p.pk not in absent)
    meeting.hold()
    meeting.held_on = held_on
    meeting.minutes = minutes
    save_audited(
        actor=actor,
        obj=meeting,
        action="meeting_hold",
        before=before,
        exclude_from_validation=("compound", "created_by", "state"),
        note=f"absent {sorted(absent)}" if absent else "",
    )
    _publish("deliberation.meeting.held", meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    meeting = lock_meeting(meeting)
    require(actor, Action.CHANGE, meeting)
    if meeting.state != MeetingState.PLANNED:
        raise ValidationError({"state": _("Only a planned meeting can be cancelled.")})
    before = audit.snapshot(meeting)
    meeting.cancel_reason = check_text(reason, "reason", limit=300)
    meeting.cancel()
    save_audited(actor=actor, obj=meeting, action="meeting_cancel", before=before, validate=False)
    _publish("deliberation.meeting.cancelled", meeting)
    return meeting


@transaction.atomic
def photos_add(*, actor, meeting: Meeting, files: Iterable) -> list[MeetingPhoto]:
    meeting = lock_meeting(meeting)
    require(actor, Action.CHANGE, meeting)
    files = list(files)
    if not files:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    if len(files) + meeting.photos.count() > MAX_PHOTOS:
        raise ValidationError({"photos": _("This meeting already has enough photos.")})
    clean = uploads.sanitise_all(files, field="photos")
    created = [
        MeetingPhoto.objects.create(meeting=meeting, file=c, content_type=t, size=c.size, original_name=o)
        for c, t, o in clean
    ]
    audit.record(actor=actor, action="update", obj=meeting, after={"photos_added": [p.pk for p in created]})
    return created


@transaction.atomic
def rhythm_set(*, actor, compound: Place, kind: str, interval_months: int, is_active: bool = True) -> Rhythm:
    """How often ``compound`` holds ``kind`` meetings (every 1, 2, 3, 6 or 12 months); one row per compound and kind."""
    check_compound(compound)
    require_at(actor, Action.CHANGE, Rhythm, compound.path)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a kind of meeting.")})
    try:
        interval_months = int(interval_months)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"interval_months": _("Choose every 1, 2, 3, 6 or 12 months.")}) from exc
    if interval_months not in INTERVALS:
        raise ValidationError({"interval_months": _("Choose every 1, 2, 3, 6 or 12 months.")})
    rhythm = Rhythm.objects.select_for_update().filter(compound=compound, kind=kind).first()
    before = audit.snapshot(rhythm) if rhythm else None
    if rhythm is None:
        rhythm = Rhythm(compound=compound, kind=kind, scope_path=compound.path)
    rhythm.interval_months, rhythm.is_active = interval_months, bool(is_active)
    return save_audited(
        actor=actor,
        obj=rhythm,
        action="update" if before else "create",
        before=before,
        exclude_from_validation=("compound",),
    )
