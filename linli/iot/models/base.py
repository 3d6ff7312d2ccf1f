"""The scope of sensing rows: the place tree, plus the reaches the tree alone does not give.

* Property company staff (an organisation binding) work on the compounds their company manages
  (``Organisation.served_prefixes``), as they do on places.
* Grid workers and building heads (bound below the compound) see the rows placed at their buildings' compound
  (a compound's water-level sensor, its gate's door controller).
* Department staff (the fire brigade) see the alarms routed to their organisation — by the rule or as the lead
  handler of the alarm's work order — and those alarms' devices.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from linli.core.models import ScopedModel
from linli.core.paths import PATH_LENGTHS

COMPOUND_PATH_LENGTH = PATH_LENGTHS[4]
BELOW_COMPOUND_ROLES = ("grid_worker", "building_head")


def routed_to(org_id: int, prefix: str = "") -> Q:
    return Q(**{f"{prefix}rule__case_org_id": org_id}) | Q(**{f"{prefix}case__lead_org_id": org_id})


class IotScoped(ScopedModel):
    class Meta:
        abstract = True

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        prefixes = list(binding.place_prefixes())
        if binding.organisation_id and binding.organisation.kind == "property":
            prefixes += binding.organisation.served_prefixes()
        return prefixes

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        if str(binding.role) not in BELOW_COMPOUND_ROLES or action != "view":
            return None
        compounds = sorted(
            {p[:COMPOUND_PATH_LENGTH] for p in binding.place_prefixes() if len(p) > COMPOUND_PATH_LENGTH}
        )
        return Q(**{f"{cls.scope_field}__in": compounds}) if compounds else None


class AlarmScoped(IotScoped):
    class Meta:
        abstract = True

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        q = super().extra_scope_q(binding, action)
        if binding.organisation_id and binding.organisation.kind != "property":
            mine = routed_to(binding.organisation_id)
            q = mine if q is None else q | mine
        return q


class DeviceScoped(IotScoped):
    class Meta:
        abstract = True

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        q = super().extra_scope_q(binding, action)
        if action == "view" and binding.organisation_id and binding.organisation.kind != "property":
            from .alarms import Alarm

            mine = Q(Exists(Alarm.objects.filter(routed_to(binding.organisation_id), device=OuterRef("pk"))))
            q = mine if q is None else q | mine
        return q
