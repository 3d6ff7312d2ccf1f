"""Data-centre pages: list filters, the 360° page and its panels, reveal, forms, households, the building table."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from linli.accounts.testing import system_user
from linli.areas import services as areas
from linli.core.models import AuditLog
from linli.core.registry import ResidentPanel, registry
from linli.core.testing import count_queries
from linli.registry import services
from linli.registry.care_tags import ensure_care_tags
from linli.registry.models import CareTag, Household, HouseholdMember, Resident, ResidentTag

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"
PHONE = "13812345678"
ID2 = "440524188001010014"
PHONE2 = "13987654321"


def make(tree, actor="secretary_a1", **kw):
    kw.setdefault("name", "张三丰")
    kw.setdefault("home", tree.house_a1)
    return services.resident_create(actor=tree.users[actor], **kw)


@pytest.fixture
def world(tree):
    ensure_care_tags()
    root = system_user()
    a1 = make(tree, id_number=ID, phone=PHONE)
    a2 = make(tree, name="李四", home=tree.house_a2, id_number=ID2, phone=PHONE2, actor="district_admin")
    tags = {t.code: t for t in CareTag.objects.all()}
    services.tag_assign(actor=root, resident=a1, tag=tags["elderly_alone"], since=dt.date(2024, 1, 1))
    services.tag_assign(actor=root, resident=a1, tag=tags["subsistence"], since=dt.date(2024, 1, 1))
    return {"a1": a1, "a2": a2, "tags": tags}


def login(client, tree, name):
    client.force_login(tree.users[name])
    return client


def html(resp) -> str:
    return resp.content.decode()


def scrub(body: str, *typed: str) -> str:
    """Remove the echoes of what the user typed into the search box (the box itself, the language switch's
    ``next`` URL, pagination links): that is their own input, not a disclosure."""
    for value in typed:
        body = body.replace(f'value="{value}"', "").replace(f"q={value}", "")
    return body


# -- list ---------------------------------------------------------------------------------------------


def test_list_scope_and_masking(client, tree, world):
    login(client, tree, "grid_a")
    r = client.get(reverse("registry:resident_list"))
    assert r.status_code == 200
    body = html(r)
    assert "张三丰" in body and "李四" not in body
    assert "110105********002X" in body and "138****5678" in body
    assert ID not in body and PHONE not in body


@pytest.mark.parametrize("q", ["zsf", "zhangsan", "张三", "002X", "5678", ID, PHONE, "怡心"])
def test_list_search(client, tree, world, q):
    login(client, tree, "secretary_a1")
    body = html(client.get(reverse("registry:resident_list"), {"q": q}))
    assert reverse("registry:resident_detail", args=[world["a1"].pk]) in body, q
    body = scrub(body, q)
    assert ID not in body and PHONE not in body


def test_list_filters(client, tree, world):
    login(client, tree, "district_admin")
    url = reverse("registry:resident_list")
    a1_url = f'href="{reverse("registry:resident_detail", args=[world["a1"].pk])}"'
    a2_url = f'href="{reverse("registry:resident_detail", args=[world["a2"].pk])}"'
    body = html(client.get(url, {"place": tree.comm_a2.code}))
    assert a2_url in body and a1_url not in body
    body = html(client.get(url, {"tag": "subsistence"}))
    assert a1_url in body and a2_url not in body
    age = world["a1"].age  # born 1949-12-31; a2 born 1880
    body = html(client.get(url, {"age": "60-79"}))
    assert (a1_url in body) == (60 <= age <= 79) and a2_url not in body
    body = html(client.get(url, {"age": "80+"}))
    assert (a1_url in body) == (age >= 80) and a2_url in body
    body = html(client.get(url, {"age_min": age, "age_max": age}))
    assert a1_url in body and a2_url not in body
    body = html(client.get(url, {"age_max": 5}))
    assert a1_url not in body and a2_url not in body
    r = client.get(url, {"age_min": 30, "age_max": 20})
    assert "form-errors" in html(r) and a1_url not in html(r)
    body = html(client.get(url, {"status": "floating"}))
    assert a1_url not in body
    r = client.get(url, {"place": "999999999999"})
    assert r.status_code == 200 and "form-errors" in html(r)


def test_list_htmx_partial(client, tree, world):
    login(client, tree, "secretary_a1")
    r = client.get(reverse("registry:resident_list"), {"q": "zsf"}, HTTP_HX_REQUEST="true")
    body = html(r)
    assert "<html" not in body and "张三丰" in body


def test_sensitive_tags_hidden_from_grid_workers_and_building_heads(client, tree, world):
    for name in ("grid_a", "head_a1"):
        client.force_login(tree.users[name])
        body = html(client.get(reverse("registry:resident_list")))
        assert "独居老人" in body and "低保" not in body, name
        r = client.get(reverse("registry:resident_list"), {"tag": "subsistence"})
        assert "低保" not in html(r) and "张三丰" not in html(r), name
        body = html(client.get(reverse("registry:resident_detail", args=[world["a1"].pk])))
        assert "独居老人" in body and "低保" not in body and "残疾人" not in body, name
    client.force_login(tree.users["social_a1"])
    body = html(client.get(reverse("registry:resident_detail", args=[world["a1"].pk])))
    assert "低保" in body


def test_list_query_count_is_constant(client, tree, world):
    login(client, tree, "secretary_a1")
    url = reverse("registry:resident_list")
    client.get(url)
    with count_queries() as small:
        client.get(url)
    root = system_user()
    tag = world["tags"]["oldest_old"]
    for i in range(12):
        r = make(tree, name=f"测试{i}", phone=f"1390000{i:04d}")
        services.tag_assign(actor=root, resident=r, tag=tag, since=dt.date(2024, 1, 1))
    with count_queries() as big:
        resp = client.get(url)
    assert "测试11" in html(resp)
    assert big.count == small.count, (small.count, big.count)


def test_export_button_only_when_the_view_exists_and_the_user_may_export(client, tree, world):
    from django.urls import NoReverseMatch

    try:
        reverse("registry:resident_export")
        exists = True
    except NoReverseMatch:
        exists = False
    login(client, tree, "secretary_a1")
    body = html(client.get(reverse("registry:resident_list"), {"q": "zsf"}))
    assert ('data-testid="export"' in body) == exists
    if exists:
        assert "q=zsf" in body
    login(client, tree, "head_a1")  # building heads may not export
    assert 'data-testid="export"' not in html(client.get(reverse("registry:resident_list")))


# -- detail, panels, reveal ---------------------------------------------------------------------------


def test_detail_is_masked_and_out_of_scope_is_404(client, tree, world):
    login(client, tree, "grid_a")
    r = client.get(reverse("registry:resident_detail", args=[world["a1"].pk]))
    body = html(r)
    assert r.status_code == 200
    assert "110105********002X" in body and ID not in body and PHONE not in body
    assert 'data-testid="reveal-id_number"' in body
    assert client.get(reverse("registry:resident_detail", args=[world["a2"].pk])).status_code == 404


def test_building_head_sees_no_reveal_button_and_is_refused(client, tree, world):
    login(client, tree, "head_a1")
    a1 = world["a1"]
    body = html(client.get(reverse("registry:resident_detail", args=[a1.pk])))
    assert 'data-testid="reveal-id_number"' not in body
    r = client.post(reverse("registry:resident_reveal", args=[a1.pk]), {"field": "id_number"})
    assert r.status_code == 403 and ID not in html(r)
    assert not AuditLog.objects.filter(action="unmask").exists()


def test_reveal_returns_the_value_and_is_audited_each_time(client, tree, world):
    login(client, tree, "grid_a")
    a1 = world["a1"]
    url = reverse("registry:resident_reveal", args=[a1.pk])
    r = client.post(url, {"field": "id_number"}, HTTP_HX_REQUEST="true", HTTP_HX_PROMPT="上门核实")
    assert r.status_code == 200 and ID in html(r) and "<html" not in html(r)
    assert "no-store" in r["Cache-Control"]
    r = client.post(url, {"field": "phone", "purpose": "电话回访"})
    assert PHONE in html(r)
    rows = AuditLog.objects.filter(action="unmask", object_id=str(a1.pk), actor_name="grid_a")
    assert rows.count() == 2
    assert {row.note for row in rows} == {"id_number: 上门核实", "phone: 电话回访"}
    assert client.get(url).status_code == 405
    out = reverse("registry:resident_reveal", args=[world["a2"].pk])
    assert client.post(out, {"field": "id_number"}).status_code == 404
    assert rows.count() == 2


def test_reveal_asks_a_purpose_and_stores_it_decoded(client, tree, world):
    """htmx URI-encodes a prompt answer that is not ASCII (HX-Prompt-URI-AutoEncoded): the audit row has the text
    as typed. Without a purpose nothing is shown or recorded; without JavaScript the page asks for it."""
    from urllib.parse import quote

    login(client, tree, "grid_a")
    url = reverse("registry:resident_reveal", args=[world["a1"].pk])
    r = client.post(
        url,
        {"field": "id_number"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_PROMPT=quote("上门核实 低保复核"),
        HTTP_HX_PROMPT_URI_AUTOENCODED="true",
    )
    assert r.status_code == 200 and ID in html(r)
    assert AuditLog.objects.get(action="unmask").note == "id_number: 上门核实 低保复核"
    r = client.post(url, {"field": "id_number"}, HTTP_HX_REQUEST="true", HTTP_HX_PROMPT="  ")
    assert r.status_code == 400 and ID not in html(r) and "目的" in html(r)
    r = client.post(url, {"field": "phone"})  # no JavaScript: a form asks for the purpose
    assert r.status_code == 400 and PHONE not in html(r) and 'data-testid="reveal-purpose-form"' in html(r)
    assert AuditLog.objects.filter(action="unmask").count() == 1


def test_panels_are_registered_and_a_new_domain_can_add_one(client, tree, world):
    keys = [p.key for p in registry.resident_panels]
    assert {"household", "occupancy", "care_groups"} <= set(keys)
    extra = ResidentPanel(
        key="test_extra",
        title="Extra panel",
        template="registry/panels/occupancy.html",
        context=lambda user, resident: {"occupancies": []},
        order=99,
    )
    hidden = ResidentPanel(
        key="test_hidden",
        title="Hidden panel",
        template="registry/panels/occupancy.html",
        context=lambda user, resident: None,
        order=98,
    )
    registry.add_resident_panel(extra)
    registry.add_resident_panel(hidden)
    try:
        login(client, tree, "secretary_a1")
        body = html(client.get(reverse("registry:resident_detail", args=[world["a1"].pk])))
        assert 'data-panel="test_extra"' in body and "Extra panel" in body
        assert 'data-panel="test_hidden"' not in body
    finally:
        registry.resident_panels[:] = [p for p in registry.resident_panels if not p.key.startswith("test_")]


def test_detail_query_count_does_not_grow_with_history(client, tree, world):
    login(client, tree, "secretary_a1")
    a1 = world["a1"]
    url = reverse("registry:resident_detail", args=[a1.pk])
    with count_queries() as small:
        client.get(url)
    actor = tree.users["secretary_a1"]
    h = services.household_create(actor=actor, house=tree.house_a1, head=a1, since=dt.date(2020, 1, 1))
    for i in range(4):
        services.household_move_in(
            actor=actor, household=h, resident=make(tree, name=f"家人{i}"), relation="child", since=dt.date(2021, 1, 1)
        )
    services.occupancy_add(actor=actor, house=tree.house_a1, resident=a1, kind="owner", since=dt.date(2020, 1, 1))
    with count_queries() as big:
        body = html(client.get(url))
    assert "家人3" in body
    for i in range(4, 8):
        services.household_move_in(
            actor=actor, household=h, resident=make(tree, name=f"家人{i}"), relation="child", since=dt.date(2021, 1, 1)
        )
    with count_queries() as bigger:
        body = html(client.get(url))
    assert "家人7" in body
    assert bigger.count == big.count
    assert big.count <= small.count + 2


# -- forms --------------------------------------------------------------------------------------------


def test_create_with_field_errors_writes_nothing(client, tree):
    login(client, tree, "grid_a")
    url = reverse("registry:resident_create")
    n = Resident.objects.count()
    r = client.post(
        url,
        {
            "name": "王五",
            "gender": "U",
            "id_type": "id_card",
            "id_number": "110105194912310021",
            "political_status": "masses",
            "residence_status": "permanent",
            "home": tree.house_a1.code,
        },
    )
    assert r.status_code == 200 and 'id="id_id_number-error"' in html(r)
    r = client.post(
        url,
        {
            "name": "王五",
            "gender": "U",
            "political_status": "masses",
            "residence_status": "permanent",
            "home": tree.house_a2.code,
        },
    )  # outside grid A
    assert r.status_code == 200 and 'id="id_home-error"' in html(r)
    r = client.post(url, {"name": "", "gender": "U", "political_status": "masses", "residence_status": "permanent"})
    assert 'id="id_name-error"' in html(r) and 'id="id_home-error"' in html(r)
    assert Resident.objects.count() == n


def test_duplicate_outside_scope_names_no_record(client, tree, world):
    """Issue 11 item 8: the form says the number is registered and whom to ask; nothing of the other record."""
    login(client, tree, "grid_a")
    other = world["a2"]
    r = client.post(
        reverse("registry:resident_create"),
        {
            "name": "王五",
            "gender": "U",
            "id_type": "id_card",
            "id_number": ID2,
            "political_status": "masses",
            "residence_status": "permanent",
            "home": tree.house_a1.code,
        },
    )
    body = html(r)
    assert r.status_code == 200 and 'id="id_id_number-error"' in body
    assert other.id_masked not in body and f"#{other.pk}" not in body and other.name not in body
    assert "数据管理员" in body


def test_create_and_edit(client, tree):
    login(client, tree, "grid_a")
    r = client.post(
        reverse("registry:resident_create"),
        {
            "name": "王五",
            "gender": "U",
            "id_type": "id_card",
            "id_number": ID,
            "phone": PHONE,
            "political_status": "masses",
            "residence_status": "permanent",
            "home": tree.house_a1.code,
        },
    )
    assert r.status_code == 302
    resident = Resident.objects.get(name="王五")
    assert resident.id_masked == "110105********002X" and resident.gender == "F"
    edit = reverse("registry:resident_edit", args=[resident.pk])
    r = client.get(edit)
    assert r.status_code == 200 and ID not in html(r) and PHONE not in html(r)
    r = client.post(
        edit,
        {
            "name": "王五一",
            "gender": "F",
            "birth_date": "1949-12-31",
            "id_type": "id_card",
            "id_number": "",
            "phone": "",
            "political_status": "masses",
            "residence_status": "floating",
            "home": tree.house_a1.code,
            "employer": "钢铁厂",
        },
    )
    assert r.status_code == 302, html(r)
    resident.refresh_from_db()
    assert resident.name == "王五一" and resident.residence_status == "floating"
    assert resident.id_masked == "110105********002X" and resident.phone_masked == "138****5678"  # kept
    login(client, tree, "head_a1")
    assert client.get(edit).status_code == 403
    login(client, tree, "secretary_a1")
    other = make(tree, name="外人", home=tree.house_a2, actor="district_admin")
    login(client, tree, "grid_a")
    assert client.get(reverse("registry:resident_edit", args=[other.pk])).status_code == 404


def test_care_group_assign_and_end(client, tree, world):
    login(client, tree, "grid_a")
    a1 = world["a1"]
    url = reverse("registry:resident_tag_add", args=[a1.pk])
    body = html(client.get(url))
    assert "空巢老人" in body and "低保" not in body and "重点关注" not in body
    r = client.post(url, {"tag": "key_attention", "since": "2024-01-01"})  # sensitive: not offered
    assert r.status_code == 200 and 'id="id_tag-error"' in html(r)
    r = client.post(url, {"tag": "empty_nest", "since": "2024-01-01", "until": "2023-01-01"})
    assert 'id="id_until-error"' in html(r)
    assert not ResidentTag.objects.filter(resident=a1, tag__code="empty_nest").exists()
    r = client.post(url, {"tag": "empty_nest", "since": "2024-01-01"})
    assert r.status_code == 302
    row = ResidentTag.objects.get(resident=a1, tag__code="empty_nest")
    r = client.post(reverse("registry:resident_tag_end", args=[a1.pk, row.pk]), {"until": "2025-01-01"})
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.until == dt.date(2025, 1, 1)
    hidden = ResidentTag.objects.get(resident=a1, tag__code="subsistence")
    assert client.get(reverse("registry:resident_tag_end", args=[a1.pk, hidden.pk])).status_code == 404


# -- households ---------------------------------------------------------------------------------------


def test_household_pages(client, tree, world):
    login(client, tree, "secretary_a1")
    a1 = world["a1"]
    r = client.post(
        reverse("registry:household_create"), {"house": tree.house_a1.code, "head": "999999", "since": "2020-01-01"}
    )
    assert r.status_code == 200 and 'id="id_head-error"' in html(r)
    r = client.post(
        reverse("registry:household_create"), {"house": tree.house_a1.code, "head": str(a1.pk), "since": "2020-01-01"}
    )
    assert r.status_code == 302
    h = Household.objects.get(head=a1)
    child = make(tree, name="张小三")
    detail = reverse("registry:household_detail", args=[h.pk])
    body = html(client.get(detail))
    assert "张三丰" in body and f"#{child.pk}" in body
    r = client.post(
        reverse("registry:household_move_in", args=[h.pk]),
        {"resident": str(child.pk), "relation": "child", "since": "2021-05-01"},
    )
    assert r.status_code == 302
    m = HouseholdMember.objects.get(resident=child)
    r = client.post(reverse("registry:household_move_out", args=[h.pk, m.pk]), {"until": "2021-01-01"})
    assert r.status_code == 200 and 'id="id_until-error"' in html(r)
    r = client.post(reverse("registry:household_move_out", args=[h.pk, m.pk]), {"until": "2023-06-30"})
    assert r.status_code == 302
    body = html(client.get(detail))
    assert 'data-testid="past-members"' in body and "2023-06-30" in body
    body = html(client.get(reverse("registry:household_list")))
    assert h.number in body
    login(client, tree, "grid_a")
    assert client.get(detail).status_code == 200
    login(client, tree, "head_a1")
    r = client.post(
        reverse("registry:household_move_in", args=[h.pk]),
        {"resident": str(child.pk), "relation": "child", "since": "2024-01-01"},
    )
    assert r.status_code == 403
    login(client, tree, "social_a1")
    h2 = services.household_create(actor=tree.users["district_admin"], house=tree.house_a2, head=world["a2"])
    assert client.get(reverse("registry:household_detail", args=[h2.pk])).status_code == 404


@pytest.mark.parametrize("role", ["secretary_a1", "grid_a", "social_a1", "district_admin"])
def test_household_without_head_is_listed_and_flagged(client, tree, world, role):
    """A household whose head moved out stays on the list, flagged 无户主, and the list answers 200 (it was a 500
    for every staff role as soon as one such household was in scope)."""
    actor = tree.users["secretary_a1"]
    headless = services.household_create(actor=actor, house=tree.house_a1, head=world["a1"], since=dt.date(2020, 1, 1))
    services.household_move_out(actor=actor, membership=headless.memberships.get(), until=dt.date(2024, 1, 1))
    headed = services.household_create(actor=actor, house=tree.house_a1, head=make(tree, name="王户主"))
    login(client, tree, role)
    url = reverse("registry:household_list")
    r = client.get(url)
    assert r.status_code == 200
    body = html(r)
    assert headless.number in body and headed.number in body
    assert body.count('data-testid="no-head"') == 1
    r = client.get(url, {"no_head": "1"})
    assert r.status_code == 200
    body = html(r)
    assert headless.number in body and headed.number not in body


def test_household_list_query_count(client, tree):
    login(client, tree, "secretary_a1")
    actor = tree.users["secretary_a1"]
    services.household_create(actor=actor, house=tree.house_a1, head=make(tree, name="户主0"))
    url = reverse("registry:household_list")
    client.get(url)
    with count_queries() as small:
        client.get(url)
    unit = tree.house_a1.parent
    for i in range(1, 6):
        house = areas.place_create(actor=system_user(), parent=unit, name=f"2{i:02d}", floor=2, number=f"2{i:02d}")
        services.household_create(actor=actor, house=house, head=make(tree, name=f"户主{i}", home=house))
    with count_queries() as big:
        assert "户主5" in html(client.get(url))
    assert big.count == small.count


# -- the building table -------------------------------------------------------------------------------


def building(tree, units=2, floors=3, per_floor=2):
    root = system_user()
    b = areas.place_create(actor=root, parent=tree.compound_a1, name="9栋", floors=floors, unit_count=units)
    areas.grid_assign_buildings(actor=root, grid=tree.grid_a, buildings=[b])
    houses = {}
    for u in range(1, units + 1):
        unit = areas.place_create(actor=root, parent=b, name=f"{u}单元")
        for f in range(1, floors + 1):
            for k in range(1, per_floor + 1):
                number = f"{f}{k:02d}"
                houses[(u, number)] = areas.place_create(
                    actor=root, parent=unit, name=number, floor=f, number=number, use="residential"
                )
    return b, houses


def test_building_table_layout(client, tree):
    b, houses = building(tree)
    actor = tree.users["secretary_a1"]
    owner = make(tree, name="业主", home=houses[(1, "101")])
    services.occupancy_add(
        actor=actor, house=houses[(1, "101")], resident=owner, kind="owner", since=dt.date(2020, 1, 1)
    )
    tenant = make(tree, name="租客", home=houses[(2, "302")])
    services.occupancy_add(
        actor=actor, house=houses[(2, "302")], resident=tenant, kind="tenant", since=dt.date(2020, 1, 1)
    )
    make(tree, name="住户", home=houses[(2, "302")])
    login(client, tree, "grid_a")
    r = client.get(reverse("registry:building_view", args=[b.code]))
    assert r.status_code == 200
    body = html(r)
    floors = re.findall(r'data-floor="(-?\d+)"', body)
    assert floors == ["3", "2", "1"]  # top floor first
    assert body.index(">1单元<") < body.index(">2单元<")  # units as columns, in order
    row3 = body[body.index('data-floor="3"') : body.index('data-floor="2"')]
    assert row3.index(houses[(1, "301")].code) < row3.index(houses[(2, "301")].code)
    assert re.search(rf'class="house st-owner" href="[^"]*place={houses[(1, "101")].code}"', body)
    assert re.search(rf'class="house st-tenant" href="[^"]*place={houses[(2, "302")].code}"', body)
    assert re.search(rf'class="house st-vacant" href="[^"]*place={houses[(1, "201")].code}"', body)
    assert f'data-house="{houses[(2, "302")].code}" data-residents="2"' in body
    assert f'data-house="{houses[(1, "101")].code}" data-residents="1"' in body


def test_building_table_query_count_is_constant(client, tree):
    login(client, tree, "secretary_a1")
    small_b, _ = building(tree, units=1, floors=1, per_floor=1)
    big_b, houses = building(tree, units=3, floors=6, per_floor=3)
    for key in list(houses)[:10]:
        make(tree, name=f"住{key[1]}", home=houses[key])
    with count_queries() as small:
        client.get(reverse("registry:building_view", args=[small_b.code]))
    with count_queries() as big:
        r = client.get(reverse("registry:building_view", args=[big_b.code]))
    assert r.status_code == 200
    assert big.count == small.count


def test_building_table_scope(client, tree):
    login(client, tree, "grid_a")
    assert client.get(reverse("registry:building_view", args=[tree.building_a2.code])).status_code == 404
    assert client.get(reverse("registry:building_view", args=[tree.building_a1.code])).status_code == 200
    login(client, tree, "dept_staff")  # sees places, not people
    assert client.get(reverse("registry:building_view", args=[tree.building_b1.code])).status_code == 403


def test_place_page_links_to_the_building_table(client, tree):
    login(client, tree, "secretary_a1")
    body = html(client.get(reverse("areas:place_detail", args=[tree.building_a1.code])))
    assert reverse("registry:building_view", args=[tree.building_a1.code]) in body


# -- no full number anywhere ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    [
        "district_admin",
        "street_a",
        "secretary_a1",
        "social_a1",
        "grid_a",
        "head_a1",
        "dept_staff",
        "property_staff",
        "resident_a1",
        "nobody",
    ],
)
def test_no_full_number_in_any_page(client, tree, world, username):
    a1 = world["a1"]
    h = services.household_create(actor=tree.users["secretary_a1"], house=tree.house_a1, head=a1)
    client.force_login(tree.users[username])
    urls = [
        reverse("registry:resident_list"),
        reverse("registry:resident_list") + "?q=" + ID,
        reverse("registry:resident_list") + "?q=" + PHONE,
        reverse("registry:resident_detail", args=[a1.pk]),
        reverse("registry:resident_edit", args=[a1.pk]),
        reverse("registry:household_list"),
        reverse("registry:household_detail", args=[h.pk]),
        reverse("registry:building_view", args=[tree.building_a1.code]),
        reverse("registry:resident_tag_add", args=[a1.pk]),
    ]
    for url in urls:
        body = html(client.get(url))
        body = scrub(body, ID, PHONE)
        assert ID not in body and PHONE not in body and ID2 not in body and PHONE2 not in body, (username, url)
        assert "gAAAAA" not in body, (username, url)  # no Fernet token either


def test_ensure_care_tags_is_idempotent(db):
    from django.core.management import call_command

    call_command("ensure_care_tags")
    call_command("ensure_care_tags")
    tags = {t.code: t for t in CareTag.objects.all()}
    assert len(tags) == 9
    assert {c for c, t in tags.items() if t.sensitive} == {
        "disabled",
        "subsistence",
        "extreme_poverty",
        "key_attention",
    }
    assert set(tags["subsistence"].roles) == {"community_secretary", "social_worker", "district_admin"}
    assert tags["elderly_alone"].roles == []
    assert AuditLog.objects.filter(object_type="registry.caretag", action="create").count() == 9
