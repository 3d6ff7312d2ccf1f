"""Work-order pages, one module per aggregate or page family (see docs/architecture.md, "Views").

Thin: parse with forms, read through ``selectors``/``restrict``, write through ``services``. The names below are
re-exported so that ``from linli.workorders.views import X`` keeps working; new code imports the module it needs.
"""

from .cases import attachment, case_act, case_detail, case_url, evaluate, labelled_timeline, reveal_phone, track
from .common import SECTION, apply_validation_error, handler_orgs, suggested_lead
from .queues import community_queue, dispatch_queue, home, my_cases, org_queue
from .reporting import (
    SOURCE_FOR_MODE,
    category_groups,
    picker_chain,
    place_children,
    place_options,
    report,
    report_roots,
)
from .taskforces import joint_action_create, taskforce_create, taskforce_detail, taskforce_list

__all__ = [
    "SECTION",
    "SOURCE_FOR_MODE",
    "apply_validation_error",
    "attachment",
    "case_act",
    "case_detail",
    "case_url",
    "category_groups",
    "community_queue",
    "dispatch_queue",
    "evaluate",
    "handler_orgs",
    "home",
    "joint_action_create",
    "labelled_timeline",
    "my_cases",
    "org_queue",
    "picker_chain",
    "place_children",
    "place_options",
    "report",
    "report_roots",
    "reveal_phone",
    "suggested_lead",
    "taskforce_create",
    "taskforce_detail",
    "taskforce_list",
    "track",
]
