"""Demo door access: in the first compound, a gate and a door per building (card, QR, password; face at the gate
alongside the others), cards and QR codes for its residents, a week of access events (bulk, pseudonymised, one
summary audit row) with the morning and evening peaks, and a visitor pass issued by the demo resident."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

from linli.areas.models import Place
from linli.core import audit
from linli.core.paths import BUILDING, PATH_LENGTHS
from linli.registry.models import Resident

from . import services
from .conf import pseudonym
from .models import AccessEvent

# weight of each local hour: the peaks of leaving for work and coming home
HOUR_WEIGHTS = [1, 0, 0, 0, 0, 1, 4, 9, 7, 3, 2, 3, 4, 3, 2, 3, 4, 6, 9, 7, 5, 3, 2, 1]


def seed(ctx) -> list[str]:
    actor, rng = ctx.admin, ctx.rng
    compound = ctx.compounds[0][0]
    buildings = list(
        Place.objects.filter(path__startswith=compound.path, path__regex=rf"^.{{{PATH_LENGTHS[BUILDING]}}}$").order_by(
            "path"
        )[: 2 if ctx.small else 4]
    )
    gate, _ = services.door_create(actor=actor, place=compound, name="南大门", methods=["card", "qr", "face"])
    doors = [gate]
    for b in buildings:
        doors.append(services.door_create(actor=actor, place=b, name="单元门", methods=["card", "qr", "password"])[0])
    residents = list(Resident.objects.filter(scope_path__startswith=compound.path, is_active=True)[:40])
    for i, r in enumerate(residents):
        services.credential_issue(actor=actor, resident=r, kind="card", value=f"DEMO{r.pk:06d}")
        if i % 2 == 0 or r.account_id:
            services.credential_issue(actor=actor, resident=r, kind="qr")
    refs = [pseudonym(r.pk) for r in residents] or [""]
    now = timezone.now()
    local_midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    for day in range(7, -1, -1):
        for hour, weight in enumerate(HOUR_WEIGHTS):
            for _ in range(weight * (1 if ctx.small else 2)):
                at = local_midnight - dt.timedelta(days=day) + dt.timedelta(hours=hour, minutes=rng.randint(0, 59))
                if at >= now:
                    continue
                door = rng.choice(doors)
                method = rng.choice(["card", "card", "qr", "face"] if door is gate else ["card", "qr", "password"])
                denied = rng.random() < 0.04
                rows.append(
                    AccessEvent(
                        door=door,
                        scope_path=door.scope_path,
                        at=at,
                        method=method,
                        result="denied" if denied else "granted",
                        person_ref="" if denied else rng.choice(refs),
                        face_matched=(not denied) if method == "face" else None,
                        face_score=None if method != "face" else Decimal("0.9612" if not denied else "0.4120"),
                        nonce=uuid.uuid4().hex,
                    )
                )
    AccessEvent.objects.bulk_create(rows, batch_size=500)
    audit.record(
        actor=actor, action="create", object_type="access.accessevent", note=f"demo: {len(rows)} access events"
    )
    passes = 0
    resident_user = ctx.users.get("resident")
    home_building = None
    if resident_user is not None:
        r = Resident.objects.filter(account=resident_user).select_related("home").first()
        if r is not None and r.home is not None:
            home_building = Place.objects.filter(path=r.home.path[: PATH_LENGTHS[BUILDING]]).first()
    if home_building is not None:
        start = now - dt.timedelta(minutes=30)
        services.pass_issue(
            actor=resident_user,
            building=home_building,
            valid_from=start,
            valid_until=start + dt.timedelta(hours=4),
            max_uses=2,
            note="女儿来访",
        )
        passes = 1
    return [f"access: {len(doors)} doors, {len(residents)} residents with cards, {len(rows)} events, {passes} pass"]
