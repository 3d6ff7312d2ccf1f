from linli.core.models import AuditLog, CalendarDay, EventDelivery, OutboxEvent
from linli.core.permissions import grant

from .models import RoleBinding, User
from .roles import Role

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY):
    grant(role, User, "view", "add", "change")
    grant(role, RoleBinding, "view", "add", "change", "delete")
grant(Role.SOCIAL_WORKER, User, "view")
grant(Role.SOCIAL_WORKER, RoleBinding, "view")

# The audit trail: district administrators read it for their district (domain-rules §8).
grant(Role.DISTRICT_ADMIN, AuditLog, "view")

# The outbox's deliveries and dead letters (/outbox/): district administrators see and replay them.
grant(Role.DISTRICT_ADMIN, OutboxEvent, "view")
grant(Role.DISTRICT_ADMIN, EventDelivery, "view", "change")

# The statutory calendar (core.CalendarDay): the roles that plan deadlines read it; district administrators keep it.
for role in (Role.DISTRICT_ADMIN, Role.DISPATCHER, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, CalendarDay, "view")
grant(Role.DISTRICT_ADMIN, CalendarDay, "add", "change", "delete")
