"""Who may do what in 红色物业 and the evaluation. Street and community staff record contracts and open rounds;
property staff see their own company's contracts; residents answer through the service (own household only)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import EvaluationRound, MediationCase, ServiceContract

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY):
    grant(role, ServiceContract, "view", "add", "change")
    grant(role, EvaluationRound, "view", "add", "change")
grant(Role.SOCIAL_WORKER, ServiceContract, "view")
grant(Role.SOCIAL_WORKER, EvaluationRound, "view")
grant(Role.PROPERTY_STAFF, ServiceContract, "view")

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, MediationCase, "view", "add", "change")
