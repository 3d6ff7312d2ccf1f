from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.accounts.testing import system_user
from linli.areas import services
from linli.areas.models import Level, Place
from linli.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_codes_and_paths_follow_the_statistical_code(tree):
    assert tree.district.path == "340504"
    assert tree.street_a.path == "340504001"
    assert tree.comm_a1.path == "340504001001"
    assert tree.compound_a1.code == "340504001001001"
    assert tree.building_a1.code == "340504001001001001"
    assert len(tree.house_a1.code) == 24
    assert tree.house_a1.path == tree.house_a1.code


def test_subtree_is_a_prefix_range(tree):
    under_a = set(Place.objects.under(tree.street_a).values_list("name", flat=True))
    assert {"平湖街道", "雨秀社区", "西苑社区", "怡心花园"} <= under_a
    assert "半山花园社区" not in under_a


def test_wrong_parent_level_and_bad_codes_write_nothing(tree):
    root = system_user()
    before = Place.objects.count()
    audit_before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.place_create(actor=root, parent=tree.street_a, name="X", code="340504002009")
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.place_create(actor=root, parent=tree.street_a, name="X", code="34050400100A")
    with pytest.raises(ValidationError):
        services.place_create(actor=root, parent=tree.street_a, name="X", code="340504001001")  # duplicate
    with pytest.raises(ValidationError) as exc:
        services.place_create(actor=root, parent=tree.comm_a1, name="长" * 61)
    assert "name" in exc.value.message_dict
    assert Place.objects.count() == before
    assert AuditLog.objects.count() == audit_before


def test_house_fields_only_on_houses(tree):
    root = system_user()
    with pytest.raises(ValidationError) as exc:
        services.place_create(actor=root, parent=tree.comm_a1, name="新小区", area=Decimal("10"))
    assert "area" in exc.value.message_dict


def test_move_keeps_code_and_rewrites_subtree_paths(tree):
    root = system_user()
    old_code = tree.building_a1.code
    house_code = tree.house_a1.code
    target = tree.compound_a1
    other_compound = services.place_create(actor=root, parent=tree.comm_a2, name="新城小区")
    services.place_move(actor=root, place=tree.building_a1, new_parent=other_compound)
    moved = Place.objects.get(code=old_code)
    assert moved.parent == other_compound
    assert moved.path.startswith(other_compound.path)
    house = Place.objects.get(code=house_code)
    assert house.path.startswith(moved.path)
    assert house.code == house_code
    # it left community A1, so it left grid A (a grid lies inside one community)
    assert moved.grid_id is None
    assert not Place.objects.under(target).filter(code=old_code).exists()
    assert AuditLog.objects.filter(action="move", object_id=str(moved.pk)).exists()


def test_codes_are_never_reused(tree):
    root = system_user()
    b = services.place_create(actor=root, parent=tree.compound_a1, name="3栋")
    services.place_archive(actor=root, place=b)
    again = services.place_create(actor=root, parent=tree.compound_a1, name="3栋(新)")
    assert again.code != b.code


def test_grid_rejects_building_of_another_community(tree):
    root = system_user()
    with pytest.raises(ValidationError) as exc:
        services.grid_assign_buildings(actor=root, grid=tree.grid_a, buildings=[tree.building_a2])
    assert "buildings" in exc.value.message_dict
    tree.building_a2.refresh_from_db()
    assert tree.building_a2.grid == tree.grid_b


def test_building_is_in_exactly_one_grid(tree):
    root = system_user()
    g2 = services.grid_create(actor=root, community=tree.comm_a1, name="第二网格")
    services.grid_assign_buildings(actor=root, grid=g2, buildings=[tree.building_a1])
    tree.building_a1.refresh_from_db()
    assert tree.building_a1.grid == g2
    assert not tree.grid_a.buildings.exists()


def test_out_of_scope_staff_cannot_create(tree):
    with pytest.raises(PermissionDenied):
        services.place_create(actor=tree.users["secretary_a1"], parent=tree.comm_a2, name="越权小区")
    created = services.place_create(actor=tree.users["secretary_a1"], parent=tree.comm_a1, name="本社区小区")
    assert created.level == Level.COMPOUND


def test_update_is_audited_with_before_and_after(tree):
    services.place_update(actor=tree.users["secretary_a1"], place=tree.building_a1, floors=18)
    row = AuditLog.objects.filter(action="update", object_type="areas.place").first()
    assert row.actor_name == "secretary_a1"
    assert row.before["floors"] == 6 and row.after["floors"] == 18


def test_core_paths_number_the_levels_as_areas_does():
    """core cannot import areas, so ``linli.core.paths`` repeats the level numbers; they must agree."""
    from linli.areas.models import Level
    from linli.core import paths

    assert [getattr(paths, level.name) for level in Level] == [level.value for level in Level]
