"""Demo selections in the first community (where the demo "resident" login lives): a 好邻居 selection announced
with its winners — the demo resident among them, so the 360° page shows the honour — in public notice; a 最美楼栋
selection of the demo resident's compound in its voting window (the demo resident has not voted yet: try it on the
phone); and a 好家庭 selection taking nominations. Written through the services; the other residents' votes are bulk
inserted (they have no logins) with one summary audit row, and the announced selection's windows are moved into
the past before it is counted, as if it had run last month."""

from __future__ import annotations

import datetime as dt

from linli.areas.models import Place
from linli.core import audit
from linli.core.paths import COMPOUND, path_at
from linli.registry.models import Household, Resident

from . import services
from .models import Kind, Nomination, Selection, Vote

NEIGHBOUR_REASONS = (
    "常年义务打扫楼道，帮独居老人买菜取药。",
    "邻里纠纷热心调解，大家都信得过。",
    "疫情期间主动当志愿者，为楼栋居民跑腿送物资。",
    "经常帮邻居修水电，从不收钱。",
    "组织楼栋读书会，带着孩子们做手工。",
)


def demo_resident(ctx):
    user = ctx.users.get("resident")
    if user is None:
        return None
    resident = Resident.objects.filter(account=user).first()
    if resident is None:
        binding = user.role_bindings.filter(role="resident").select_related("place").first()
        if binding is not None and binding.place_id:
            resident = (
                Resident.objects.active()
                .filter(home=binding.place, account__isnull=True)
                .aged_between(18, None, ctx.today)
                .order_by("-birth_date", "pk")
                .first()
            )
            if resident is not None:
                Resident.objects.filter(pk=resident.pk).update(account=user)
    return resident


def bulk_votes(selection, nominations, voters, weights, rng) -> int:
    rows = [
        Vote(selection=selection, nomination=rng.choices(nominations, weights=weights)[0], resident=r) for r in voters
    ]
    Vote.objects.bulk_create(rows)
    return len(rows)


def seed(ctx) -> list[str]:
    actor, today, rng = ctx.admin, ctx.today, ctx.rng
    community = ctx.communities[0]
    me = demo_resident(ctx)
    compound = ctx.compounds[0][0]
    if me is not None and me.scope_path.startswith(community.path):
        compound = Place.objects.filter(path=path_at(me.scope_path, COMPOUND)).first() or compound
    people = list(
        Resident.objects.active()
        .filter(scope_path__startswith=community.path, home__isnull=False)
        .exclude(pk=me.pk if me else None)
        .order_by("pk")[:400]
    )
    if len(people) < 10:
        return ["selections: too few residents for a demo selection"]

    # 1. 好邻居, announced: the demo resident wins.
    neighbours = services.selection_create(
        actor=actor,
        place=community,
        kind=Kind.GOOD_NEIGHBOUR,
        title=f"{community.name}{today.year}年度“好邻居”评选",
        period=str(today.year),
        rules="本社区常住居民均可推荐身边的好邻居；社区审核后公开投票，每位居民投一票，得票前三名当选，公示七天。",
        nominate_from=today,
        nominate_until=today,
        vote_from=today,
        vote_until=today,
        seats=3,
    )
    nominees = ([me] if me else []) + rng.sample(people, 4)
    noms = []
    for resident, reason in zip(nominees, NEIGHBOUR_REASONS, strict=False):
        n = services.nominate(actor=actor, selection=neighbours, resident=resident, reason=reason)
        noms.append(services.nomination_accept(actor=actor, nomination=n))
    services.selection_open_vote(actor=actor, selection=neighbours)
    voters = [p for p in people if p.pk not in {r.pk for r in nominees}][:150]
    cast = bulk_votes(neighbours, noms, voters, [9, 6, 4, 3, 2][: len(noms)], rng)
    Selection.objects.filter(pk=neighbours.pk).update(
        nominate_from=today - dt.timedelta(days=40),
        nominate_until=today - dt.timedelta(days=25),
        vote_from=today - dt.timedelta(days=20),
        vote_until=today - dt.timedelta(days=1),
    )
    neighbours = Selection.objects.get(pk=neighbours.pk)
    services.selection_announce(actor=actor, selection=neighbours)

    # 2. 最美楼栋 of the demo resident's compound, in its voting window.
    buildings = list(compound.children.filter(level=5, is_active=True).order_by("path")[:4])
    in_vote = None
    if len(buildings) >= 2:
        in_vote = services.selection_create(
            actor=actor,
            place=compound,
            kind=Kind.BEST_BUILDING,
            title=f"{compound.name}“最美楼栋”评选",
            period=str(today.year),
            rules="比楼道整洁、绿化美化、邻里互助；每位居民一票，得票最多的楼栋当选。",
            nominate_from=today,
            nominate_until=today,
            vote_from=today,
            vote_until=today + dt.timedelta(days=14),
            seats=1,
        )
        building_noms = []
        for b in buildings:
            n = services.nominate(actor=actor, selection=in_vote, building=b, reason="楼道整洁，邻里和睦。")
            building_noms.append(services.nomination_accept(actor=actor, nomination=n))
        services.selection_open_vote(actor=actor, selection=in_vote)
        locals_ = [p for p in people if p.scope_path.startswith(compound.path)][:60]
        cast += bulk_votes(in_vote, building_noms, locals_, [3, 2, 2, 1][: len(building_noms)], rng)

    # 3. 好家庭 taking nominations, one waiting for review.
    families = services.selection_create(
        actor=actor,
        place=community,
        kind=Kind.GOOD_FAMILY,
        title=f"{community.name}{today.year}年度“好家庭”评选",
        period=str(today.year),
        rules="以家庭为单位推荐，孝老爱亲、家风良好；社区审核后公开投票。",
        nominate_from=today,
        nominate_until=today + dt.timedelta(days=10),
        vote_from=today + dt.timedelta(days=11),
        vote_until=today + dt.timedelta(days=25),
        seats=5,
    )
    household = Household.objects.filter(scope_path__startswith=community.path, is_active=True).first()
    if household is not None:
        services.nominate(actor=actor, selection=families, household=household, reason="三代同堂，孝老爱亲。")
    audit.record(
        actor=actor,
        action="seed",
        object_type="selections.vote",
        object_repr="selections demo",
        scope_path=community.path,
        note=f"{cast} demo votes",
    )
    winners = Nomination.objects.filter(selection=neighbours, is_winner=True).count()
    return [
        f"selections: 3 in {community.name} (announced with {winners} winners, "
        f"{'one in its vote' if in_vote else 'none voting'}, one taking nominations), {cast} demo votes"
    ]
