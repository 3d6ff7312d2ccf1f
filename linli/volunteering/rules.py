"""Who may do what in volunteering. Scope: the row's place path; volunteers see their own records.

Community staff run volunteering; grid workers and building heads see it. A resident (house binding) sees the open
activities of their community and their own volunteer records; signing up, cancelling and checking in are checked in
the services against the resident linked to the login, not by grants.
"""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import SCOPED_MODELS, Activity, DutyLog, SignUp, StarNotice, StarThreshold, Team, TeamMember

STAFF = (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER)

for model in SCOPED_MODELS:
    for role in STAFF:
        grant(role, model, "view", "add", "change")
    grant(Role.GRID_WORKER, model, "view")
    grant(Role.BUILDING_HEAD, model, "view")
    if model not in (Team, TeamMember, DutyLog):
        grant(Role.RESIDENT, model, "view")

for role in STAFF:
    grant(role, SCOPED_MODELS[0], "export")  # the volunteer list (masked)
    grant(role, Activity, "export")  # an activity's sign-up and attendance list
    grant(role, SignUp, "export")

for role in (*STAFF, Role.GRID_WORKER, Role.BUILDING_HEAD, Role.RESIDENT):
    grant(role, StarThreshold, "view")
grant(Role.DISTRICT_ADMIN, StarThreshold, "change")

# The 公示 of proposed stars: readable by everyone bound inside the community (StarNotice.coverage_prefixes).
for role in (*STAFF, Role.GRID_WORKER, Role.BUILDING_HEAD, Role.RESIDENT):
    grant(role, StarNotice, "view")
