"""Who may do what with meetings. Host staff reach meetings in their place scope; everyone else (residents,
party members, grid workers, staff of organisations) reaches the meetings they are invited to or chair
(``Meeting.scope_q``)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import AgendaItem, Invitee, Meeting, Vote

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, Meeting, "view", "add", "change")
    grant(role, AgendaItem, "view", "change")
    grant(role, Invitee, "view", "change")
    grant(role, Vote, "view")

# Everyone else: their invitations (view) and the meetings they chair (change).
for role in (
    Role.DISPATCHER,
    Role.GRID_WORKER,
    Role.BUILDING_HEAD,
    Role.DEPARTMENT_STAFF,
    Role.PROPERTY_STAFF,
    Role.RESIDENT,
):
    grant(role, Meeting, "view", "change")
    grant(role, AgendaItem, "view", "change")
    grant(role, Invitee, "view", "change")
    grant(role, Vote, "view")
