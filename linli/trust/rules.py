"""Who may do what with trust accounts. Scope: the compound's path (accounts, budgets, entries, statements) or the
unit's path (fee bills).

Community secretaries, street staff and district administrators open accounts, record budgets, post journal
entries, reverse entries and close months. Property company staff (the trustee) bill, collect and record spending
for the compounds they manage. Building heads collect fees in their building (酬金制 self-managed compounds).
Residents, building heads and grid workers read their compound's account and statements; a resident sees only
their own bills."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Budget, Entry, FeeBill, Receipt, Statement, TrustAccount

READ = (TrustAccount, Budget, Entry, Receipt, Statement)

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY):
    grant(role, TrustAccount, "view", "add", "change")
    for model in READ[1:]:
        grant(role, model, "view")
    grant(role, FeeBill, "view", "add", "change")

grant(Role.SOCIAL_WORKER, TrustAccount, "view")
grant(Role.SOCIAL_WORKER, Statement, "view")

for model in READ:
    grant(Role.PROPERTY_STAFF, model, "view")
grant(Role.PROPERTY_STAFF, FeeBill, "view", "add", "change")

for role in (Role.RESIDENT, Role.BUILDING_HEAD, Role.GRID_WORKER):
    for model in READ:
        grant(role, model, "view")
    grant(role, FeeBill, "view")
grant(Role.BUILDING_HEAD, FeeBill, "change")
