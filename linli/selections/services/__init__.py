from .nominations import nominate, nomination_accept, nomination_reject, objection_raise
from .selections import selection_announce, selection_create, selection_finalise, selection_open_vote
from .votes import vote_cast

__all__ = [
    "nominate",
    "nomination_accept",
    "nomination_reject",
    "objection_raise",
    "selection_announce",
    "selection_create",
    "selection_finalise",
    "selection_open_vote",
    "vote_cast",
]
