"""What the micro-wishes add to the party's 双报到 sheet (``linli.party.hooks``): the wishes an in-service member
claimed on the board in the quarter, one section of their quarterly record sheet. Registered from
``registrations.py``."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .models import ClaimState


def sheet_collect(user, members, start, end) -> dict:
    """member pk -> the claims of their resident record active at some time in [start, end], through ``restrict``."""
    by_resident = {}
    for m in members:
        by_resident.setdefault(m.resident_id, []).append(m.pk)
    out = {}
    claims = (
        selectors.claims(user)
        .filter(resident_id__in=list(by_resident), created_at__date__lte=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__date__gte=start))
        .order_by("created_at", "pk")
    )
    for claim in claims:
        for pk in by_resident.get(claim.resident_id, []):
            out.setdefault(pk, []).append(claim)
    return out


def sheet_row(claim) -> list:
    return [
        timezone.localtime(claim.created_at).date(),
        claim.wish.title,
        claim.get_state_display(),
        timezone.localtime(claim.ended_at).date() if claim.ended_at else "",
    ]


def sheet_summary(claims) -> str:
    fulfilled = sum(1 for c in claims if c.state == ClaimState.DONE)
    return _("%(n)s micro-wishes claimed (%(fulfilled)s fulfilled)") % {"n": len(claims), "fulfilled": fulfilled}


def register() -> None:
    from linli.party.hooks import SheetSection, hooks

    hooks.add_sheet_section(
        SheetSection(
            "wishes.claims",
            gettext_lazy("Micro-wishes"),
            (gettext_lazy("Claimed on"), gettext_lazy("Micro-wish"), gettext_lazy("State"), gettext_lazy("Ended on")),
            collect=sheet_collect,
            row=sheet_row,
            summary=sheet_summary,
            order=20,
        )
    )
