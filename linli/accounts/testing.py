"""Test support shared by every domain: a small place tree with one user per role, in and out of scope.

It builds places, grids, organisations and accounts through their services, so it lives with accounts (which sits
on areas and orgs), not in core: core imports no domain app (docs/architecture.md, ``core/tests/test_layers.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from linli.core.testing import RowSnapshot

PASSWORD = "Test-pass-2026"


def system_user():
    from linli.accounts.models import User

    user, _ = User.objects.get_or_create(username="system", defaults={"is_superuser": True, "is_staff": True})
    return user


@dataclass
class Tree:
    """district ─ street A ─ community A1 ─ compound ─ building A1-1 (grid A) ─ unit ─ houses
              └ community A2 ─ compound ─ building A2-1 (grid B) ─ unit ─ houses
    ─ street B ─ community B1 ─ compound ─ building B1-1 ─ unit ─ house"""

    district: object = None
    street_a: object = None
    street_b: object = None
    comm_a1: object = None
    comm_a2: object = None
    comm_b1: object = None
    compound_a1: object = None
    building_a1: object = None
    building_a1b: object = None
    building_a2: object = None
    building_b1: object = None
    house_a1: object = None
    house_a2: object = None
    house_b1: object = None
    grid_a: object = None
    grid_b: object = None
    dept: object = None
    dept_other: object = None
    property_co: object = None
    users: dict = field(default_factory=dict)


def build_tree() -> Tree:
    from linli.accounts import services as acc
    from linli.areas import services as areas
    from linli.orgs import services as orgs

    root = system_user()
    t = Tree()
    t.district = areas.place_create(actor=root, parent=None, name="雨山区", code="340504000000")
    t.street_a = areas.place_create(actor=root, parent=t.district, name="平湖街道", code="340504001000")
    t.street_b = areas.place_create(actor=root, parent=t.district, name="雨山街道", code="340504002000")
    t.comm_a1 = areas.place_create(actor=root, parent=t.street_a, name="雨秀社区", code="340504001001")
    t.comm_a2 = areas.place_create(actor=root, parent=t.street_a, name="西苑社区", code="340504001002")
    t.comm_b1 = areas.place_create(actor=root, parent=t.street_b, name="半山花园社区", code="340504002001")

    def building_with_house(community, compound_name, building_name):
        compound = areas.place_create(actor=root, parent=community, name=compound_name)
        building = areas.place_create(actor=root, parent=compound, name=building_name, floors=6, unit_count=1)
        unit = areas.place_create(actor=root, parent=building, name="1单元")
        house = areas.place_create(
            actor=root,
            parent=unit,
            name="101",
            floor=1,
            number="101",
            area=Decimal("89.50"),
            area_source="registered",
            use="residential",
        )
        return compound, building, house

    t.compound_a1, t.building_a1, t.house_a1 = building_with_house(t.comm_a1, "怡心花园", "1栋")
    t.building_a1b = areas.place_create(actor=root, parent=t.compound_a1, name="2栋", floors=6, unit_count=1)
    _, t.building_a2, t.house_a2 = building_with_house(t.comm_a2, "西苑新村", "1栋")
    _, t.building_b1, t.house_b1 = building_with_house(t.comm_b1, "半山花园", "1栋")

    t.grid_a = areas.grid_create(actor=root, community=t.comm_a1, name="第一网格")
    areas.grid_assign_buildings(actor=root, grid=t.grid_a, buildings=[t.building_a1])
    t.grid_b = areas.grid_create(actor=root, community=t.comm_a2, name="第一网格")
    areas.grid_assign_buildings(actor=root, grid=t.grid_b, buildings=[t.building_a2])

    t.dept = orgs.organisation_create(actor=root, area=t.district, kind="department", name="雨山区住房和城乡建设局")
    t.dept_other = orgs.organisation_create(actor=root, area=t.district, kind="department", name="雨山区城市管理局")
    t.property_co = orgs.organisation_create(
        actor=root, area=t.district, kind="property", name="怡心物业服务有限公司", managed_compounds=[t.compound_a1]
    )

    def user(name, role, home, **scope):
        u = acc.user_create(actor=root, username=name, password=PASSWORD, home=home, display_name=name)
        if role:
            acc.binding_add(actor=root, user=u, role=role, **scope)
        t.users[name] = u
        return u

    user("district_admin", "district_admin", t.district, place=t.district)
    user("dispatcher", "dispatcher", t.district, place=t.district)
    user("street_a", "street_staff", t.street_a, place=t.street_a)
    user("secretary_a1", "community_secretary", t.comm_a1, place=t.comm_a1)
    user("social_a1", "social_worker", t.comm_a1, place=t.comm_a1)
    user("grid_a", "grid_worker", t.comm_a1, grid=t.grid_a)
    user("head_a1", "building_head", t.comm_a1, place=t.building_a1)
    user("dept_staff", "department_staff", t.district, organisation=t.dept)
    user("dept_other_staff", "department_staff", t.district, organisation=t.dept_other)
    user("property_staff", "property_staff", t.district, organisation=t.property_co)
    user("resident_a1", "resident", t.comm_a1, place=t.house_a1)
    user("nobody", None, t.district)
    for u in t.users.values():
        u.refresh_from_db()
    return t


class TreeSnapshot(RowSnapshot):
    """:func:`build_tree` once per test process; :meth:`tree` replays its rows and loads the tree's objects fresh."""

    @classmethod
    def take(cls) -> TreeSnapshot:
        return super().take(build_tree)[0]

    def keep(self, tree) -> None:
        self.refs = {name: (type(v), v.pk) for name, v in vars(tree).items() if name != "users" and v is not None}
        self.users = {name: user.pk for name, user in tree.users.items()}

    def tree(self) -> Tree:
        from linli.accounts.models import User

        self.replay()
        loaded = {}
        for model in {model for model, _pk in self.refs.values()}:
            loaded[model] = model._base_manager.in_bulk([pk for m, pk in self.refs.values() if m is model])
        tree = Tree(**{name: loaded[model][pk] for name, (model, pk) in self.refs.items()})
        users = User.objects.in_bulk(list(self.users.values()))
        tree.users = {name: users[pk] for name, pk in self.users.items()}
        return tree
