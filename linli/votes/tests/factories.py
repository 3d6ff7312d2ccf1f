"""Builders for votes tests: a compound of our own under community A1 with units of given areas and owners."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from linli.accounts.testing import PASSWORD, system_user
from linli.core import dates

from .. import services

_n = itertools.count(1)
SINCE = dt.date(2010, 1, 1)


@dataclass
class Estate:
    compound: object
    unit_place: object
    houses: list = field(default_factory=list)
    owners: dict = field(default_factory=dict)  # key -> Resident


def png(name="scan.png"):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (30, 30, 200)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def house(estate, *, area="100.00", source="registered", number=None):
    from linli.areas import services as areas

    n = number or f"{len(estate.houses) + 101}"
    h = areas.place_create(
        actor=system_user(),
        parent=estate.unit_place,
        name=n,
        floor=1,
        number=n,
        area=Decimal(area) if area is not None else None,
        area_source=source if area is not None else "",
        use="residential",
    )
    estate.houses.append(h)
    return h


def owner(estate, key, home):
    from linli.registry import services as registry

    if key not in estate.owners:
        estate.owners[key] = registry.resident_create(
            actor=system_user(), name=f"业主{key}", home=home, phone=f"1390000{next(_n):04d}"
        )
    return estate.owners[key]


def own(estate, key, h, kind="owner", share=None):
    from linli.registry import services as registry

    registry.occupancy_add(
        actor=system_user(), house=h, resident=owner(estate, key, h), kind=kind, since=SINCE, share=share
    )


def estate(tree, units) -> Estate:
    """``units``: (area, owner key | None | "dev") per unit; one owner key across units = one owner of several."""
    from linli.areas import services as areas

    root = system_user()
    compound = areas.place_create(actor=root, parent=tree.comm_a1, name=f"投票花园{next(_n)}")
    building = areas.place_create(actor=root, parent=compound, name="1栋", floors=6, unit_count=1)
    unit_place = areas.place_create(actor=root, parent=building, name="1单元")
    e = Estate(compound=compound, unit_place=unit_place)
    for area, key in units:
        h = house(e, area=area)
        if key == "dev":
            services.developer_unit_mark(actor=root, house=h)
        elif key is not None:
            own(e, key, h)
    return e


def login(estate, key):
    """A resident account linked to owner ``key``."""
    from linli.accounts import services as acc

    person = estate.owners[key]
    if person.account_id:
        return person.account
    user = acc.user_create(
        actor=system_user(), username=f"owner{next(_n)}", password=PASSWORD, home=person.home, display_name=person.name
    )
    acc.binding_add(actor=system_user(), user=user, role="resident", place=person.home)
    person.account = user
    person.save(update_fields=["account"])
    return user


def draft(tree, e, *, matter_type=4, actor=None, title="续聘物业服务企业"):
    return services.decision_create(
        actor=actor or tree.users["secretary_a1"],
        compound=e.compound,
        matter_type=matter_type,
        title=title,
        text="是否续聘怡心物业三年",
    )


def noticed(tree, e, **kw):
    d = draft(tree, e, **kw)
    today = dates.today()
    opens = today + dt.timedelta(days=services.notice_days())
    return services.decision_notice(
        actor=tree.users["secretary_a1"], decision=d, opens_on=opens, closes_on=opens + dt.timedelta(days=10)
    )


def shift(monkeypatch, day):
    monkeypatch.setattr("linli.core.dates.today", lambda: day)


def voting(tree, e, monkeypatch, **kw):
    d = noticed(tree, e, **kw)
    shift(monkeypatch, d.opens_on)
    return services.decision_open(actor=tree.users["secretary_a1"], decision=d)


def close_and_publish(tree, d, monkeypatch):
    shift(monkeypatch, d.closes_on)
    d = services.decision_close(actor=tree.users["secretary_a1"], decision=d)
    return services.decision_publish(actor=tree.users["secretary_a1"], decision=d)


def paper(tree, d, house_obj, choice):
    from ..models import ElectorateUnit

    unit = ElectorateUnit.objects.get(decision=d, house=house_obj)
    return services.ballot_enter_paper(
        actor=tree.users["secretary_a1"], decision=d, unit=unit, choice=choice, scan=png()
    )
