"""The demo district's people and organisations registry (``seed_demo --small``)."""

import datetime as dt
from collections import Counter, defaultdict
from fractions import Fraction

import pytest
from django.db import connection
from django.utils import timezone

from linli.accounts.models import User
from linli.areas.models import Level, Place
from linli.core import crypto
from linli.core.models import AuditLog
from linli.core.validators import parse_id_card, validate_credit_code
from linli.orgs.models import Organisation
from linli.registry import identity
from linli.registry.care_tags import DEFAULT_TAGS as CARE_TAGS
from linli.registry.merge import suspected_duplicates
from linli.registry.models import CareTag, Household, HouseholdMember, Occupancy, Resident, ResidentTag
from linli.registry.search import search_residents

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(small_demo):
    return small_demo


def age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def test_people_are_plausible_sealed_and_housed(seeded):
    today = timezone.localdate()
    residents = list(Resident.objects.select_related("home"))
    assert len(residents) >= 1000
    assert "Residents:" in seeded or "居民" in seeded

    # personal numbers: valid 340504 ID cards, sealed exactly like identity.py, never in plaintext
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM registry_resident")
        raw = "\n".join(" ".join(str(v) for v in row) for row in cur.fetchall())
    with_id = [r for r in residents if r.id_cipher]
    assert len(with_id) >= len(residents) - 30  # only the planted duplicates lack an ID
    for r in with_id[::7]:
        number = crypto.decrypt(r.id_cipher)
        parsed, birth, gender = parse_id_card(number)
        assert parsed == number and number.startswith("340504")
        assert (birth, gender) == (r.birth_date, r.gender)
        assert r.id_hash == identity.id_hash("id_card", number) and r.id_type == "id_card"
        assert r.id_masked == number[:6] + "********" + number[-4:] and r.id_last4 == number[-4:]
        assert number not in raw
        if r.phone_cipher:
            phone = crypto.decrypt(r.phone_cipher)
            assert r.phone_hash == identity.phone_hash(phone) and r.phone_masked == phone[:3] + "****" + phone[-4:]
            assert phone not in raw
        assert r.name_initials and r.name_pinyin == identity.pinyin(r.name)[0]
        assert r.home.level == Level.HOUSE and r.scope_path == r.home.path and r.address.endswith(r.home.name)
    assert len({r.id_hash for r in with_id}) == len(with_id)  # one person, one record

    # a city district's age pyramid
    ages = [age(r.birth_date, today) for r in residents]
    share = lambda lo, hi: sum(lo <= a <= hi for a in ages) / len(ages)  # noqa: E731
    assert 0.15 <= share(60, 200) <= 0.30
    assert share(80, 200) >= 0.01
    assert 0.08 <= share(0, 14) <= 0.20
    assert share(30, 59) >= 0.38

    # households: ~2.6 people, one head, plausible relations, living in the household's house
    households = list(Household.objects.all())
    members = defaultdict(list)
    for m in HouseholdMember.objects.select_related("resident"):
        members[m.household_id].append(m)
    assert 2.3 <= sum(len(v) for v in members.values()) / len(households) <= 2.9
    by_id = {r.pk: r for r in residents}
    for h in households:
        ms = members[h.pk]
        heads = [m for m in ms if m.relation == "head"]
        assert len(heads) == 1 and heads[0].resident_id == h.head_id
        for m in ms:
            assert m.until is None and m.scope_path == h.scope_path == by_id[m.resident_id].scope_path
            assert by_id[m.resident_id].home_id == h.house_id
            if m.relation == "child":
                assert age(m.resident.birth_date, today) < age(by_id[h.head_id].birth_date, today) - 14
    assert {m.relation for ms in members.values() for m in ms} >= {"head", "spouse", "child", "parent", "grandchild"}
    occupied = Place.objects.filter(level=Level.HOUSE, use="residential", households__isnull=False).count()
    assert occupied >= 0.7 * Place.objects.filter(level=Level.HOUSE, use="residential").count()


def test_owners_for_every_sold_house_and_some_left_unsold(seeded):
    houses = list(Place.objects.filter(level=Level.HOUSE).values_list("pk", flat=True))
    shares = defaultdict(Fraction)
    tenants = defaultdict(list)
    for o in Occupancy.objects.filter(until__isnull=True):
        if o.kind in ("owner", "co_owner"):
            shares[o.house_id] += o.share
        elif o.kind == "tenant":
            tenants[o.house_id].append(o.resident_id)
    assert all(v == 1 for v in shares.values())  # owners' shares add up to exactly the whole house
    unsold = [h for h in houses if h not in shares]
    assert 0.02 <= len(unsold) / len(houses) <= 0.09, len(unsold)
    assert not Household.objects.filter(house_id__in=unsold).exists()
    assert Occupancy.objects.filter(kind="co_owner", share_numerator=1, share_denominator=2).exists()
    assert tenants
    owners = {o.house_id: o.resident_id for o in Occupancy.objects.filter(kind="owner", house_id__in=list(tenants))}
    for house, people in tenants.items():
        assert owners[house] not in people  # the landlord lives elsewhere
        assert Resident.objects.get(pk=owners[house]).home_id != house


def test_care_groups(seeded):
    today = timezone.localdate()
    tags = {t.code: t for t in CareTag.objects.all()}
    assert set(tags) >= {code for code, _name, _s in CARE_TAGS}
    for code, name, sensitive in CARE_TAGS:
        assert tags[code].name == name and tags[code].sensitive == sensitive
        assert tags[code].visible_to == (",community_secretary,district_admin,social_worker," if sensitive else "")
    rows = list(ResidentTag.objects.select_related("resident", "tag"))
    counts = Counter(r.tag.code for r in rows)
    assert counts["elderly_alone"] and counts["oldest_old"] and counts["empty_nest"] and counts["left_behind_child"]
    sizes = Counter(HouseholdMember.objects.values_list("household_id", flat=True))
    household_of = dict(HouseholdMember.objects.values_list("resident_id", "household_id"))
    for r in rows:
        assert r.scope_path == r.resident.scope_path and r.until is None and r.since <= today
        a = age(r.resident.birth_date, today)
        if r.tag.code == "elderly_alone":
            assert a >= 60 and sizes[household_of[r.resident_id]] == 1
        if r.tag.code == "oldest_old":
            assert a >= 80
        if r.tag.code == "left_behind_child":
            assert a < 16
    old = Resident.objects.filter(birth_date__lte=today.replace(year=today.year - 81)).count()
    assert counts["oldest_old"] >= old


def test_organisations_registry_search_and_one_audit_row(seeded):
    registry = Organisation.objects.filter(kind__in=["stationed", "enterprise", "social"]).select_related(
        "area", "location"
    )
    assert {o.kind for o in registry} == {"stationed", "enterprise", "social"}
    assert registry.count() >= 30
    for org in registry:
        validate_credit_code(org.credit_code)
        assert org.location is not None and org.location.path.startswith(org.area.path)
        assert org.location.level in (Level.COMPOUND, Level.HOUSE)
    assert registry.filter(location__level=Level.HOUSE).exists()  # small businesses in ground-floor shops

    row = AuditLog.objects.get(action="seed", object_type="areas.place")  # the bulk part; domains add their own
    # the bulk seed's count, plus the residents domains' seeders create one by one (audited "create" each)
    one_by_one = AuditLog.objects.filter(action="create", object_type="registry.resident").count()
    assert row.after["residents"] + one_by_one == Resident.objects.count()
    assert row.after["households"] == Household.objects.count()
    one_by_one_occupancies = AuditLog.objects.filter(action="create", object_type="registry.occupancy").count()
    assert row.after["occupancies"] + one_by_one_occupancies == Occupancy.objects.count()
    # the bulk part is one row; the only residents created one by one are the owners of the votes demo's compound
    # (votes/demo.py builds a 12-unit compound for the exact-threshold decisions), each audited
    assert one_by_one == one_by_one_occupancies <= 12

    # the seeded people are found by the search, through the chokepoint
    district, gridworker = User.objects.get(username="district"), User.objects.get(username="gridworker")
    someone = Resident.objects.filter(id_hash__gt="").order_by("pk").first()
    assert someone.pk in {h.id for h in search_residents(district, someone.name_initials, limit=100)}
    assert someone.pk in {h.id for h in search_residents(district, someone.id_last4, limit=100)}
    buildings = tuple(
        Place.objects.filter(grid__in=gridworker.role_bindings.values("grid")).values_list("path", flat=True)
    )
    inside = next(r for r in Resident.objects.order_by("pk") if r.scope_path.startswith(buildings))
    outside = next(r for r in Resident.objects.order_by("pk") if not r.scope_path.startswith(buildings))
    grid_hits = search_residents(gridworker, inside.name[0], limit=100)
    assert inside.pk in {h.id for h in grid_hits}
    assert all(h.scope_path.startswith(buildings) for h in grid_hits)
    assert outside.pk not in {h.id for h in search_residents(gridworker, outside.name, limit=100)}

    # the planted duplicates (same name, birth date and home, no ID) are what the merge tool finds
    planted = Resident.objects.filter(id_hash="")
    groups = suspected_duplicates(district)
    assert planted.count() == row.after["planted_duplicates"] >= 3
    assert {r.pk for g in groups for r in g.residents} >= set(planted.values_list("pk", flat=True))
