from .ballot import Ballot, Channel, Choice
from .decision import (
    MAJOR_MATTERS,
    SETTLED_STATES,
    Attachment,
    Decision,
    DecisionState,
    Designation,
    DeveloperUnit,
    ElectorateUnit,
    MatterType,
)

__all__ = [
    "MAJOR_MATTERS",
    "SETTLED_STATES",
    "Attachment",
    "Ballot",
    "Channel",
    "Choice",
    "Decision",
    "DecisionState",
    "Designation",
    "DeveloperUnit",
    "ElectorateUnit",
    "MatterType",
]
