"""Who may do what with points: staff run the shop and see ledgers in their scope; residents see their own."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import EarningRule, LedgerEntry, Order, PointsAccount, ShopItem

STAFF = (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER)

for role in STAFF:
    grant(role, PointsAccount, "view")
    grant(role, LedgerEntry, "view")
    grant(role, ShopItem, "view")
    grant(role, Order, "view")
    grant(role, EarningRule, "view")
for role in (Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER):
    grant(role, PointsAccount, "change")  # corrections (new entries)
    grant(role, ShopItem, "add", "change")
    grant(role, Order, "change")  # hand over, cancel
    grant(role, PointsAccount, "export")  # the ledger and balances (names only)
    grant(role, LedgerEntry, "export")
    grant(role, Order, "export")
grant(Role.DISTRICT_ADMIN, EarningRule, "change")

# Residents: their own account, ledger and orders (extra_scope_q on the user), and the shops where they live.
for model in (PointsAccount, LedgerEntry, Order, ShopItem):
    grant(Role.RESIDENT, model, "view")
