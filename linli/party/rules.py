"""Who may do what in party building. Scope comes from the role binding (``Model.scope_q``)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import (
    CenterHousehold,
    CommitteeSeat,
    EmployerRegistration,
    InServiceMember,
    PartyMember,
    PartyOrg,
    PostClaim,
    ServicePost,
    ServiceRecord,
)

STRUCTURE = (PartyOrg, PartyMember, CommitteeSeat, CenterHousehold)
DUAL = (InServiceMember, EmployerRegistration, ServicePost, PostClaim, ServiceRecord)

for model in (*STRUCTURE, *DUAL):
    grant(Role.DISTRICT_ADMIN, model, "view", "add", "change", "delete")
    grant(Role.STREET_STAFF, model, "view", "add", "change")
    grant(Role.COMMUNITY_SECRETARY, model, "view", "add", "change", "delete")
    grant(Role.SOCIAL_WORKER, model, "view")
    grant(Role.GRID_WORKER, model, "view")

for model in (InServiceMember, EmployerRegistration, ServicePost, PostClaim, ServiceRecord):
    grant(Role.SOCIAL_WORKER, model, "add", "change")

# Exports of the 双报到 record sheets and member lists.
for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY):
    grant(role, PartyMember, "export")
    grant(role, InServiceMember, "export")
grant(Role.SOCIAL_WORKER, InServiceMember, "export")

# Building heads see the organisations and members living in their building.
grant(Role.BUILDING_HEAD, PartyMember, "view")
grant(Role.BUILDING_HEAD, CenterHousehold, "view")

# Employers (department / property company staff) see their own in-service members' records (extra_scope_q)
# and export the quarterly sheet for them.
for role in (Role.DEPARTMENT_STAFF, Role.PROPERTY_STAFF):
    for model in (InServiceMember, EmployerRegistration, PostClaim, ServiceRecord):
        grant(role, model, "view")
    grant(role, InServiceMember, "export")

# A resident sees their own membership and service records only (OwnRowsForResidents).
for model in (PartyMember, InServiceMember, ServiceRecord):
    grant(Role.RESIDENT, model, "view")
