"""What the owners' committees add to the party's pages (``linli.party.hooks``): the 业委会 badge on party members
who hold a current seat, and the members list's filter by it. Registered from ``registrations.py``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .selectors import current_member_ids, current_seats_of


def badges(resident_ids) -> dict:
    """resident id -> the badges of their current seats (one query)."""
    from linli.party.hooks import Badge

    return {
        resident_id: [Badge("owners_committee", s.badge_label, s.committee.name, "blue") for s in seats]
        for resident_id, seats in current_seats_of(resident_ids).items()
    }


def register() -> None:
    from linli.party.hooks import MemberBadge, hooks

    hooks.add_member_badge(
        MemberBadge(
            "owners_committee",
            _("Owners' committee members"),
            badges=badges,
            holders=current_member_ids,
            order=40,
        )
    )
