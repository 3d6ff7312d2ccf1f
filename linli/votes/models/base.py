"""The scope of votes rows: the compound's path. Staff reach them through the place tree (and property staff
through the compounds their company manages); residents, grid workers and building heads, bound below the compound,
read the decisions of their compound (the 公告 is public to its owners)."""

from __future__ import annotations

from django.db.models import Q

from linli.core.models import ScopedModel
from linli.core.paths import PATH_LENGTHS

COMPOUND_PATH_LENGTH = PATH_LENGTHS[4]
BELOW_COMPOUND_ROLES = ("grid_worker", "building_head", "resident")


class VotesScoped(ScopedModel):
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
