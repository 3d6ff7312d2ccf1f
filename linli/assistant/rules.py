"""Who may do what with the assistant's routing.

Suggestions sit on the case's place: every staff role that sees the case sees its suggestion (the dispatcher
decides through the work-order services, which check the queue). The model versions and the dispatch history are
district-wide: the dispatch centre and district administrators train, roll back and read them; street and
community staff read the accuracy figures."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import RoutingExample, RoutingModel, Suggestion

for role in (Role.DISTRICT_ADMIN, Role.DISPATCHER):
    grant(role, RoutingModel, "view", "change")
    grant(role, RoutingExample, "view")
for role in (Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, RoutingModel, "view")
for role in (
    Role.DISTRICT_ADMIN,
    Role.DISPATCHER,
    Role.STREET_STAFF,
    Role.COMMUNITY_SECRETARY,
    Role.SOCIAL_WORKER,
    Role.GRID_WORKER,
):
    grant(role, Suggestion, "view")
