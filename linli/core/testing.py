"""Test helpers shared by every domain: a small place tree with one user per role, in and out of scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

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


class RowSnapshot:
    """The rows some setup inserts, taken once per test process and inserted again in every test that needs them.

    Building fixtures through the audited services is the slowest part of many tests (the small place tree costs
    ~0.3–0.5 s, the small demo district 10–15 s). :meth:`take` runs the setup once inside a transaction it rolls
    back, keeping every row the setup inserted in every table; :meth:`replay` inserts those rows again with their
    stored values, primary keys included (a few ``INSERT``s per table, foreign keys checked at commit), so a test
    sees the same database as after the setup itself. Sequences are not rewound by the rollback on PostgreSQL and
    SQLite counts explicit keys, so later inserts never collide with the replayed keys.
    Rows the setup changed (a category given its default handler, …) are updated again to their new values.
    """

    def __init__(self, rows, changed):
        self.rows = rows  # [(model, fields, [value tuples])]: rows the setup inserted
        self.changed = changed  # [(model, pk, {attname: value})]: rows that existed before and were changed

    @staticmethod
    def _tables():
        from django.apps import apps

        for model in apps.get_models(include_auto_created=True):
            opts = model._meta
            if opts.managed and not opts.proxy:
                yield model, list(opts.local_concrete_fields)

    @staticmethod
    def _read(model, fields) -> dict:
        names = [f.attname for f in fields]
        pk = names.index(model._meta.pk.attname) if model._meta.pk in fields else None
        return {(row[pk] if pk is not None else row): row for row in model._base_manager.values_list(*names)}

    @classmethod
    def take(cls, setup):
        """Run ``setup()`` in a transaction that is rolled back; return ``(snapshot, what setup returned)``."""
        from django.db import transaction

        tables = list(cls._tables())
        with transaction.atomic():
            before = [cls._read(model, fields) for model, fields in tables]
            result = setup()
            rows, changed = [], []
            for (model, fields), old in zip(tables, before, strict=True):
                new = []
                for key, row in cls._read(model, fields).items():
                    if key not in old:
                        new.append(row)
                    elif old[key] != row:
                        if model._meta.pk not in fields:
                            raise RuntimeError(f"the setup changed a {model.__name__} row this cannot replay")
                        diff = {f.attname: v for f, v, was in zip(fields, row, old[key], strict=True) if v != was}
                        changed.append((model, key, diff))
                if new:
                    rows.append((model, fields, new))
            snapshot = cls(rows, changed)
            snapshot.keep(result)
            transaction.set_rollback(True)
        return snapshot, result

    def keep(self, result) -> None:
        """Remember what is needed to rebuild the setup's result after a replay (subclasses)."""

    def replay(self) -> None:
        from django.db import connection, transaction

        with transaction.atomic():
            for model, fields, values in self.rows:
                objs = [model(**{f.attname: v for f, v in zip(fields, row, strict=True)}) for row in values]
                size = max(1, connection.ops.bulk_batch_size(fields, objs) or len(objs))
                for i in range(0, len(objs), size):
                    model._base_manager._insert(objs[i : i + size], fields=fields, raw=True)
            for model, pk, values in self.changed:
                model._base_manager.filter(pk=pk).update(**values)


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


class count_queries(CaptureQueriesContext):
    def __init__(self):
        super().__init__(connection)

    @property
    def count(self) -> int:
        return len(self.captured_queries)


#: a name a user might type to plant a live formula in somebody's spreadsheet (issue #11 item 4)
FORMULA_NAME = '=HYPERLINK("http://x","y")'


def assert_text_not_formula(content, text: str = FORMULA_NAME) -> list:
    """``content`` (bytes, a file or a streaming response) is an xlsx without a single formula cell, and ``text``
    is in it, as typed, as string cells marked with the quote prefix. Returns the cells holding ``text``."""
    import io

    from openpyxl import load_workbook

    if hasattr(content, "streaming_content"):
        content = b"".join(content.streaming_content)
    if isinstance(content, bytes):
        content = io.BytesIO(content)
    wb = load_workbook(content)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(text):
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    found.append(cell)
    assert found, f"{text!r} is not in the workbook"
    return found
