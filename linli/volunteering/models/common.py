"""What the volunteering models share: rows about one volunteer, and write-once rows."""

from __future__ import annotations

from django.db import models

from linli.core.models import ScopedModel


class PersonalRows(ScopedModel):
    """Rows about one volunteer: a resident's house binding reaches only their own (``extra_scope_q``), not their
    housemates'."""

    class Meta:
        abstract = True

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        return [] if binding.role == "resident" else binding.place_prefixes()


def own_q(lookup: str, binding) -> models.Q | None:
    """Rows about the binding's own user as a volunteer (the resident linked to the login)."""
    if not binding.user_id:
        return None
    return models.Q(**{lookup: binding.user_id})


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("confirmed service records cannot be changed")

    def delete(self):
        raise PermissionError("confirmed service records cannot be deleted")
