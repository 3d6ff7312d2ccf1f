"""Demo owners' decisions: a small compound of its own (民主示范小区, 12 units of 100 m², 12 owners, one of them with a
login, ``owner01``) with a decision in each state — draft, noticed, voting, closed, published (passing on exactly
3/4 of a major matter), final (failing participation by one unit: 7 of 12 took part, 8 were needed).

Written through the services; the days of the past notices are moved back with one update each (the services only
let a notice be posted for the future): the past votes closed today, and the final one's objection window is moved
into the past."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from . import services
from .models import Decision, ElectorateUnit

UNITS = 12
DEMO_OWNER = "owner01"


def _scan():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), (240, 240, 240)).save(buf, "PNG")
    return SimpleUploadedFile("ballot.png", buf.getvalue(), content_type="image/png")


def _id_number(i: int) -> str:
    """A valid 340504 居民身份证号 for the i-th demo owner (born 1950–1983, a sequence the bulk demo never uses)."""
    from linli.core.validators import id_check_char

    first17 = f"340504{1950 + 3 * i}{(i % 12) + 1:02d}{(i % 27) + 1:02d}99{i % 10}"
    return first17 + id_check_char(first17)


def _compound(ctx):
    from linli.areas import services as areas
    from linli.areas.models import Level, Place
    from linli.registry import services as registry

    actor = ctx.admin
    compound = areas.place_create(actor=actor, parent=ctx.communities[0], name="民主示范小区")
    # placed beside a building of the same community (the demo's map and its checks need coordinates)
    near = Place.objects.filter(level=Level.BUILDING, path__startswith=ctx.communities[0].path).exclude(longitude=None)
    near = near.first()
    where = {"longitude": near.longitude, "latitude": near.latitude} if near else {}
    building = areas.place_create(actor=actor, parent=compound, name="1栋", floors=6, unit_count=1, **where)
    # Every demo building belongs to a grid (the data centre's invariant): the community's first grid.
    areas.grid_assign_buildings(actor=actor, grid=ctx.grids[0][0], buildings=[building])
    unit = areas.place_create(actor=actor, parent=building, name="1单元")
    owners = []
    for i in range(UNITS):
        number = f"{(i // 2) + 1}0{(i % 2) + 1}"
        house = areas.place_create(
            actor=actor,
            parent=unit,
            name=number,
            floor=(i // 2) + 1,
            number=number,
            area=Decimal("100.00"),
            area_source="registered",
            use="residential",
        )
        person = registry.resident_create(actor=actor, name=f"示范业主{i + 1:02d}", home=house, id_number=_id_number(i))
        registry.occupancy_add(actor=actor, house=house, resident=person, kind="owner", since=dt.date(2012, 5, 1))
        owners.append((house, person))
    return compound, owners


def _login(ctx, house, person):
    from linli.accounts import services as acc

    user = acc.user_create(
        actor=ctx.admin,
        username=DEMO_OWNER,
        password=settings.LINLI_DEMO_PASSWORD,
        home=house,
        display_name=person.name,
    )
    acc.binding_add(actor=ctx.admin, user=user, role="resident", place=house)
    person.account = user
    person.save(update_fields=["account"])
    return user


def _noticed(actor, compound, today, matter_type, title, *, back: int = 0, days: int = 7):
    """A decision noticed ``back`` days ago (0: today), voting opening after the notice period."""
    d = services.decision_create(
        actor=actor, compound=compound, matter_type=matter_type, title=title, text=f"{title}：请全体业主表决。"
    )
    opens = today + dt.timedelta(days=services.notice_days())
    d = services.decision_notice(actor=actor, decision=d, opens_on=opens, closes_on=opens + dt.timedelta(days=days))
    if back:
        shift = dt.timedelta(days=back)
        Decision.objects.filter(pk=d.pk).update(
            noticed_on=today - shift, opens_on=opens - shift, closes_on=opens + dt.timedelta(days=days) - shift
        )
        d = Decision.objects.get(pk=d.pk)
    return d


def _vote(ctx, d, owners, choices, *, user=None):
    """Paper ballots for the owners' units (choices in order), the first owner online when ``user`` is given."""
    for (house, _person), choice in zip(owners, choices, strict=False):
        if choice is None:
            continue
        if user is not None and house == owners[0][0]:
            services.ballot_cast_online(actor=user, decision=d, choice=choice)
            continue
        unit = ElectorateUnit.objects.get(decision=d, house=house)
        services.ballot_enter_paper(actor=ctx.admin, decision=d, unit=unit, choice=choice, scan=_scan())


def seed(ctx) -> list[str]:
    actor, today = ctx.admin, ctx.today
    compound, owners = _compound(ctx)
    user = _login(ctx, *owners[0])
    services.decision_create(
        actor=actor, compound=compound, matter_type=2, title="修改管理规约（草稿）", text="管理规约第十二条修改草案。"
    )
    _noticed(actor, compound, today, 4, "续聘物业服务企业")
    voting = _noticed(actor, compound, today, 5, "使用维修资金更换二次供水水箱", back=services.notice_days() + 2)
    voting = services.decision_open(actor=actor, decision=voting)
    _vote(ctx, voting, owners[1:5], ["yes", "yes", "no", "yes"])
    closed = _noticed(actor, compound, today, 1, "修订业主大会议事规则", back=services.notice_days() + 5, days=5)
    closed = services.decision_open(actor=actor, decision=closed)
    _vote(ctx, closed, owners, ["yes"] * 7 + ["no"] * 2, user=user)
    services.decision_close(actor=actor, decision=closed)
    # exactly 3/4: 12 take part, 9 agree — a major matter (7) passes on 3/4 inclusive
    lift = _noticed(actor, compound, today, 7, "1栋加装电梯", back=services.notice_days() + 7, days=7)
    lift = services.decision_open(actor=actor, decision=lift)
    _vote(ctx, lift, owners, ["yes"] * 9 + ["no"] * 3, user=user)
    lift = services.decision_publish(actor=actor, decision=services.decision_close(actor=actor, decision=lift))
    # one unit short: 7 of 12 take part (8 needed for 2/3); published, objection window over → final
    hall = _noticed(actor, compound, today, 8, "架空层改为业主活动室", back=services.notice_days() + 3, days=3)
    hall = services.decision_open(actor=actor, decision=hall)
    _vote(ctx, hall, owners, ["yes"] * 7)
    hall = services.decision_publish(actor=actor, decision=services.decision_close(actor=actor, decision=hall))
    Decision.objects.filter(pk=hall.pk).update(
        published_on=today - dt.timedelta(days=services.objection_days() + 5),
        objections_until=today - dt.timedelta(days=5),
    )
    services.decision_finalise(actor=actor, decision=Decision.objects.get(pk=hall.pk))
    return [
        f"Owners' decisions: {compound.name} ({UNITS} units), 6 decisions (draft, noticed, voting, closed, "
        f"published on exactly 3/4: {'passed' if lift.passed else 'NOT passed'}, final failing participation by "
        f"one unit: {'passed' if hall.passed else 'not passed'}); owner login {DEMO_OWNER}"
    ]
