"""Builders for meeting tests: residents with logins, a ready meeting."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from linli.accounts import services as acc
from linli.accounts.testing import PASSWORD, system_user
from linli.meetings import services
from linli.registry import services as reg

_n = itertools.count(1)


def resident_user(home, username=None, name=None):
    root = system_user()
    username = username or f"mtg_res{next(_n)}"
    user = acc.user_create(actor=root, username=username, password=PASSWORD, home=home, display_name=username)
    acc.binding_add(actor=root, user=user, role="resident", place=home)
    resident = reg.resident_create(actor=root, name=name or f"居民{username[-3:]}", home=home)
    resident.account = user
    resident.save(update_fields=["account"])
    user.refresh_from_db()
    return user


def meeting(tree, *, n_invitees=5, items=("增设电动车充电桩",), state="open", host=None, **attrs):
    host = host or tree.users["secretary_a1"]
    now = timezone.now()
    attrs.setdefault("title", "雨秀社区居民议事会")
    attrs.setdefault("host_kind", "residents_council")
    attrs.setdefault("host_name", "雨秀社区居民议事会")
    attrs.setdefault("starts_at", now - dt.timedelta(minutes=10))
    attrs.setdefault("ends_at", now + dt.timedelta(hours=2))
    m = services.meeting_create(actor=host, place=attrs.pop("place", tree.comm_a1), **attrs)
    for title in items:
        services.item_add(actor=host, meeting=m, title=title)
    users = [resident_user(tree.house_a1) for _ in range(n_invitees)]
    services.invite(actor=host, meeting=m, users=users)
    if state in ("scheduled", "open"):
        services.meeting_schedule(actor=host, meeting=m)
    if state == "open":
        services.meeting_open(actor=host, meeting=m)
    m.refresh_from_db()
    return m, users
