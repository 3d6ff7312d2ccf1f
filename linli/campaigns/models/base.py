"""The scope of campaign rows: the place tree, plus the reaches the tree alone does not give.

* A campaign belongs to the district or a street (``scope_path`` is the owner's path), yet the communities and
  grid workers below it work on it: a binding *below* the owner sees the campaign (view only).
* Targets, inspections and findings sit at a compound. Grid workers (bound to buildings, below the compound) see
  and inspect the compounds their buildings are in."""

from __future__ import annotations

from django.db.models import Q

from linli.core.models import ScopedModel
from linli.core.paths import PATH_LENGTHS, ancestor_paths

COMPOUND_PATH_LENGTH = PATH_LENGTHS[4]
STREET_PATH_LENGTH = PATH_LENGTHS[2]
BELOW_COMPOUND_ROLES = ("grid_worker", "building_head")


class CampaignScoped(ScopedModel):
    """Rows placed at the owner (district or street): seen from below as well."""

    class Meta:
        abstract = True

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        if action != "view":
            return None
        owners = sorted(
            {a for p in binding.place_prefixes() for a in ancestor_paths(p) if len(a) <= STREET_PATH_LENGTH}
        )
        return Q(**{f"{cls.scope_field}__in": owners}) if owners else None


class CompoundScoped(ScopedModel):
    """Rows placed at a compound: grid workers and building heads reach their buildings' compounds."""

    class Meta:
        abstract = True

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        if str(binding.role) not in BELOW_COMPOUND_ROLES or action not in ("view", "add"):
            return None
        compounds = sorted(
            {p[:COMPOUND_PATH_LENGTH] for p in binding.place_prefixes() if len(p) > COMPOUND_PATH_LENGTH}
        )
        return Q(**{f"{cls.scope_field}__in": compounds}) if compounds else None
