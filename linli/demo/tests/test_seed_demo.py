from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count, Max
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from linli.accounts.models import RoleBinding, User
from linli.areas.models import AreaSource, Grid, HouseUse, Level, Place
from linli.areas.models.place import check_code_shape, own_segment
from linli.core.models import AuditLog
from linli.core.validators import validate_credit_code
from linli.demo import data
from linli.demo.management.commands.seed_demo import SMALL_PROFILE, full_profile, grid_households, make_plan
from linli.orgs.models import Organisation, OrgKind

pytestmark = pytest.mark.django_db

PRODUCTION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "linli.demo.backends.DemoAwareModelBackend"]
EXPECTED_ROLES = {
    "district": "district_admin",
    "street": "street_staff",
    "secretary": "community_secretary",
    "socialworker": "social_worker",
    "gridworker": "grid_worker",
    "buildinghead": "building_head",
    "dept": "department_staff",
    "property": "property_staff",
    "resident": "resident",
}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def login(client, username, password=None) -> bool:
    # axes' backend needs the request; Client.login passes every keyword on to authenticate().
    return client.login(
        request=RequestFactory().post("/"), username=username, password=password or settings.LINLI_DEMO_PASSWORD
    )


def check_tree() -> None:
    places = list(Place.objects.select_related("parent").order_by("path"))
    codes = [p.code for p in places]
    assert len(codes) == len(set(codes))
    for p in places:
        assert check_code_shape(p.level, p.code) is None, p.code
        if p.level == Level.DISTRICT:
            assert p.path == p.code[:6]
            continue
        assert p.parent.level == p.level - 1
        assert p.path == p.parent.path + own_segment(p.level, p.code)
        if p.level > Level.COMMUNITY:
            assert p.code == p.path  # nothing has moved: sub-codes are the path
            assert p.code.startswith(p.parent.code)
        else:
            assert p.code[: len(p.parent.path)] == p.parent.path
    # The high-water mark of sub-codes covers every child, as place_create keeps it.
    children = {
        row["parent"]: row
        for row in Place.objects.filter(level__gt=Level.COMMUNITY)
        .values("parent")
        .annotate(n=Count("pk"), last=Max("code"))
    }
    for p in places:
        if p.pk in children:
            row = children[p.pk]
            assert p.next_child_seq == row["n"] == int(row["last"][len(p.code) :]), p.code


def check_buildings_and_grids(grid_min: int, grid_max: int) -> None:
    households = grid_households()
    grids = list(Grid.objects.select_related("community"))
    assert grids
    for grid in grids:
        assert grid_min <= households[grid.pk] <= grid_max, (grid.code, households[grid.pk])
    lon, lat = (Decimal(str(v)) for v in data.LON_RANGE), (Decimal(str(v)) for v in data.LAT_RANGE)
    lon_lo, lon_hi = lon
    lat_lo, lat_hi = lat
    buildings = (
        Place.objects.filter(level=Level.BUILDING).select_related("grid", "parent").annotate(n_units=Count("children"))
    )
    for b in buildings:
        assert b.grid is not None, b.code  # every building sits in exactly one grid (a foreign key) …
        assert b.grid.community_id == b.parent.parent_id  # … of its own community
        assert b.path.startswith(b.grid.scope_path)
        assert b.unit_count == b.n_units
        assert lon_lo <= b.longitude <= lon_hi and lat_lo <= b.latitude <= lat_hi
    houses = Place.objects.filter(level=Level.HOUSE).values_list("floor", "number", "area", "area_source", "use")
    sources, uses = set(), set()
    for floor, number, area, source, use in houses:
        assert number.startswith(str(floor)) and len(number) == len(str(floor)) + 2
        assert Decimal("45") <= area <= Decimal("160")
        assert use == HouseUse.RESIDENTIAL or (use == HouseUse.COMMERCIAL and floor == 1)
        sources.add(source)
        uses.add(use)
    assert sources <= set(AreaSource.values)
    assert uses == {HouseUse.RESIDENTIAL, HouseUse.COMMERCIAL}


def check_bulk_rows_pass_model_validation() -> None:
    for level in (Level.BUILDING, Level.UNIT, Level.HOUSE):
        for place in Place.objects.filter(level=level).select_related("parent").order_by("?")[:40]:
            place.full_clean()


def check_accounts(client) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in data.ACCOUNTS])}
    assert set(users) == {a[0] for a in data.ACCOUNTS}
    assert all(u.is_demo for u in users.values())
    assert users["admin"].is_superuser and not users["admin"].role_bindings.exists()
    for username, role in EXPECTED_ROLES.items():
        assert list(users[username].role_bindings.values_list("role", flat=True)) == [role]
    bindings = {b.user.username: b for b in RoleBinding.objects.select_related("user", "place", "grid", "organisation")}
    first_community = Place.objects.filter(level=Level.COMMUNITY).order_by("path").first()
    assert first_community.name == "雨秀社区"
    first_grid = Grid.objects.filter(community=first_community).order_by("code").first()
    assert bindings["district"].place.code == data.DISTRICT_CODE
    assert bindings["street"].place.name == "平湖街道"
    assert bindings["secretary"].place == first_community == bindings["socialworker"].place
    assert bindings["gridworker"].grid == first_grid
    building = bindings["buildinghead"].place
    assert building.grid == first_grid
    house = bindings["resident"].place
    assert house.parent.parent == building and house.use == HouseUse.RESIDENTIAL
    assert bindings["dept"].organisation.name == "雨山区住房和城乡建设局"
    company = bindings["property"].organisation
    assert company.kind == OrgKind.PROPERTY and company.managed_compounds.exists()
    for username in users:
        client.logout()
        assert login(client, username), username


def test_full_seed_at_scale_1(client):
    out = seed()
    assert "communities 12/12" in out and "admin" in out and "resident" in out

    assert list(Place.objects.filter(level=Level.STREET).order_by("code").values_list("code", "name")) == [
        (f"340504{n:03d}000", name) for n, name in enumerate(data.STREETS, start=1)
    ]
    assert Place.objects.filter(level=Level.COMMUNITY).count() >= 5
    assert Place.objects.filter(level=Level.COMPOUND).count() >= 20
    assert Place.objects.filter(level=Level.BUILDING).count() >= 300
    check_tree()
    check_buildings_and_grids(300, 500)
    check_bulk_rows_pass_model_validation()

    departments = set(Organisation.objects.filter(kind=OrgKind.DEPARTMENT).values_list("name", flat=True))
    assert {
        "雨山区住房和城乡建设局",
        "雨山区城市管理局",
        "马鞍山市公安局交通警察支队雨山大队",
        "雨山区市场监督管理局",
    } <= departments
    for company in Organisation.objects.filter(kind=OrgKind.PROPERTY):
        validate_credit_code(company.credit_code)

    # The data centre: ≥ 10,000 residents in households of ~2.6, ~200 organisations in the registry.
    from linli.registry.models import Household, Resident

    assert Resident.objects.count() >= 10_000
    assert 2.3 <= Resident.objects.filter(memberships__isnull=False).count() / Household.objects.count() <= 2.9
    registry = Organisation.objects.filter(kind__in=[OrgKind.STATIONED, OrgKind.ENTERPRISE, OrgKind.SOCIAL])
    assert 180 <= registry.count() <= 220

    # Services audited the top of the tree; the bulk part is one summary row (and one per domain that bulk-seeds).
    assert AuditLog.objects.filter(action="seed", object_type="areas.place").count() == 1
    assert AuditLog.objects.filter(action="seed").values("object_type").distinct().count() == (
        AuditLog.objects.filter(action="seed").count()
    )
    # … plus the one compound votes/demo.py builds one place at a time (12 units for the exact-threshold decisions)
    votes_compound = Place.objects.get(name="民主示范小区", level=Level.COMPOUND)
    below_votes = Place.objects.filter(path__startswith=votes_compound.path, level__gt=Level.COMPOUND).count()
    assert AuditLog.objects.filter(object_type="areas.place", action="create").count() == (
        Place.objects.filter(level__lte=Level.COMPOUND).count() + below_votes
    )
    assert AuditLog.objects.filter(object_type="areas.grid", action="create").count() == Grid.objects.count()
    check_accounts(client)

    # Idempotent: a second run changes nothing.
    counts = (Place.objects.count(), Grid.objects.count(), User.objects.count(), AuditLog.objects.count())
    with translation.override("en"):
        assert "already seeded" in seed()
    assert counts == (Place.objects.count(), Grid.objects.count(), User.objects.count(), AuditLog.objects.count())


def test_small_seed_has_the_same_structure(client, small_demo):
    # small_demo is the real `seed_demo --small`, run once per test process and replayed (conftest)
    assert Place.objects.filter(level=Level.STREET).count() == len(data.STREETS)
    assert Place.objects.filter(level=Level.COMMUNITY).count() == len(data.COMMUNITIES)
    check_tree()
    check_buildings_and_grids(SMALL_PROFILE.grid_min, SMALL_PROFILE.grid_max)
    check_bulk_rows_pass_model_validation()
    check_accounts(client)


def test_scale_multiplies_compounds_and_buildings_and_keeps_grids_in_range():
    one, two = make_plan(full_profile(1)), make_plan(full_profile(2))
    assert sum(len(c.compounds) for c in two) == 2 * sum(len(c.compounds) for c in one)
    assert sum(len(c.buildings) for c in two) >= 1.8 * sum(len(c.buildings) for c in one)
    names = [comp.name for c in two for comp in c.compounds]
    assert len(names) == len(set(names)) and "怡心花园二期" in names
    for community in two:
        sums: dict[int, int] = {}
        for b in community.buildings:
            sums[b.grid_no] = sums.get(b.grid_no, 0) + b.residential
        assert sorted(sums) == list(range(1, community.grids + 1))
        assert all(300 <= n <= 500 for n in sums.values()), sums


def test_invalid_scale_is_refused():
    with pytest.raises(CommandError):
        seed("--scale", "0")
    assert not Place.objects.exists()


@override_settings(LINLI_ENV="production")
def test_refuses_to_run_in_production():
    with pytest.raises(CommandError, match="production"):
        seed("--small")
    assert not Place.objects.exists() and not User.objects.exists()


def test_refuses_when_a_demo_username_is_taken():
    User.objects.create_user(username="dept", password="Someone-else-2026")
    with pytest.raises(CommandError, match="dept"):
        seed("--small")
    assert not Place.objects.exists()


@override_settings(AUTHENTICATION_BACKENDS=PRODUCTION_BACKENDS)
def test_demo_accounts_cannot_log_in_or_stay_logged_in_in_production(client, small_demo):
    real = User.objects.create_user(username="real_admin", password="Real-pass-2026", is_superuser=True)
    assert not real.is_demo

    assert login(client, "district")  # outside production the demo works
    with override_settings(LINLI_ENV="production"):
        # An existing session no longer turns into the demo user.
        assert not client.get("/").wsgi_request.user.is_authenticated
        client.logout()
        for username, _role, _name in data.ACCOUNTS:
            assert not login(client, username), username
        response = client.post(
            reverse("accounts:login"), {"username": "admin", "password": settings.LINLI_DEMO_PASSWORD}
        )
        assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
        assert login(client, "real_admin", "Real-pass-2026")  # real accounts are unaffected


def test_backend_rejects_only_demo_users_in_production():
    from linli.demo.backends import DemoAwareModelBackend

    demo = User(username="d", is_demo=True, is_active=True)
    plain = User(username="p", is_active=True)
    backend = DemoAwareModelBackend()
    assert backend.user_can_authenticate(demo) and backend.user_can_authenticate(plain)
    with override_settings(LINLI_ENV="production"):
        assert not backend.user_can_authenticate(demo)
        assert backend.user_can_authenticate(plain)


def test_bad_demo_password_setting_is_a_validation_error_not_a_half_seed():
    with override_settings(LINLI_DEMO_PASSWORD="123"), pytest.raises(ValidationError):
        seed("--small")
    assert not Place.objects.exists() and not User.objects.exists()
