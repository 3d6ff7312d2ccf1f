"""Who may see and report cases. Which step each may take is decided by the state machine (policy.py)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Case, CaseAttachment, ExtensionRequest, JointAction, TaskForce

for role in Role.values:
    grant(role, Case, "view")
    grant(role, CaseAttachment, "view")
for role in (Role.DISTRICT_ADMIN, Role.DISPATCHER, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER,
             Role.GRID_WORKER, Role.BUILDING_HEAD, Role.PROPERTY_STAFF, Role.RESIDENT):
    grant(role, Case, "add")
for role in (Role.DISTRICT_ADMIN, Role.DISPATCHER, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER,
             Role.DEPARTMENT_STAFF, Role.PROPERTY_STAFF):
    grant(role, Case, "change")
    grant(role, ExtensionRequest, "view")
for role in (Role.DISTRICT_ADMIN, Role.DISPATCHER, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, Case, "export")
    grant(role, TaskForce, "view")
    grant(role, JointAction, "view", "add")
for role in (Role.DISTRICT_ADMIN, Role.DISPATCHER):
    grant(role, TaskForce, "add", "change")
for role in (Role.DEPARTMENT_STAFF, Role.PROPERTY_STAFF):
    grant(role, TaskForce, "view")
    grant(role, JointAction, "view", "add")
