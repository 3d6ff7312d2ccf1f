"""Who may do what in deliberation. Scope: the compound's path (meetings, rhythms) or the matter's place.

Community secretaries, social workers, street staff and district administrators plan and record meetings and decide
matters within their scope. Grid workers and building heads read them and raise matters; property company staff
read the meetings and matters of the compounds they manage and raise matters there (they sit in 三方议事). A
resident raises matters from their house and follows them (their binding covers their house)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import AgendaItem, Matter, Meeting, MeetingPhoto, Participant, Rhythm

MEETING_MODELS = (Meeting, Participant, AgendaItem, MeetingPhoto, Rhythm)

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    for model in MEETING_MODELS:
        grant(role, model, "view", "add", "change")
    grant(role, Matter, "view", "add", "change")

for role in (Role.GRID_WORKER, Role.BUILDING_HEAD, Role.PROPERTY_STAFF):
    for model in MEETING_MODELS:
        grant(role, model, "view")
    grant(role, Matter, "view", "add")

grant(Role.RESIDENT, Matter, "view", "add")
