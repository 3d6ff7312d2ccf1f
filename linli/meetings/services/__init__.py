"""Every write to meetings: create/edit, agenda, invitees, the state machine, check-in, votes, minutes.

One module per part: ``meetings`` (the life of a meeting and its minutes), ``agenda`` (items and invitees),
``voting`` (check-in and votes), ``results`` (who votes, attendance, quorum, tallies); ``common`` for what they
share. Every public name is re-exported here.
"""

from ..models import MajorityBase
from .agenda import invite, invite_branch, invite_committee, item_add, item_remove, uninvite
from .common import ITEM_FIELDS, MEETING_FIELDS
from .meetings import (
    meeting_cancel,
    meeting_close,
    meeting_create,
    meeting_open,
    meeting_schedule,
    meeting_update,
    minutes_save,
)
from .results import (
    attendance,
    published_tallies,
    quorum_message,
    quorum_rule,
    results_hidden,
    tallies,
    voting_user_ids,
)
from .voting import check_in, vote

__all__ = [
    "ITEM_FIELDS",
    "MEETING_FIELDS",
    "MajorityBase",
    "attendance",
    "check_in",
    "invite",
    "invite_branch",
    "invite_committee",
    "item_add",
    "item_remove",
    "meeting_cancel",
    "meeting_close",
    "meeting_create",
    "meeting_open",
    "meeting_schedule",
    "meeting_update",
    "minutes_save",
    "published_tallies",
    "quorum_message",
    "quorum_rule",
    "results_hidden",
    "tallies",
    "uninvite",
    "vote",
    "voting_user_ids",
]
