"""Every write in volunteering: lock, check, validate, save, audit, publish.

Staff actions are checked with the grants (``require``/``require_at``); a volunteer's own actions (register,
sign up, cancel, check in/out by code, ask for a certificate) are checked against the resident linked to the login.

One module per aggregate: ``volunteers``, ``teams``, ``activities`` (with sign-ups), ``checkin``, ``records``
(with certificates), ``stars``; ``common`` holds what they share. The names below are re-exported so that
``from linli.volunteering.services import signup_create`` keeps working.
"""

from .activities import (
    ACTIVITY_FIELDS,
    activity_cancel,
    activity_close_signup,
    activity_create,
    activity_finish,
    activity_publish,
    activity_update,
    signup_cancel,
    signup_create,
)
from .checkin import check_by_code, check_by_list, checkin_code, read_code
from .common import (
    CHECK_ACTIONS,
    CODE_SALT,
    EARLY_CHECKIN,
    LATE_CHECKOUT,
    MIN_VOLUNTEER_AGE,
    code_seconds,
    scan_grace_seconds,
    staff_can_manage,
    volunteer_of,
)
from .records import certificate_issue, certificate_request, record_confirm, recorder_name, records_confirm_all
from .stars import (
    NOTICE_WORKDAYS,
    level_for,
    star_withdraw,
    stars_finalise,
    stars_propose,
    threshold_set,
    thresholds,
    thresholds_set,
)
from .teams import duty_log_add, team_create, team_member_add, team_member_remove, team_set_leader
from .volunteers import achievement_add, volunteer_register, volunteer_update

__all__ = [
    "ACTIVITY_FIELDS",
    "CHECK_ACTIONS",
    "CODE_SALT",
    "EARLY_CHECKIN",
    "LATE_CHECKOUT",
    "MIN_VOLUNTEER_AGE",
    "NOTICE_WORKDAYS",
    "achievement_add",
    "activity_cancel",
    "activity_close_signup",
    "activity_create",
    "activity_finish",
    "activity_publish",
    "activity_update",
    "certificate_issue",
    "certificate_request",
    "check_by_code",
    "check_by_list",
    "checkin_code",
    "code_seconds",
    "duty_log_add",
    "level_for",
    "read_code",
    "record_confirm",
    "recorder_name",
    "records_confirm_all",
    "scan_grace_seconds",
    "signup_cancel",
    "signup_create",
    "staff_can_manage",
    "star_withdraw",
    "stars_finalise",
    "stars_propose",
    "team_create",
    "team_member_add",
    "team_member_remove",
    "team_set_leader",
    "threshold_set",
    "thresholds",
    "thresholds_set",
    "volunteer_of",
    "volunteer_register",
    "volunteer_update",
]
