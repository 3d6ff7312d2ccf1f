"""Who may see and report cases. Which step each may take is decided by the state machine (policy.py)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import (
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseStatistics,
    Category,
    ExtensionRequest,
    JointAction,
    TaskForce,
    TimeLimit,
    VerdictLevel,
)

STAFF_ROLES = [r for r in Role.values if r != Role.RESIDENT]

for role in Role.values:
    grant(role, Case, "view")
    grant(role, CaseAttachment, "view")
for role in (
    Role.DISTRICT_ADMIN,
    Role.DISPATCHER,
    Role.STREET_STAFF,
    Role.COMMUNITY_SECRETARY,
    Role.SOCIAL_WORKER,
    Role.GRID_WORKER,
    Role.BUILDING_HEAD,
    Role.PROPERTY_STAFF,
    Role.RESIDENT,
):
    grant(role, Case, "add")
for role in (
    Role.DISTRICT_ADMIN,
    Role.DISPATCHER,
    Role.STREET_STAFF,
    Role.COMMUNITY_SECRETARY,
    Role.SOCIAL_WORKER,
    Role.DEPARTMENT_STAFF,
    Role.PROPERTY_STAFF,
):
    grant(role, Case, "change")
    grant(role, ExtensionRequest, "view")
for role in (Role.DISTRICT_ADMIN, Role.DISPATCHER, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, Case, "export")
    grant(role, TaskForce, "view")
    grant(role, JointAction, "view", "add")
for role in (Role.DISTRICT_ADMIN, Role.DISPATCHER):
    grant(role, TaskForce, "add", "change")
for role in (Role.DEPARTMENT_STAFF, Role.PROPERTY_STAFF):
    grant(role, CaseAssignment, "view")  # their organisation's queue (接单), read row by row
    grant(role, TaskForce, "view")
    grant(role, JointAction, "view", "add")

# The statistics page and its menu entry: staff only (a resident's own reports make no statistics).
for role in STAFF_ROLES:
    grant(role, CaseStatistics, "view")

# Configuration (categories, time limits, the verdict scale): staff read it on the settings pages, district
# administrators change it. Residents still see the public categories and the verdict scale where they report
# and judge; those pages read them as reference data.
for model in (Category, TimeLimit, VerdictLevel):
    for role in STAFF_ROLES:
        grant(role, model, "view")
    grant(Role.DISTRICT_ADMIN, model, "add", "change", "delete")
