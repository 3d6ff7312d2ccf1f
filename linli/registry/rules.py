"""Who may do what in the data centre. Revealing full ID/phone numbers and exporting are separate rights."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Household, HouseholdMember, ImportJob, Occupancy, Resident, ResidentTag

PEOPLE = (Resident, Household, HouseholdMember, Occupancy, ResidentTag)

for model in PEOPLE:
    grant(Role.DISTRICT_ADMIN, model, "view", "add", "change")
    grant(Role.STREET_STAFF, model, "view")
    grant(Role.COMMUNITY_SECRETARY, model, "view", "add", "change", "delete")
    grant(Role.SOCIAL_WORKER, model, "view", "add", "change")
    grant(Role.GRID_WORKER, model, "view", "add", "change")
    grant(Role.BUILDING_HEAD, model, "view")

for role in (Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.GRID_WORKER):
    grant(role, Resident, "reveal", "export")
grant(Role.STREET_STAFF, Resident, "export")

# Excel imports: whoever may add people or organisations somewhere may upload; each binding sees only its own
# user's jobs (ImportJob.scope_q), because a job holds the uploaded file. Rows are checked against ADD rights.
for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.GRID_WORKER):
    grant(role, ImportJob, "view", "add", "change")
