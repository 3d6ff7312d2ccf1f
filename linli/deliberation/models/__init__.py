from .matter import Matter, MatterSource, MatterState, Outcome
from .meeting import AgendaItem, Kind, Meeting, MeetingPhoto, MeetingState, Participant, Rhythm, Seat

SCOPED_MODELS = (Meeting, Participant, AgendaItem, MeetingPhoto, Rhythm, Matter)

__all__ = [
    "SCOPED_MODELS",
    "AgendaItem",
    "Kind",
    "Matter",
    "MatterSource",
    "MatterState",
    "Meeting",
    "MeetingPhoto",
    "MeetingState",
    "Outcome",
    "Participant",
    "Rhythm",
    "Seat",
]
