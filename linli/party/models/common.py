"""What the party models share: rows a resident sees only for themselves."""

from __future__ import annotations

from django.db.models import Q


class OwnRowsForResidents:
    """A resident's binding (their house) reaches only their own rows, never their housemates'."""

    resident_field = "resident__account_id"

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        if binding.role == "resident":
            return []
        return binding.place_prefixes()

    @classmethod
    def own_q(cls, binding, action):
        if binding.role == "resident" and action == "view":
            return Q(**{cls.resident_field: binding.user_id})
        return None
