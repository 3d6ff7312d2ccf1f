from .nomination import Channel, Nomination, NominationState, Objection, Vote
from .selection import Kind, NomineeKind, Selection, SelectionState

SCOPED_MODELS = (Selection, Nomination, Vote, Objection)

__all__ = [
    "SCOPED_MODELS",
    "Channel",
    "Kind",
    "Nomination",
    "NominationState",
    "NomineeKind",
    "Objection",
    "Selection",
    "SelectionState",
    "Vote",
]
