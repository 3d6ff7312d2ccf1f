"""Campaign services: every write (validate, check, save, audit, publish). ``campaigns``: planning and the state
machine; ``inspections``: the field work, findings and their work orders."""

from .campaigns import campaign_close, campaign_create, campaign_start, key_target_set, may_plan, theme_add
from .common import may_work_at
from .inspections import finding_rectified_by_case, finding_to_case, inspection_record

__all__ = [
    "campaign_close",
    "campaign_create",
    "campaign_start",
    "finding_rectified_by_case",
    "finding_to_case",
    "inspection_record",
    "key_target_set",
    "may_plan",
    "may_work_at",
    "theme_add",
]
