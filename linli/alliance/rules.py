"""Who may do what with alliances. Scope: the community's path; member organisations' staff view their own."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import SCOPED_MODELS, ProjectClaim

for model in SCOPED_MODELS:
    for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY):
        grant(role, model, "view", "add", "change")
    grant(Role.SOCIAL_WORKER, model, "view", "add")
    grant(Role.GRID_WORKER, model, "view")
    grant(Role.DEPARTMENT_STAFF, model, "view")
    grant(Role.PROPERTY_STAFF, model, "view")

# Social workers record 双报到 in the party domain (add and change there); releasing a project claim is a change.
grant(Role.SOCIAL_WORKER, ProjectClaim, "change")
