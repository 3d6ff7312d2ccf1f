"""Who may do what in selections. Scope: the selection's place (a community or a compound).

Community secretaries, social workers, street staff and district administrators hold selections: create them,
review nominations, open the vote, announce and finalise, and export. Grid workers, building heads and property staff
see them. Everyone bound below the place sees the selection itself (``Selection.extra_scope_q``); a resident
nominates and votes as the registry resident linked to their login (``services``), not by a grant."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Nomination, Objection, Selection, Vote

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, Selection, "view", "add", "change", "export")
    grant(role, Nomination, "view", "add", "change", "export")
    grant(role, Vote, "view")
    grant(role, Objection, "view")

for role in (Role.GRID_WORKER, Role.BUILDING_HEAD, Role.PROPERTY_STAFF):
    grant(role, Selection, "view")

grant(Role.RESIDENT, Selection, "view")
