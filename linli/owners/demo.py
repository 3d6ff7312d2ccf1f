"""Demo owners' committees: one in the first compound of the secretary's community and of the next community,
5–7 seats each, held by owners of the compound only, party members first (so the party pages show the 业委会
badge), written through the services."""

from __future__ import annotations

import datetime as dt

from linli.core.workdays import add_years
from linli.registry.models import Resident

from . import services
from .models import Position

SEATS = (7, 5)


def _communities(ctx) -> list:
    secretary = ctx.users.get("secretary")
    first = None
    if secretary is not None:
        first = next((b.place for b in secretary.active_bindings() if b.place_id), None)
    ordered = [c for c in ctx.communities if first is not None and c.pk == first.pk]
    ordered += [c for c in ctx.communities if c not in ordered]
    return ordered[: len(SEATS)]


def _owners(compound, since) -> object:
    """Residents who own a house in the compound from ``since`` until today: only owners may hold a seat
    (建房〔2009〕274号; ``services.seat_add`` refuses anyone else)."""
    from linli.registry.selectors import owner_holdings

    then = owner_holdings(compound, since).values("resident_id")
    now = owner_holdings(compound).values("resident_id")
    return Resident.objects.active().filter(pk__in=then).filter(pk__in=now)


def _candidates(compound, n: int, since) -> list:
    from linli.party.models import PartyMember

    owners = _owners(compound, since).filter(birth_date__isnull=False)
    here = owners.filter(scope_path__startswith=compound.path)  # owner-occupiers first: their branch is here
    members = list(
        here.filter(pk__in=PartyMember.objects.filter(is_active=True).values("resident_id")).order_by("pk")[:2]
    )
    if not members:  # the party seeder did not run (or seated nobody here): members by political status
        members = list(here.filter(political_status="cpc_member").order_by("pk")[:2])
    chosen = members + list(here.exclude(pk__in=[m.pk for m in members]).order_by("pk")[: n - len(members)])
    if len(chosen) < n:  # owners living elsewhere
        chosen += list(owners.exclude(pk__in=[p.pk for p in chosen]).order_by("pk")[: n - len(chosen)])
    return chosen


def seed(ctx) -> list[str]:
    actor, today = ctx.admin, ctx.today
    made, seats = 0, 0
    communities = {c.pk: i for i, c in enumerate(ctx.communities)}
    for k, community in enumerate(_communities(ctx)):
        compounds = ctx.compounds[communities[community.pk]] if community.pk in communities else []
        if not compounds:
            continue
        compound = compounds[0]
        # the first mid-term; the second's five years nearly over, so re-election (换届) is due
        start = add_years(today, -2).replace(day=1) if k == 0 else add_years(today, -5) + dt.timedelta(days=60)
        end = add_years(start, 5) - dt.timedelta(days=1)
        committee = services.committee_create(
            actor=actor,
            compound=compound,
            name=f"{compound.name}业主委员会",
            term_start=start,
            term_end=end,
            filed_on=start + dt.timedelta(days=20),
        )
        made += 1
        people = _candidates(compound, SEATS[k], start)
        for i, resident in enumerate(people):
            position = Position.CHAIR if i == 0 else Position.VICE_CHAIR if i == 1 else Position.MEMBER
            services.seat_add(actor=actor, committee=committee, resident=resident, position=position, since=start)
            seats += 1
        if k == 0 and len(people) > 2:  # one member stepped down and was replaced: a past seat on the page
            gone = committee.seats.order_by("-pk").first()
            services.seat_end(actor=actor, seat=gone, until=start + dt.timedelta(days=300))
            replaced_on = start + dt.timedelta(days=301)
            spare = _owners(compound, replaced_on).exclude(pk__in=[p.pk for p in people]).order_by("pk").first()
            if spare is not None:
                services.seat_add(actor=actor, committee=committee, resident=spare, since=replaced_on)
                seats += 1
    return [f"owners: {made} owners' committees, {seats} seats"]
