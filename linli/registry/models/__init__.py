from .household import Household, HouseholdMember, Relation
from .imports import ImportIssue, ImportJob, ImportKind, ImportStatus
from .occupancy import Occupancy, OccupancyKind
from .resident import (
    Education,
    Gender,
    IdType,
    PoliticalStatus,
    ResidenceStatus,
    Resident,
)
from .tags import CareTag, ResidentTag

__all__ = [
    "CareTag",
    "Education",
    "Gender",
    "Household",
    "HouseholdMember",
    "IdType",
    "ImportIssue",
    "ImportJob",
    "ImportKind",
    "ImportStatus",
    "Occupancy",
    "OccupancyKind",
    "PoliticalStatus",
    "Relation",
    "ResidenceStatus",
    "Resident",
    "ResidentTag",
]
