"""Who may do what with pairings and visits. Visit logs hold findings about people: residents see only the
pairings and visits where they are the visiting member; organisations those of their own pairings."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import CareEvent, Errand, Pairing, Visit, VisitNeed, VisitRule

WORK = (Pairing, Visit, VisitNeed, CareEvent, Errand)

for model in WORK:
    for role in (Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.GRID_WORKER):
        grant(role, model, "view", "add", "change")
    grant(Role.STREET_STAFF, model, "view")
    grant(Role.BUILDING_HEAD, model, "view", "add")
for model in (Pairing, Visit, VisitNeed):
    for role in (Role.RESIDENT, Role.DEPARTMENT_STAFF, Role.PROPERTY_STAFF):
        grant(role, model, "view")
for role in (
    Role.DISTRICT_ADMIN,
    Role.STREET_STAFF,
    Role.COMMUNITY_SECRETARY,
    Role.SOCIAL_WORKER,
    Role.GRID_WORKER,
    Role.BUILDING_HEAD,
):
    grant(role, VisitRule, "view")
grant(Role.DISTRICT_ADMIN, VisitRule, "change")

for role in (Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.GRID_WORKER):
    grant(role, Visit, "export")
    grant(role, Errand, "export")
