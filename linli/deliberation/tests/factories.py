"""Helpers for the deliberation tests: meetings and matters written through the services."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from linli.core import dates

from .. import services
from ..models import Kind, Seat


def png(name="p.png"):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def meeting(tree, *, actor=None, day=None, kind=Kind.TRIPARTITE, compound=None, title="三方议事"):
    return services.meeting_create(
        actor=actor or tree.users["secretary_a1"],
        compound=compound or tree.compound_a1,
        kind=kind,
        title=title,
        scheduled_on=day or dates.today(),
    )


def three_seats(tree, m, actor=None):
    actor = actor or tree.users["secretary_a1"]
    services.participant_add(actor=actor, meeting=m, seat=Seat.PARTY, name="王书记")
    services.participant_add(actor=actor, meeting=m, seat=Seat.PROPERTY, name="李经理", organisation=tree.property_co)
    services.participant_add(actor=actor, meeting=m, seat=Seat.COMMITTEE, name="赵主任")


def held(tree, *, day=None, held_on=None, seats=True, **kw):
    m = meeting(tree, day=day, **kw)
    if seats:
        three_seats(tree, m)
    else:
        services.participant_add(actor=tree.users["secretary_a1"], meeting=m, seat=Seat.PARTY, name="王书记")
    return services.meeting_hold(
        actor=tree.users["secretary_a1"], meeting=m, held_on=held_on or m.scheduled_on, minutes="议定事项"
    )


def matter(tree, *, actor=None, place=None, title="楼道堆放杂物", description="3单元楼道堆满了纸箱"):
    return services.matter_raise(
        actor=actor or tree.users["secretary_a1"], place=place or tree.compound_a1, title=title, description=description
    )


def last_month(today=None):
    today = today or dates.today()
    return today.replace(day=1) - dt.timedelta(days=1)
