"""Who may do what with devices and alarms. Scope: the device's place path.

District administrators, street staff and community secretaries provision devices, write alarm rules and handle
alarms in their scope; social workers, grid workers and property company staff (their managed compounds) see
devices and acknowledge or clear alarms; department staff see the alarms and devices of their area (a fire
department its hydrants). Quarantined messages are read by those who provision devices."""

from linli.accounts.roles import Role
from linli.core.permissions import grant

from .models import Alarm, AlarmRule, Device, Quarantine

for role in (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_SECRETARY):
    grant(role, Device, "view", "add", "change")
    grant(role, AlarmRule, "view", "add", "change")
    grant(role, Alarm, "view", "change")
    grant(role, Quarantine, "view")

for role in (Role.SOCIAL_WORKER, Role.GRID_WORKER, Role.PROPERTY_STAFF, Role.DEPARTMENT_STAFF, Role.DISPATCHER):
    grant(role, Device, "view")
    grant(role, AlarmRule, "view")
    grant(role, Alarm, "view", "change")
