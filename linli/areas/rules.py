"""Who may do what with places and grids (scope comes from each role binding)."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Grid, Place

grant(Role.DISTRICT_ADMIN, Place, "view", "add", "change", "delete")
grant(Role.STREET_STAFF, Place, "view", "add", "change")
grant(Role.COMMUNITY_SECRETARY, Place, "view", "add", "change")
grant(Role.SOCIAL_WORKER, Place, "view", "add", "change")
grant(Role.GRID_WORKER, Place, "view", "change")
grant(Role.BUILDING_HEAD, Place, "view")
grant(Role.DEPARTMENT_STAFF, Place, "view")
grant(Role.PROPERTY_STAFF, Place, "view")
grant(Role.RESIDENT, Place, "view")

grant(Role.DISTRICT_ADMIN, Grid, "view", "add", "change", "delete")
grant(Role.STREET_STAFF, Grid, "view", "add", "change")
grant(Role.COMMUNITY_SECRETARY, Grid, "view", "add", "change")
grant(Role.SOCIAL_WORKER, Grid, "view")
grant(Role.GRID_WORKER, Grid, "view")
grant(Role.BUILDING_HEAD, Grid, "view")
