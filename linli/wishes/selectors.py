"""Reads on 微心愿.

Staff and residents read through ``restrict``. The public board is the one deliberate exception: every logged-in
user (a volunteer, a party member, an organisation's staff) may see *published* wishes anywhere, but only through
``board()``, which selects the privacy-safe columns alone (surname + 某, the need, type, value, community name) —
never the resident, the address or who submitted it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum

from linli.core.permissions import Action, restrict

from .models import PUBLIC_STATES, ClaimState, State, Wish, WishClaim

BOARD_FIELDS = (
    "id",
    "public_name",
    "title",
    "need",
    "kind",
    "estimated_value",
    "state",
    "published_at",
    "fulfil_within_days",
    "community__name",
)


def wishes(user, *, state: str = "", q: str = "", action: str = Action.VIEW):
    qs = restrict(Wish.objects.all(), user, action).select_related("resident", "community")
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(resident__name__icontains=q))
    return qs.order_by("-created_at", "-id")


def wish_for(user, pk, action: str = Action.VIEW) -> Wish | None:
    return wishes(user, action=action).filter(pk=pk).first()


def board(*, state: str = "", kind: str = ""):
    """Published wishes for the public board, privacy-safe columns only (a values() queryset of dicts)."""
    qs = Wish.objects.filter(state__in=PUBLIC_STATES)
    if state in PUBLIC_STATES:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-published_at", "-id").values(*BOARD_FIELDS)


def board_item(pk) -> dict | None:
    return board().filter(pk=pk).first()


def my_wishes(user):
    return Wish.objects.filter(resident__account_id=user.pk).select_related("community").order_by("-created_at")


def claims(user, *, mine: bool = False, state: str = ""):
    qs = restrict(WishClaim.objects.all(), user).select_related("wish", "wish__community", "organisation", "resident")
    if mine:
        qs = qs.filter(user_id=user.pk) | qs.filter(
            organisation_id__in=[b.organisation_id for b in _org_bindings(user)]
        )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def _org_bindings(user):
    from linli.core.permissions import bindings_for

    return [b for b in bindings_for(user) if b.organisation_id]


def fulfilled_by(
    *, resident=None, organisation=None, user=None, since: dt.date | None = None, until: dt.date | None = None
) -> dict:
    """Statistics for score cards: confirmed wishes a claimer fulfilled (count, share-weighted value).

    One of ``resident`` (a party member, in-service member or volunteer), ``organisation`` or ``user``.
    Dates bound the confirmation date (inclusive)."""
    qs = WishClaim.objects.filter(state=ClaimState.DONE, wish__state=State.CONFIRMED)
    if resident is not None:
        qs = qs.filter(resident=resident)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if user is not None:
        qs = qs.filter(user=user)
    if since:
        qs = qs.filter(wish__confirmed_at__date__gte=since)
    if until:
        qs = qs.filter(wish__confirmed_at__date__lte=until)
    value = ExpressionWrapper(
        F("wish__estimated_value") * F("share") / Decimal(100),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    agg = qs.aggregate(count=Count("wish", distinct=True), value=Sum(value))
    return {"count": agg["count"] or 0, "value": (agg["value"] or Decimal("0")).quantize(Decimal("0.01"))}


def fulfilled_claims(residents=None, org_ids=None, year=None):
    """For score cards (unscoped; they restrict their own subjects): confirmed micro-wishes claimed, whole or in
    part, by these residents (ids or a subquery) or organisations, confirmed in ``year``. One query of
    ``(resident_id, organisation_id, wish_id, wish title, share)``."""
    qs = WishClaim.objects.filter(state=ClaimState.DONE, wish__state=State.CONFIRMED, wish__confirmed_at__year=year)
    if residents is not None:
        qs = qs.filter(resident_id__in=residents)
    if org_ids is not None:
        qs = qs.filter(organisation_id__in=org_ids)
    return qs.values_list("resident_id", "organisation_id", "wish_id", "wish__title", "share")


def board_fulfilled_pairs(org_ids, wish_ids) -> set[tuple[int, int]]:
    """(organisation, wish) pairs among ``wish_ids`` that the organisations fulfilled on the board (confirmed, any
    year). One query; unscoped, for score cards."""
    if not wish_ids:
        return set()
    return set(
        WishClaim.objects.filter(
            organisation_id__in=org_ids, wish_id__in=wish_ids, state=ClaimState.DONE, wish__state=State.CONFIRMED
        ).values_list("organisation_id", "wish_id")
    )


def stats_by_state(user) -> dict[str, int]:
    rows = restrict(Wish.objects.all(), user).values("state").annotate(n=Count("id"))
    return {r["state"]: r["n"] for r in rows}
