from .campaign import Campaign, CampaignState, ChecklistItem, Target, Targeting, Theme
from .inspection import Finding, FindingStatus, Inspection, InspectionPhoto, Located

SCOPED_MODELS = (Campaign, Theme, ChecklistItem, Target, Inspection, InspectionPhoto, Finding)

__all__ = [
    "SCOPED_MODELS",
    "Campaign",
    "CampaignState",
    "ChecklistItem",
    "Finding",
    "FindingStatus",
    "Inspection",
    "InspectionPhoto",
    "Located",
    "Target",
    "Targeting",
    "Theme",
]
