"""Who may do what with door access.

Doors and their aggregate statistics: community and street staff, grid workers and the property company (its
managed compounds) see them; the secretary, district administrators and property staff set doors up.
Credentials: staff who keep the registry issue and revoke them; a resident sees their own (bound to their house).
Visitor passes: a resident issues them for their own building (``VisitorPass.coverage_prefixes``), staff anywhere
in scope.

Access events are whereabouts: **only** the roles granted "view" on ``AccessEvent`` read them, each read for a
stated purpose and audited — the community party secretary and the district administrator. Social workers, grid
workers, building heads and property staff are deliberately not granted (domain-rules §8, §11).
"""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import AccessCredential, AccessEvent, Door, VisitorPass

for role in (Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.PROPERTY_STAFF):
    grant(role, Door, "view", "add", "change")
for role in (Role.STREET_STAFF, Role.SOCIAL_WORKER, Role.GRID_WORKER):
    grant(role, Door, "view")

for role in (Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.PROPERTY_STAFF):
    grant(role, AccessCredential, "view", "add", "change")
    grant(role, VisitorPass, "view", "add", "change")
grant(Role.RESIDENT, AccessCredential, "view")
grant(Role.RESIDENT, VisitorPass, "view", "add", "change")

# The purpose-bound read of whereabouts: not every community staff.
for role in (Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY):
    grant(role, AccessEvent, "view")
