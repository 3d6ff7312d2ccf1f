"""Who may do what with owners' committees. Scope: the compound's path.

Community secretaries, social workers, street staff and district administrators keep the record within their
scope; grid workers and building heads read the committee of their buildings' compound; residents get nothing
(a committee's members are posted in the compound, not read from the data centre)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import CommitteeSeat, OwnersCommittee

for model in (OwnersCommittee, CommitteeSeat):
    for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
        grant(role, model, "view", "add", "change")
    grant(Role.GRID_WORKER, model, "view")
    grant(Role.BUILDING_HEAD, model, "view")
