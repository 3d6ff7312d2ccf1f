"""What the meeting services share: the editable fields, locking, saving with an audit row, a state step."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from linli.core import audit

from ..models import (
    Meeting,
)

MEETING_FIELDS = (
    "title",
    "description",
    "host_kind",
    "party_org",
    "host_ref",
    "host_name",
    "starts_at",
    "ends_at",
    "location",
    "chair",
    "majority_base",
    "quorum_numerator",
    "quorum_denominator",
    "quorum_strict",
    "secret_ballot",
)
ITEM_FIELDS = ("title", "description", "is_vote", "position")


def locked(meeting: Meeting) -> Meeting:
    # of="self": PostgreSQL cannot lock the nullable side of the outer join to the branch.
    return Meeting.objects.select_for_update(of=("self",)).select_related("party_org").get(pk=meeting.pk)


def save_meeting(actor, meeting: Meeting, action: str, before: dict | None, note: str = "") -> Meeting:
    meeting.full_clean(exclude=["state"])
    meeting.save()
    audit.record(actor=actor, action=action, obj=meeting, before=before, after=audit.snapshot(meeting), note=note)
    return meeting


def step(meeting: Meeting, method: str):
    if not can_proceed(getattr(meeting, method)):
        raise ValidationError(
            {"state": _("Not possible while the meeting is “%(state)s”.") % {"state": meeting.get_state_display()}}
        )


def require_editable(meeting: Meeting):
    if not meeting.is_editable:
        raise ValidationError({"state": _("The agenda and invitees are fixed once the meeting has started.")})


def committee_place(meeting: Meeting):
    """An owners' committee meeting belongs to the committee's compound (None for any other host)."""
    if meeting.owners_committee_id is None:
        return None
    from linli.owners.selectors import compound_of

    return compound_of(meeting.owners_committee_id)


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])
