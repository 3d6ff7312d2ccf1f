"""Work-order services: every write to a case, task force or setting (validate, check, save, audit, publish).

One module per aggregate or stage: ``base`` (the shared transition machinery), ``reporting`` (受理),
``steps`` (the case's life), ``supervision`` (extensions, 督办, 催办, escalation), ``taskforces`` (专班 and
联合行动), ``config`` (categories, time limits, the verdict scale). The names below are re-exported so that
``from linli.workorders.services import case_dispatch`` keeps working.
"""

from .base import (
    ACTION_ORDER,
    CASE_FIELDS,
    TransitionRefused,
    actor_label,
    allowed_actions,
    case_url,
    limits_for,
    max_reopens,
    may_report,
    record_event,
    sync_queue,
    users_with_roles_over,
)
from .reporting import case_create, reveal_reporter_phone
from .steps import (
    assignment_sign,
    case_archive,
    case_attach,
    case_cancel,
    case_complete,
    case_dispatch,
    case_evaluate,
    case_merge,
    case_note,
    case_recategorise,
    case_return,
    case_sign,
    case_start,
    case_whistle,
)
from .supervision import case_escalate, case_supervise, case_urge, extension_decide, extension_request
from .taskforces import joint_action_record, may_record_action, taskforce_create

__all__ = [
    "ACTION_ORDER",
    "CASE_FIELDS",
    "TransitionRefused",
    "actor_label",
    "allowed_actions",
    "assignment_sign",
    "case_archive",
    "case_attach",
    "case_cancel",
    "case_complete",
    "case_create",
    "case_dispatch",
    "case_escalate",
    "case_evaluate",
    "case_merge",
    "case_note",
    "case_recategorise",
    "case_return",
    "case_sign",
    "case_start",
    "case_supervise",
    "case_urge",
    "case_url",
    "case_whistle",
    "extension_decide",
    "extension_request",
    "joint_action_record",
    "limits_for",
    "max_reopens",
    "may_record_action",
    "may_report",
    "record_event",
    "reveal_reporter_phone",
    "sync_queue",
    "taskforce_create",
    "users_with_roles_over",
]
