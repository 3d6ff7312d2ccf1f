"""Roles and the kind of scope each is bound to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    DISPATCHER = "dispatcher", _("District dispatch centre operator")
    STREET_STAFF = "street_staff", _("Street staff")
    COMMUNITY_SECRETARY = "community_secretary", _("Community party secretary")
    SOCIAL_WORKER = "social_worker", _("Community social worker")
    GRID_WORKER = "grid_worker", _("Grid worker")
    BUILDING_HEAD = "building_head", _("Building head")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    PROPERTY_STAFF = "property_staff", _("Property company staff")
    RESIDENT = "resident", _("Resident")


class ScopeKind(models.TextChoices):
    PLACE = "place", _("Place")
    GRID = "grid", _("Grid")
    ORGANISATION = "organisation", _("Organisation")


# role -> (scope kind, place level or organisation kind)
ROLE_SCOPES: dict[str, tuple[str, object]] = {
    Role.DISTRICT_ADMIN: (ScopeKind.PLACE, 1),
    Role.DISPATCHER: (ScopeKind.PLACE, 1),
    Role.STREET_STAFF: (ScopeKind.PLACE, 2),
    Role.COMMUNITY_SECRETARY: (ScopeKind.PLACE, 3),
    Role.SOCIAL_WORKER: (ScopeKind.PLACE, 3),
    Role.GRID_WORKER: (ScopeKind.GRID, None),
    Role.BUILDING_HEAD: (ScopeKind.PLACE, 5),
    Role.DEPARTMENT_STAFF: (ScopeKind.ORGANISATION, "department"),
    Role.PROPERTY_STAFF: (ScopeKind.ORGANISATION, "property"),
    # Until households exist (data-centre issue) a resident is bound to their house.
    Role.RESIDENT: (ScopeKind.PLACE, 7),
}

# Roles that manage other accounts, strongest first: nobody grants a role above their own.
ROLE_RANK = {
    Role.DISTRICT_ADMIN: 1,
    Role.DISPATCHER: 2,
    Role.STREET_STAFF: 2,
    Role.COMMUNITY_SECRETARY: 3,
    Role.SOCIAL_WORKER: 4,
    Role.GRID_WORKER: 5,
    Role.DEPARTMENT_STAFF: 5,
    Role.PROPERTY_STAFF: 5,
    Role.BUILDING_HEAD: 6,
    Role.RESIDENT: 7,
}
