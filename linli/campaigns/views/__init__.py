from .campaigns import (
    CampaignListView,
    campaign_close,
    campaign_create,
    campaign_detail,
    campaign_export,
    campaign_report,
    campaign_start,
    key_board,
    key_target,
    theme_add,
)
from .complaints import complaint_rate
from .inspections import finding_case, inspect, inspection_detail, photo

__all__ = [
    "CampaignListView",
    "campaign_close",
    "campaign_create",
    "campaign_detail",
    "campaign_export",
    "campaign_report",
    "campaign_start",
    "complaint_rate",
    "finding_case",
    "inspect",
    "inspection_detail",
    "key_board",
    "key_target",
    "photo",
    "theme_add",
]
