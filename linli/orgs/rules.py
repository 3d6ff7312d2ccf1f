from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Organisation

grant(Role.DISTRICT_ADMIN, Organisation, "view", "add", "change", "delete")
grant(Role.STREET_STAFF, Organisation, "view", "add", "change")
grant(Role.COMMUNITY_SECRETARY, Organisation, "view", "add", "change")
grant(Role.SOCIAL_WORKER, Organisation, "view")
grant(Role.GRID_WORKER, Organisation, "view")
grant(Role.DEPARTMENT_STAFF, Organisation, "view")
grant(Role.PROPERTY_STAFF, Organisation, "view")
