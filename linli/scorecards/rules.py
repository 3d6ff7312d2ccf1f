"""Who may compute, publicise and finalise score cards, and who sees them."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import CardSettings, Indicator, Objection, ScoreCard, ScoreRun

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY):
    grant(role, ScoreRun, "view", "add", "change", "export")
    grant(role, ScoreCard, "view", "export")
    grant(role, Objection, "view", "add")
    grant(role, Indicator, "view")
    grant(role, CardSettings, "view")
grant(Role.SOCIAL_WORKER, ScoreRun, "view")
grant(Role.SOCIAL_WORKER, ScoreCard, "view")
grant(Role.SOCIAL_WORKER, Objection, "view", "add")
grant(Role.DISTRICT_ADMIN, Indicator, "add", "change")
grant(Role.DISTRICT_ADMIN, CardSettings, "add", "change")
# A party member sees their own card while it is publicised or final, and may object to it.
grant(Role.RESIDENT, ScoreCard, "view")
grant(Role.RESIDENT, Objection, "view", "add")
