from .case import (
    ACTIVE_STATES,
    CLOSED_STATES,
    DESCRIPTION_MAX,
    OPEN_STATES,
    AssignmentRole,
    AssignmentStatus,
    AttachmentKind,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    CaseStatistics,
    Confidentiality,
    ExtensionRequest,
    ExtensionStatus,
    Level,
    Priority,
    QueueRank,
    Source,
    State,
)
from .config import CaseType, Category, TimeLimit, VerdictLevel, VerdictReason
from .open311 import Open311Key, Open311Request
from .taskforce import JointAction, TaskForce, TaskForceKind

__all__ = [
    "ACTIVE_STATES", "CLOSED_STATES", "DESCRIPTION_MAX", "OPEN_STATES", "AssignmentRole", "AssignmentStatus",
    "AttachmentKind", "Case", "CaseAssignment", "CaseAttachment", "CaseEvent", "CaseStatistics", "CaseType",
    "Category",
    "Confidentiality", "ExtensionRequest", "ExtensionStatus", "JointAction", "Level", "Open311Key", "Open311Request",
    "Priority", "QueueRank", "Source", "State",
    "TaskForce", "TaskForceKind", "TimeLimit", "VerdictLevel", "VerdictReason",
]
