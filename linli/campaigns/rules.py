"""Who may do what in rectification campaigns.

District administrators and street staff run campaigns (their own place's and below); community secretaries and
social workers see the campaigns above them and inspect, file findings and open work orders in their compounds;
grid workers see and inspect the compounds of their buildings. Scope: the owner's path for a campaign, the
compound's path for targets, inspections and findings (models/base.py)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Campaign, ChecklistItem, Finding, Inspection, InspectionPhoto, Target, Theme

PLAN = (Campaign, Theme, ChecklistItem)
FIELD = (Target, Inspection, InspectionPhoto, Finding)

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF):
    for model in PLAN + FIELD:
        grant(role, model, "view", "add", "change")

for role in (Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    for model in PLAN:
        grant(role, model, "view")
    for model in FIELD:
        grant(role, model, "view", "add", "change")

for model in PLAN:
    grant(Role.GRID_WORKER, model, "view")
for model in FIELD:
    grant(Role.GRID_WORKER, model, "view", "add")
