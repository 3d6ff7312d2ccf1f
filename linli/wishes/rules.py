"""Who may do what with 微心愿. Community staff review; grid workers and building heads submit for residents;
residents see their own wishes and claims (models' scope_q); claiming goes through the public board."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Wish, WishClaim, WishPhoto

for role in (Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, Wish, "view", "add", "change", "export")  # export: the wish list with claimers (names only)
    grant(role, WishClaim, "view")
    grant(role, WishPhoto, "view")
for role in (Role.STREET_STAFF, Role.GRID_WORKER, Role.BUILDING_HEAD):
    grant(role, Wish, "view", "add")
    grant(role, WishClaim, "view")
    grant(role, WishPhoto, "view")
for role in (Role.RESIDENT, Role.DEPARTMENT_STAFF, Role.PROPERTY_STAFF):
    grant(role, WishClaim, "view")  # their own / their organisation's claims only
grant(Role.RESIDENT, Wish, "view")  # their own wishes only
grant(Role.RESIDENT, WishPhoto, "view")
