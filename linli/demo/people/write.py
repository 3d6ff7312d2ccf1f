"""Writing the planned people in bulk: residents with sealed ID and phone numbers, households, occupancy,
care groups; and the age bands of the summary."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter

from .plan import HouseRow, PeoplePlan


@functools.lru_cache(maxsize=65536)
def _pinyin(name: str) -> tuple[str, str]:
    from linli.registry import identity

    return identity.pinyin(name)


def care_tags(actor) -> dict[str, object]:
    """The default care groups by code, created when missing by the registry's ``ensure_care_tags``."""
    from linli.registry.care_tags import ensure_care_tags
    from linli.registry.models import CareTag

    ensure_care_tags(actor=actor)
    return {t.code: t for t in CareTag.objects.all()}


def house_rows(district) -> list[HouseRow]:
    """Every house under ``district`` with its full address (district → house names), in two queries."""
    from linli.areas.models import HouseUse, Level, Place
    from linli.core.paths import PATH_LENGTHS

    names = dict(Place.objects.under(district).filter(level__lt=Level.HOUSE).values_list("path", "name"))
    lengths = [PATH_LENGTHS[level] for level in range(1, Level.HOUSE)]
    rows = []
    houses = (
        Place.objects.under(district)
        .filter(level=Level.HOUSE, is_active=True)
        .values_list("pk", "path", "code", "use", "name")
        .order_by("path")
    )
    for pk, path, code, use, name in houses:
        address = " ".join([*(names[path[:n]] for n in lengths if path[:n] in names), name])[:200]
        rows.append(HouseRow(pk, path, code, use == HouseUse.RESIDENTIAL, address))
    return rows


def _bulk(model, objs: list, batch_size: int = 2000) -> list:
    created = model.objects.bulk_create(objs, batch_size=batch_size)
    if any(o.pk is None for o in created):  # pragma: no cover - every supported database returns ids
        raise RuntimeError(f"{model.__name__}: the database did not return the ids of a bulk insert")
    return created


def write_people(plan: PeoplePlan, actor, progress=None) -> dict[str, int]:
    """Bulk-insert the plan: residents (sealed), households and members, occupancies, care-group tags."""
    from linli.registry import identity
    from linli.registry.models import Household, HouseholdMember, IdType, Occupancy, Resident, ResidentTag

    tags = care_tags(actor)
    residents, people = [], []
    for person, house in plan.residents():
        sealed_id = identity.seal_id(IdType.ID_CARD, person.id_number)
        sealed_phone = identity.seal_phone(person.phone)
        full, initials = _pinyin(person.name)
        residents.append(
            Resident(
                name=person.name,
                name_pinyin=full,
                name_initials=initials,
                gender=person.gender,
                birth_date=person.birth,
                id_type=IdType.ID_CARD if person.id_number else "",
                id_cipher=sealed_id.cipher,
                id_hash=sealed_id.hash,
                id_masked=sealed_id.masked,
                id_last4=sealed_id.last4,
                phone_cipher=sealed_phone.cipher,
                phone_hash=sealed_phone.hash,
                phone_masked=sealed_phone.masked,
                phone_last4=sealed_phone.last4,
                ethnicity=person.ethnicity,
                political_status=person.political,
                residence_status=person.residence,
                employer=person.employer,
                education=person.education,
                home_id=house.pk,
                address=house.address,
                scope_path=house.path,
            )
        )
        people.append(person)
    for person, resident in zip(people, _bulk(Resident, residents), strict=True):
        person.pk = resident.pk
    if progress:
        progress(f"residents {len(people):,}")

    households = _bulk(
        Household,
        [
            Household(
                number=f"{h.house.code}H01", house_id=h.house.pk, head_id=h.members[0].pk, scope_path=h.house.path
            )
            for h in plan.households
        ],
    )
    _bulk(
        HouseholdMember,
        [
            HouseholdMember(
                household_id=row.pk, resident_id=p.pk, relation=p.relation, since=p.since, scope_path=h.house.path
            )
            for h, row in zip(plan.households, households, strict=True)
            for p in h.members
        ],
        batch_size=5000,
    )
    _bulk(
        Occupancy,
        [
            Occupancy(
                house_id=o.house.pk,
                resident_id=o.person.pk,
                kind=o.kind,
                share_numerator=o.share.numerator,
                share_denominator=o.share.denominator,
                since=o.since,
                scope_path=o.house.path,
            )
            for o in plan.holdings
        ],
        batch_size=5000,
    )
    tag_rows = [
        ResidentTag(resident_id=person.pk, tag_id=tags[code].pk, since=since, scope_path=house.path)
        for person, house in plan.residents()
        for code, since in person.tags
        if code in tags
    ]
    _bulk(ResidentTag, tag_rows, batch_size=5000)
    if progress:
        progress(f"households {len(households):,}, occupancies {len(plan.holdings):,}, tags {len(tag_rows):,}")
    return {
        "residents": len(residents),
        "households": len(households),
        "members": sum(len(h.members) for h in plan.households),
        "occupancies": len(plan.holdings),
        "care_tags": len(tag_rows),
        "unsold_houses": len(plan.unsold),
        "planted_duplicates": len(plan.extras),
    }


def age_bands(plan: PeoplePlan, today: dt.date) -> dict[str, int]:
    bands = Counter()
    for person, _house in plan.residents():
        age = person.age(today)
        bands[
            "0-14" if age < 15 else "15-29" if age < 30 else "30-59" if age < 60 else "60-79" if age < 80 else "80+"
        ] += 1
    return dict(bands)
