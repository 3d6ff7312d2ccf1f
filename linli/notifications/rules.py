from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Notification

# Everyone with a role has an inbox; scope_q limits each to their own messages.
for role in Role.values:
    grant(role, Notification, "view", "change")
