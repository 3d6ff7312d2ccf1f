"""The place tree and grid pages: scope (404), permission (403), field errors, htmx partials, query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from linli.accounts.testing import system_user
from linli.areas import services
from linli.areas.models import Grid, Level, Place
from linli.core.models import AuditLog
from linli.core.testing import count_queries

pytestmark = pytest.mark.django_db


def login(client, tree, name):
    client.force_login(tree.users[name])
    return client


def detail(place):
    return reverse("areas:place_detail", args=[place.code])


def writes(tree):
    """Everything a failed form must leave untouched."""
    return (
        Place.objects.count(),
        Grid.objects.count(),
        AuditLog.objects.count(),
        list(Place.objects.order_by("pk").values_list("path", "name", "grid_id")),
    )


# -- list and search ----------------------------------------------------------------------------------


def codes(resp):
    return {p.code for p in resp.context["object_list"]}


def test_grid_worker_sees_only_their_building(client, tree):
    login(client, tree, "grid_a")
    resp = client.get(reverse("areas:place_list"))
    assert resp.status_code == 200
    assert codes(resp) == {tree.building_a1.code}
    assert f">{tree.building_a1.code}<" in resp.content.decode()

    own_subtree = set(Place.objects.under(tree.building_a1).values_list("code", flat=True))
    for params in (
        {"q": "1"},
        {"q": "栋"},
        {"level": Level.BUILDING},
        {"under": tree.building_a1.code},
        {"q": tree.comm_a1.code},
    ):
        resp = client.get(reverse("areas:place_list"), params)
        assert resp.status_code == 200
        found = codes(resp)
        assert found and found <= own_subtree, params
        html = resp.content.decode()
        for other in (tree.building_a1b, tree.building_a2, tree.building_b1, tree.house_a2, tree.house_b1):
            assert f">{other.code}<" not in html, params
    resp = client.get(reverse("areas:place_list"), {"level": Level.BUILDING})
    assert codes(resp) == {tree.building_a1.code}


def test_search_under_an_unseen_place_looks_like_an_unknown_one(client, tree):
    login(client, tree, "secretary_a1")
    resp = client.get(reverse("areas:place_list"), {"under": tree.comm_b1.code})
    assert resp.status_code == 200
    assert "under" in resp.context["filter_form"].errors
    assert tree.comm_b1.name not in resp.content.decode()
    assert list(resp.context["object_list"]) == []


def test_superuser_roots_are_districts(client, tree):
    client.force_login(system_user())
    resp = client.get(reverse("areas:place_list"))
    assert [p.code for p in resp.context["object_list"]] == [tree.district.code]
    assert reverse("areas:place_create") in resp.content.decode()


def test_htmx_search_returns_only_the_partial(client, tree):
    login(client, tree, "secretary_a1")
    resp = client.get(reverse("areas:place_list"), {"q": "怡心"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "<html" not in html
    assert 'data-testid="place-table"' in html
    assert tree.compound_a1.code in html
    full = client.get(reverse("areas:place_list"), {"q": "怡心"}).content.decode()
    assert "<html" in full and 'id="place-results"' in full


def _add_compounds(community, n, start):
    root = system_user()
    for i in range(n):
        compound = services.place_create(actor=root, parent=community, name=f"测试小区{start + i}")
        services.place_create(actor=root, parent=compound, name="1栋", floors=5)


def test_place_list_query_count_is_constant(client, tree):
    login(client, tree, "district_admin")
    url = reverse("areas:place_list")
    client.get(url)  # warm up session and caches
    _add_compounds(tree.comm_a1, 2, 0)
    counts = []
    for size in (2, 15):
        if size > 2:
            _add_compounds(tree.comm_a2, size - 2, 100)
        for params in ({}, {"level": Level.COMPOUND}, {"q": "测试"}, {"under": tree.street_a.code, "level": 5}):
            with count_queries() as ctx:
                resp = client.get(url, params)
            assert resp.status_code == 200
            counts.append((str(params), ctx.count))
    half = len(counts) // 2
    assert counts[:half] == counts[half:]


# -- detail ---------------------------------------------------------------------------------------------


def test_out_of_scope_detail_is_404(client, tree):
    login(client, tree, "secretary_a1")
    assert client.get(detail(tree.comm_b1)).status_code == 404
    assert client.get(detail(tree.street_a)).status_code == 404
    assert client.get(detail(tree.house_b1)).status_code == 404
    assert client.get(reverse("areas:place_edit", args=[tree.comm_b1.code])).status_code == 404
    assert client.get(reverse("areas:place_detail", args=["999999999999"])).status_code == 404


def test_detail_breadcrumbs_fields_children_and_actions(client, tree):
    login(client, tree, "secretary_a1")
    resp = client.get(detail(tree.building_a1))
    assert resp.status_code == 200
    html = resp.content.decode()
    # Ancestors above the community are plain text; the community and the compound are links.
    assert tree.district.name in html and detail(tree.district) not in html
    assert tree.street_a.name in html and detail(tree.street_a) not in html
    assert detail(tree.comm_a1) in html and detail(tree.compound_a1) in html
    assert reverse("areas:grid_detail", args=[tree.grid_a.code]) in html
    assert "1单元" in html
    assert reverse("areas:place_edit", args=[tree.building_a1.code]) in html
    assert reverse("areas:place_create", args=[tree.building_a1.code]) in html
    assert reverse("areas:place_archive", args=[tree.building_a1.code]) not in html  # no delete grant

    client.cookies.load({"django_language": "en"})
    house = client.get(detail(tree.house_a1)).content.decode()
    assert "89.50 m² (Registered (title register))" in house


def test_view_only_role_sees_no_write_buttons(client, tree):
    login(client, tree, "head_a1")
    html = client.get(detail(tree.building_a1)).content.decode()
    for name in ("place_edit", "place_move", "place_archive", "place_create"):
        assert reverse(f"areas:{name}", args=[tree.building_a1.code]) not in html


# -- create ---------------------------------------------------------------------------------------------


def test_secretary_creates_a_compound_in_their_community(client, tree):
    login(client, tree, "secretary_a1")
    url = reverse("areas:place_create", args=[tree.comm_a1.code])
    form = client.get(url)
    assert form.status_code == 200
    assert "floors" not in form.context["form"].fields
    resp = client.post(url, {"name": "  新建小区 ", "address": "雨山区某路1号"})
    assert resp.status_code == 302
    compound = Place.objects.get(name="新建小区")
    assert compound.parent == tree.comm_a1 and compound.level == Level.COMPOUND
    assert compound.code.startswith(tree.comm_a1.code) and len(compound.code) == 15
    assert resp["Location"] == detail(compound)
    assert AuditLog.objects.filter(
        action="create", object_id=str(compound.pk), actor=tree.users["secretary_a1"]
    ).exists()


def test_secretary_cannot_create_outside(client, tree):
    login(client, tree, "secretary_a1")
    before = writes(tree)
    assert client.post(reverse("areas:place_create", args=[tree.comm_b1.code]), {"name": "X"}).status_code == 404
    assert (
        client.post(
            reverse("areas:place_create", args=[tree.street_a.code]), {"name": "X", "code": "340504001009"}
        ).status_code
        == 404
    )
    assert client.post(reverse("areas:place_create"), {"name": "X", "code": "340505000000"}).status_code == 403
    assert writes(tree) == before


def test_view_only_role_cannot_create(client, tree):
    login(client, tree, "head_a1")
    before = writes(tree)
    url = reverse("areas:place_create", args=[tree.building_a1.code])
    assert client.post(url, {"name": "9单元"}).status_code == 403
    assert writes(tree) == before


def test_building_and_house_forms_have_their_fields(client, tree):
    login(client, tree, "secretary_a1")
    building_form = client.get(reverse("areas:place_create", args=[tree.compound_a1.code])).context["form"]
    assert {"floors", "unit_count", "longitude", "latitude"} <= set(building_form.fields)
    assert not building_form.fields["code"].required
    unit = tree.house_a1.parent
    house_form = client.get(reverse("areas:place_create", args=[unit.code])).context["form"]
    assert {"floor", "number", "area", "area_source", "use"} <= set(house_form.fields)
    assert "floors" not in house_form.fields

    resp = client.post(
        reverse("areas:place_create", args=[unit.code]),
        {
            "name": "102",
            "floor": "1",
            "number": "102",
            "area": "76.30",
            "area_source": "surveyed",
            "use": "residential",
        },
    )
    assert resp.status_code == 302
    house = Place.objects.get(parent=unit, name="102")
    assert house.area == Decimal("76.30") and house.area_source == "surveyed" and len(house.code) == 24


def test_invalid_code_and_overlong_name_give_field_errors_and_write_nothing(client, tree):
    login(client, tree, "district_admin")
    before = writes(tree)
    url = reverse("areas:place_create", args=[tree.district.code])
    for code in ("12345", "340504001ABC", "340505003000", "340504001000"):  # short, letters, wrong prefix, in use
        resp = client.post(url, {"name": "新街道", "code": code})
        assert resp.status_code == 200, code
        assert resp.context["form"].errors.get("code"), code
    resp = client.post(url, {"name": "新街道"})
    assert resp.status_code == 200 and resp.context["form"].errors.get("code")

    resp = client.post(reverse("areas:place_create", args=[tree.comm_a1.code]), {"name": "长" * 61})
    assert resp.status_code == 200 and resp.context["form"].errors.get("name")

    unit = tree.house_a1.parent
    resp = client.post(
        reverse("areas:place_create", args=[unit.code]), {"name": "103", "floor": "1", "area": "50"}
    )  # area without its source
    assert resp.status_code == 200 and resp.context["form"].errors.get("area_source")
    assert writes(tree) == before


# -- edit -----------------------------------------------------------------------------------------------


def test_edit_by_view_only_role_is_403(client, tree):
    login(client, tree, "head_a1")
    url = reverse("areas:place_edit", args=[tree.building_a1.code])
    before = writes(tree)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "改名"}).status_code == 403
    assert writes(tree) == before


def test_edit_through_the_ui_is_audited(client, tree):
    login(client, tree, "secretary_a1")
    url = reverse("areas:place_edit", args=[tree.building_a1.code])
    form = client.get(url).context["form"]
    assert set(form.fields) == services.editable_fields(Level.BUILDING)
    assert form.initial["floors"] == 6
    resp = client.post(
        url,
        {
            "name": "1号楼",
            "floors": "7",
            "unit_count": "2",
            "address": "",
            "longitude": "118.512345",
            "latitude": "31.678901",
        },
    )
    assert resp.status_code == 302
    tree.building_a1.refresh_from_db()
    assert tree.building_a1.name == "1号楼" and tree.building_a1.floors == 7
    log = AuditLog.objects.filter(action="update", object_type="areas.place", object_id=str(tree.building_a1.pk))
    assert log.filter(actor=tree.users["secretary_a1"]).exists()
    assert log.get().after["floors"] == 7


def test_edit_rejects_half_coordinates(client, tree):
    login(client, tree, "secretary_a1")
    before = writes(tree)
    resp = client.post(
        reverse("areas:place_edit", args=[tree.building_a1.code]), {"name": "1栋", "floors": "6", "longitude": "118.5"}
    )
    assert resp.status_code == 200 and resp.context["form"].errors.get("latitude")
    assert writes(tree) == before


# -- move -----------------------------------------------------------------------------------------------


def test_wrong_level_and_unknown_move_targets_give_field_errors(client, tree):
    login(client, tree, "district_admin")
    url = reverse("areas:place_move", args=[tree.building_a1.code])
    before = writes(tree)
    for target in (tree.comm_a2.code, "123", "340504009009009"):
        resp = client.post(url, {"parent": target})
        assert resp.status_code == 200, target
        assert resp.context["form"].errors.get("parent"), target
    assert writes(tree) == before


def test_move_out_of_scope_target_is_unknown(client, tree):
    login(client, tree, "secretary_a1")
    other_compound = Place.objects.get(parent=tree.comm_b1)
    before = writes(tree)
    resp = client.post(reverse("areas:place_move", args=[tree.building_a1b.code]), {"parent": other_compound.code})
    assert resp.status_code == 200 and resp.context["form"].errors.get("parent")
    assert other_compound.name not in resp.content.decode()
    assert writes(tree) == before


def test_move_picks_the_new_parent_by_name_and_moves(client, tree):
    root = system_user()
    target = services.place_create(actor=root, parent=tree.comm_a1, name="新城")
    login(client, tree, "secretary_a1")
    url = reverse("areas:place_move", args=[tree.building_a1b.code])
    resp = client.get(url)
    assert resp.status_code == 200
    page = resp.content.decode()
    # a search box listing compounds only (a building moves under a compound), not a field for a typed code
    assert "data-picker" in page and 'name="parent_label"' in page and "levels=4" in page
    found = client.get(reverse("areas:pick_places"), {"q": "新城", "levels": "4"}).content.decode()
    assert f'data-value="{target.code}"' in found
    resp = client.post(url, {"parent": target.code, "parent_label": "新城"})
    assert resp.status_code == 302
    tree.building_a1b.refresh_from_db()
    assert tree.building_a1b.parent == target and tree.building_a1b.path.startswith(target.path)


def test_move_needs_change_permission(client, tree):
    login(client, tree, "head_a1")
    assert client.get(reverse("areas:place_move", args=[tree.building_a1.code])).status_code == 403
    login(client, tree, "district_admin")
    assert client.get(reverse("areas:place_move", args=[tree.district.code])).status_code == 403


# -- archive --------------------------------------------------------------------------------------------


def test_archive_confirms_refuses_with_children_and_archives_a_leaf(client, tree):
    login(client, tree, "district_admin")
    url = reverse("areas:place_archive", args=[tree.building_a1b.code])
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'data-testid="archive-form"' in confirm.content.decode()
    resp = client.post(url)
    assert resp.status_code == 302 and resp["Location"] == detail(tree.compound_a1)
    tree.building_a1b.refresh_from_db()
    assert not tree.building_a1b.is_active

    before = writes(tree)
    resp = client.post(reverse("areas:place_archive", args=[tree.building_a1.code]))
    assert resp.status_code == 200 and resp.context["form"].non_field_errors()
    assert writes(tree) == before


def test_archive_without_delete_grant_is_403(client, tree):
    login(client, tree, "secretary_a1")
    assert client.post(reverse("areas:place_archive", args=[tree.house_a1.code])).status_code == 403
    tree.house_a1.refresh_from_db()
    assert tree.house_a1.is_active


# -- grids ----------------------------------------------------------------------------------------------


def test_grid_list_is_scoped_and_searchable(client, tree):
    login(client, tree, "street_a")
    resp = client.get(reverse("areas:grid_list"))
    rows = {g.code: g for g in resp.context["object_list"]}
    assert set(rows) == {tree.grid_a.code, tree.grid_b.code}
    assert rows[tree.grid_a.code].building_count == 1 and rows[tree.grid_a.code].household_count == 1
    resp = client.get(reverse("areas:grid_list"), {"under": tree.comm_a2.code})
    assert [g.code for g in resp.context["object_list"]] == [tree.grid_b.code]
    resp = client.get(reverse("areas:grid_list"), {"q": tree.grid_a.code}, HTTP_HX_REQUEST="true")
    assert "<html" not in resp.content.decode() and tree.grid_a.code in resp.content.decode()

    login(client, tree, "grid_a")
    resp = client.get(reverse("areas:grid_list"))
    assert [g.code for g in resp.context["object_list"]] == [tree.grid_a.code]


def test_grid_list_query_count_is_constant(client, tree):
    login(client, tree, "district_admin")
    root = system_user()
    url = reverse("areas:grid_list")
    client.get(url)

    def add_grids(n, start):
        for i in range(n):
            grid = services.grid_create(actor=root, community=tree.comm_b1, name=f"网格{start + i}")
            compound = services.place_create(actor=root, parent=tree.comm_b1, name=f"网格小区{start + i}")
            building = services.place_create(actor=root, parent=compound, name="1栋")
            unit = services.place_create(actor=root, parent=building, name="1单元")
            services.place_create(actor=root, parent=unit, name="101", floor=1, use="residential")
            services.grid_assign_buildings(actor=root, grid=grid, buildings=[building])

    add_grids(1, 0)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    add_grids(6, 10)
    with count_queries() as large:
        resp = client.get(url)
    assert len(resp.context["object_list"]) == 9
    assert small.count == large.count


def test_grid_detail_shows_buildings_people_and_boundary(client, tree):
    root = system_user()
    boundary = {"type": "Polygon", "coordinates": [[[118.5, 31.6], [118.6, 31.6], [118.6, 31.7], [118.5, 31.6]]]}
    services.grid_update(actor=root, grid=tree.grid_a, boundary=boundary)
    login(client, tree, "secretary_a1")
    resp = client.get(reverse("areas:grid_detail", args=[tree.grid_a.code]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert tree.building_a1.code in html
    assert [b.user for b in resp.context["workers"]] == [tree.users["grid_a"]]
    assert [b.user for b in resp.context["heads"]] == [tree.users["head_a1"]]
    assert "&quot;Polygon&quot;" in html and "118.6" in html and 'data-testid="boundary"' in html
    assert tree.building_a1b.code in [b.code for b in resp.context["candidates"]]

    login(client, tree, "grid_a")
    resp = client.get(reverse("areas:grid_detail", args=[tree.grid_a.code]))
    assert resp.status_code == 200 and resp.context["workers"] is None and not resp.context["can_change"]
    assert client.get(reverse("areas:grid_detail", args=[tree.grid_b.code])).status_code == 404


def test_grid_create_with_preselected_community_and_json_errors(client, tree):
    login(client, tree, "secretary_a1")
    url = reverse("areas:grid_create")
    form = client.get(url, {"community": tree.comm_a1.code}).context["form"]
    assert form.initial["community"] == tree.comm_a1.code
    assert [c for c, _ in form.fields["community"].choices if c] == [tree.comm_a1.code]

    before = writes(tree)
    resp = client.post(url, {"community": tree.comm_a1.code, "name": "第二网格", "boundary": "{not json"})
    assert resp.status_code == 200 and resp.context["form"].errors.get("boundary")
    resp = client.post(url, {"community": tree.comm_a1.code, "name": "第二网格", "boundary": '{"type": "Point"}'})
    assert resp.status_code == 200 and resp.context["form"].errors.get("boundary")
    resp = client.post(url, {"community": tree.comm_b1.code, "name": "第二网格"})
    assert resp.status_code == 200 and resp.context["form"].errors.get("community")
    resp = client.post(url, {"community": tree.comm_a1.code, "name": tree.grid_a.name})  # duplicate name
    assert resp.status_code == 200 and resp.context["form"].errors.get("name")
    assert writes(tree) == before

    resp = client.post(url, {"community": tree.comm_a1.code, "name": "第二网格", "notes": "东片"})
    assert resp.status_code == 302
    grid = Grid.objects.get(community=tree.comm_a1, name="第二网格")
    assert resp["Location"] == reverse("areas:grid_detail", args=[grid.code])


def test_grid_create_and_edit_permissions(client, tree):
    login(client, tree, "grid_a")
    assert client.get(reverse("areas:grid_create")).status_code == 403
    assert client.get(reverse("areas:grid_edit", args=[tree.grid_a.code])).status_code == 403
    login(client, tree, "secretary_a1")
    assert client.get(reverse("areas:grid_edit", args=[tree.grid_b.code])).status_code == 404


def test_grid_edit_is_audited(client, tree):
    login(client, tree, "secretary_a1")
    url = reverse("areas:grid_edit", args=[tree.grid_a.code])
    assert client.get(url).status_code == 200
    resp = client.post(url, {"name": "怡心网格", "notes": "", "boundary": ""})
    assert resp.status_code == 302
    tree.grid_a.refresh_from_db()
    assert tree.grid_a.name == "怡心网格"
    assert AuditLog.objects.filter(
        action="update", object_type="areas.grid", object_id=str(tree.grid_a.pk), actor=tree.users["secretary_a1"]
    ).exists()


def test_assign_and_remove_buildings(client, tree):
    login(client, tree, "secretary_a1")
    url = reverse("areas:grid_buildings", args=[tree.grid_a.code])
    resp = client.post(url, {"buildings": [tree.building_a1b.code]})
    assert resp.status_code == 302
    tree.building_a1b.refresh_from_db()
    assert tree.building_a1b.grid == tree.grid_a

    resp = client.post(reverse("areas:grid_building_remove", args=[tree.grid_a.code, tree.building_a1b.code]))
    assert resp.status_code == 302
    tree.building_a1b.refresh_from_db()
    assert tree.building_a1b.grid is None

    # Out of the secretary's scope: unknown, nothing written.
    before = writes(tree)
    resp = client.post(url, {"buildings": [tree.building_b1.code]})
    assert resp.status_code == 200 and resp.context["buildings_form"].errors.get("buildings")
    assert tree.building_b1.code in resp.content.decode()  # the code they typed, not the building's name
    assert writes(tree) == before


def test_building_of_another_community_gives_a_clear_error(client, tree):
    login(client, tree, "district_admin")
    before = writes(tree)
    resp = client.post(reverse("areas:grid_buildings", args=[tree.grid_a.code]), {"buildings": [tree.building_a2.code]})
    assert resp.status_code == 200
    errors = resp.context["buildings_form"].errors["buildings"]
    assert any(tree.comm_a1.name in str(e) for e in errors)
    assert writes(tree) == before
    resp = client.post(reverse("areas:grid_buildings", args=[tree.grid_a.code]), {})
    assert resp.status_code == 200 and resp.context["buildings_form"].errors.get("buildings")


def test_grid_building_changes_need_change_permission(client, tree):
    login(client, tree, "grid_a")
    before = writes(tree)
    assert (
        client.post(
            reverse("areas:grid_buildings", args=[tree.grid_a.code]), {"buildings": [tree.building_a1.code]}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("areas:grid_building_remove", args=[tree.grid_a.code, tree.building_a1.code])).status_code
        == 403
    )
    assert writes(tree) == before
    assert client.get(reverse("areas:grid_buildings", args=[tree.grid_a.code])).status_code == 405


def test_anonymous_is_sent_to_login(client, tree):
    for url in (
        reverse("areas:place_list"),
        detail(tree.comm_a1),
        reverse("areas:grid_list"),
        reverse("areas:place_create", args=[tree.comm_a1.code]),
        reverse("areas:grid_create"),
    ):
        resp = client.get(url)
        assert resp.status_code == 302 and "login" in resp["Location"], url


def test_grid_form_shows_an_empty_boundary_as_empty_and_a_set_one_indented(client, tree):
    login(client, tree, "secretary_a1")
    html = client.get(reverse("areas:grid_create")).content.decode()
    assert ">null<" not in html and ">\nnull<" not in html
    boundary = {"type": "Polygon", "coordinates": [[[118.5, 31.6], [118.6, 31.6], [118.6, 31.7], [118.5, 31.6]]]}
    services.grid_update(actor=system_user(), grid=tree.grid_a, boundary=boundary)
    form = client.get(reverse("areas:grid_edit", args=[tree.grid_a.code])).context["form"]
    assert '\n  "type": "Polygon"' in form["boundary"].value()
