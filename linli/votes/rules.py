"""Who may do what with owners' decisions. Scope: the compound's path.

Community secretaries, social workers, street staff and district administrators prepare decisions, freeze the
electorate, open and close the vote, enter paper ballots and publish the result in their scope. Property staff,
grid workers, building heads and residents read the decisions of their compound (the 公告); an owner votes as the
representative of a unit in the frozen electorate (checked by the ballot service, not by a grant)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Attachment, Ballot, Decision, Designation, DeveloperUnit, ElectorateUnit

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, Decision, "view", "add", "change")
    grant(role, Attachment, "view", "add")
    grant(role, Designation, "view", "add", "change")
    grant(role, DeveloperUnit, "view", "add", "delete")
    grant(role, ElectorateUnit, "view")
    grant(role, Ballot, "view", "add")

for role in (Role.PROPERTY_STAFF, Role.GRID_WORKER, Role.BUILDING_HEAD, Role.RESIDENT):
    grant(role, Decision, "view")
    grant(role, Attachment, "view")
