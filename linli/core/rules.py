from linli.accounts.roles import Role
from linli.core.models import CalendarDay
from linli.core.permissions import grant

for role in (Role.DISTRICT_ADMIN, Role.DISPATCHER, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, CalendarDay, "view")
grant(Role.DISTRICT_ADMIN, CalendarDay, "add", "change", "delete")
