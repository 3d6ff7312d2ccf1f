from .ballot import Ballot, Channel, Choice
from .decision import (
    MAJOR_MATTERS,
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
