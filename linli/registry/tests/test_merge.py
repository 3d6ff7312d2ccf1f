import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse

from linli.accounts.testing import system_user
from linli.core.models import AuditLog
from linli.core.testing import count_queries
from linli.core.validators import id_check_char
from linli.registry import merge, services
from linli.registry.models import CareTag, Household, HouseholdMember, Occupancy, Resident, ResidentTag
from linli.registry.search import search_residents

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1950, 3, 1)
TODAY = dt.date(2026, 6, 1)


def id_number(birth: str = "19500301", seq: str = "002") -> str:
    first17 = "340504" + birth + seq
    return first17 + id_check_char(first17)


def make(tree, name="王秀英", home=None, actor="secretary_a1", **kw):
    kw.setdefault("birth_date", BIRTH)
    return services.resident_create(actor=tree.users[actor], name=name, home=home or tree.house_a1, **kw)


def tag(code="elderly_alone", sensitive=False):
    return CareTag.objects.get_or_create(code=code, defaults={"name": code, "sensitive": sensitive})[0]


@pytest.fixture
def pair(tree):
    keep = make(tree, phone="", employer="", ethnicity="汉族")
    drop = make(tree, phone="13812345678", employer="马钢", ethnicity="回族", notes="重复登记")
    return keep, drop


# -- suspected duplicates ----------------------------------------------------------------------------


def test_suspected_duplicates_same_name_birth_and_home(tree, pair):
    keep, drop = pair
    make(tree, name="王秀英", birth_date=dt.date(1951, 3, 1))  # another birth date
    make(tree, name="王秀兰")  # another name
    make(tree, home=tree.house_a2, actor="district_admin")  # another home (community A2)
    groups = merge.suspected_duplicates(tree.users["secretary_a1"])
    assert [[r.pk for r in g.residents] for g in groups] == [[keep.pk, drop.pk]]
    assert groups[0].suggested_keep == keep and groups[0].others == [drop]


def test_people_with_two_id_numbers_are_not_suspects_but_one_missing_is(tree):
    make(tree, id_number=id_number(seq="002"))
    make(tree, id_number=id_number(seq="004"))
    assert merge.suspected_duplicates(tree.users["secretary_a1"]) == []
    third = make(tree)
    groups = merge.suspected_duplicates(tree.users["secretary_a1"])
    assert len(groups) == 1 and len(groups[0].residents) == 3
    assert groups[0].suggested_keep.id_hash and groups[0].suggested_keep != third


def test_suspected_duplicates_are_scoped(tree, pair):
    assert merge.suspected_duplicates(tree.users["district_admin"])
    assert merge.suspected_duplicates(tree.users["grid_a"])  # house A1 is in grid A
    make(tree, name="李四", home=tree.house_b1, actor="district_admin")
    make(tree, name="李四", home=tree.house_b1, actor="district_admin")
    assert {g.name for g in merge.suspected_duplicates(tree.users["secretary_a1"])} == {"王秀英"}
    assert {g.name for g in merge.suspected_duplicates(tree.users["district_admin"])} == {"王秀英", "李四"}
    assert merge.suspected_duplicates(tree.users["nobody"]) == []


def test_suspected_duplicates_query_count_is_constant(tree, pair):
    user = tree.users["district_admin"]
    merge.suspected_duplicates(user)  # the role bindings are loaded once per user
    with count_queries() as small:
        merge.suspected_duplicates(user)
    for i in range(6):
        for _ in range(2):
            make(tree, name=f"张{i}", actor="district_admin", home=tree.house_a2)
    with count_queries() as large:
        groups = merge.suspected_duplicates(user)
    assert len(groups) == 7 and small.count == large.count <= 4


# -- the merge service --------------------------------------------------------------------------------


def test_every_reference_moves_and_clashes_are_closed(tree, pair):
    keep, drop = pair
    root = system_user()
    # both are in the same household currently; drop heads another one (historic), holds a house, has tags
    household = services.household_create(actor=root, house=tree.house_a1, head=keep, since=dt.date(2000, 1, 1))
    services.household_move_in(
        actor=root, household=household, resident=drop, relation="other", since=dt.date(2010, 1, 1)
    )
    services.occupancy_add(
        actor=root, house=tree.house_a1, resident=keep, kind="co_owner", since=dt.date(2000, 1, 1), share=1 / 2
    )
    services.occupancy_add(
        actor=root, house=tree.house_a1, resident=drop, kind="co_owner", since=dt.date(2000, 1, 1), share=1 / 2
    )
    services.occupancy_add(actor=root, house=tree.house_a2, resident=drop, kind="owner", since=dt.date(2005, 1, 1))
    alone, old = tag("elderly_alone"), tag("oldest_old")
    services.tag_assign(actor=root, resident=keep, tag=alone, since=dt.date(2015, 1, 1))
    services.tag_assign(actor=root, resident=drop, tag=alone, since=dt.date(2012, 1, 1))
    services.tag_assign(actor=root, resident=drop, tag=old, since=dt.date(2030, 3, 1))
    earlier = make(tree)  # an earlier duplicate already merged into drop follows to keep
    Resident.objects.filter(pk=earlier.pk).update(merged_into=drop, is_active=False)

    report = merge.merge(actor=tree.users["secretary_a1"], keep=keep, drop=drop, today=TODAY)

    for model, field in (
        (HouseholdMember, "resident"),
        (Occupancy, "resident"),
        (ResidentTag, "resident"),
        (Household, "head"),
        (Resident, "merged_into"),
    ):
        assert not model.objects.filter(**{field: drop}).exists(), model
    # same household: the duplicate membership ended today, keep's stays open, history kept
    memberships = HouseholdMember.objects.filter(resident=keep).order_by("since")
    assert [(m.household_id, m.until) for m in memberships] == [(household.pk, None), (household.pk, TODAY)]
    # same open care group: one open row left; the other one's future start is respected
    open_alone = ResidentTag.objects.filter(resident=keep, tag=alone, until__isnull=True)
    assert open_alone.count() == 1
    assert ResidentTag.objects.get(resident=keep, tag=alone, until__isnull=False).until == TODAY
    assert ResidentTag.objects.get(resident=keep, tag=old).until is None  # no clash: simply moved
    # the same house held twice as co-owner: one closed; the other house simply moves
    assert Occupancy.objects.filter(resident=keep, house=tree.house_a1, until__isnull=True).count() == 1
    assert Occupancy.objects.get(resident=keep, house=tree.house_a2).until is None
    assert Resident.objects.get(pk=earlier.pk).merged_into_id == keep.pk
    assert report.ended == {
        "registry.householdmember.resident": 1,
        "registry.occupancy.resident": 1,
        "registry.residenttag.resident": 1,
    }
    assert report.moved["registry.occupancy.resident"] == 1 and report.moved["registry.resident.merged_into"] == 1

    drop.refresh_from_db()
    keep.refresh_from_db()
    assert drop.merged_into == keep and not drop.is_active
    # missing values copied, keep's own values never overwritten
    assert keep.phone_masked == "138****5678" and keep.employer == "马钢" and keep.notes == "重复登记"
    assert keep.ethnicity == "汉族"
    assert set(report.copied) == {"phone", "employer", "notes"}
    # the merged record is out of the search
    hits = search_residents(tree.users["secretary_a1"], "王秀英")
    assert [h.id for h in hits] == [keep.pk]


def test_head_of_a_household_keep_does_not_live_in_is_cleared(tree, pair):
    keep, drop = pair
    root = system_user()
    services.household_create(actor=root, house=tree.house_a1, head=keep, since=dt.date(2000, 1, 1))
    other = services.household_create(actor=root, house=tree.house_a1, head=drop, since=dt.date(2001, 1, 1))
    merge.merge(actor=tree.users["secretary_a1"], keep=keep, drop=drop, today=TODAY)
    other.refresh_from_db()
    assert other.head is None  # keep belongs to their own household; the duplicate's one is headless
    assert HouseholdMember.objects.get(household=other).until == TODAY


def test_id_number_is_copied_and_tags_follow_keeps_home(tree):
    keep = make(tree, home=None, registered_at=tree.comm_a1)
    drop = make(tree, id_number=id_number())
    services.tag_assign(actor=system_user(), resident=drop, tag=tag(), since=dt.date(2020, 1, 1))
    merge.merge(actor=tree.users["secretary_a1"], keep=keep, drop=drop, today=TODAY)
    keep.refresh_from_db()
    assert keep.id_masked == drop.id_masked and keep.id_hash == drop.id_hash
    assert keep.home == tree.house_a1 and keep.scope_path == tree.house_a1.path
    assert ResidentTag.objects.get(resident=keep).scope_path == tree.house_a1.path
    assert services.find_by_id("id_card", id_number()) == keep  # one person, one record


def test_references_are_found_generically():
    """Every foreign key to Resident in any installed app — today's and later domains' — is moved."""
    expected = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:  # a proxy shares its concrete model's table (and foreign keys)
            continue
        for f in model._meta.fields:
            if isinstance(f, models.ForeignKey) and f.related_model is Resident:
                expected.add(f"{model._meta.label_lower}.{f.name}")
    found = {ref.label for ref in merge.references()}
    assert expected <= found
    assert {
        "registry.householdmember.resident",
        "registry.occupancy.resident",
        "registry.residenttag.resident",
        "registry.household.head",
        "registry.resident.merged_into",
    } <= found


def test_refusals_write_nothing(tree, pair):
    keep, drop = pair
    outside = make(tree, home=tree.house_a2, actor="district_admin")
    audits = AuditLog.objects.count()
    with pytest.raises(PermissionDenied):  # the grid worker of grid A cannot change a resident of A2
        merge.merge(actor=tree.users["grid_a"], keep=keep, drop=outside)
    with pytest.raises(PermissionDenied):  # a building head may only view
        merge.merge(actor=tree.users["head_a1"], keep=keep, drop=drop)
    with pytest.raises(PermissionDenied):
        merge.merge(actor=tree.users["secretary_a1"], keep=outside, drop=drop)
    with pytest.raises(ValidationError):
        merge.merge(actor=tree.users["secretary_a1"], keep=keep, drop=keep)
    a = make(tree, name="甲", id_number=id_number(seq="002"))
    b = make(tree, name="甲", id_number=id_number(seq="004"))
    with pytest.raises(ValidationError) as exc:
        merge.merge(actor=tree.users["secretary_a1"], keep=a, drop=b)
    assert "drop" in exc.value.message_dict
    c = make(tree, name="甲", birth_date=dt.date(1960, 1, 1))
    with pytest.raises(ValidationError):
        merge.merge(actor=tree.users["secretary_a1"], keep=keep, drop=c)
    assert AuditLog.objects.filter(action="merge").count() == 0
    assert AuditLog.objects.count() == audits + 3  # only the three records created above
    assert not Resident.objects.filter(merged_into__isnull=False).exists()
    merge.merge(actor=tree.users["secretary_a1"], keep=keep, drop=drop)
    with pytest.raises(ValidationError):  # already merged
        merge.merge(actor=tree.users["secretary_a1"], keep=keep, drop=drop)


def test_merge_is_audited_with_both_records(tree, pair):
    keep, drop = pair
    merge.merge(actor=tree.users["grid_a"], keep=keep, drop=drop, today=TODAY)
    rows = {r.object_id: r for r in AuditLog.objects.filter(action="merge")}
    assert set(rows) == {str(keep.pk), str(drop.pk)}
    k, d = rows[str(keep.pk)], rows[str(drop.pk)]
    assert k.actor == d.actor == tree.users["grid_a"] and k.object_type == "registry.resident"
    assert k.before["employer"] == "" and k.after["employer"] == "马钢"
    assert d.before["merged_into_id"] is None and d.after["merged_into_id"] == keep.pk
    assert d.before["is_active"] and not d.after["is_active"]
    assert f"#{drop.pk} into #{keep.pk}" in k.note and "employer" in k.note
    for row in (k, d):  # never a cipher or hash in the audit trail
        assert not {"id_cipher", "phone_cipher", "id_hash", "phone_hash"} & set(row.after)
        assert "13812345678" not in str(row.after)


# -- pages -------------------------------------------------------------------------------------------


def test_list_page_compare_and_merge(client, tree, pair):
    keep, drop = pair
    client.force_login(tree.users["secretary_a1"])
    page = client.get(reverse("registry:merge_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="duplicate-group"' in body
    assert reverse("registry:merge_compare", args=[keep.pk, drop.pk]) in body
    assert "138****5678" in body and "13812345678" not in body

    url = reverse("registry:merge_compare", args=[keep.pk, drop.pk])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "138****5678" in body and "13812345678" not in body
    assert 'data-testid="merge-form"' in body and body.count('data-testid="fills"') == 3  # phone, employer, notes

    page = client.post(url, {})  # not confirmed: a field error, nothing merged
    assert page.status_code == 200 and page.context["form"].errors["confirm"]
    assert Resident.objects.get(pk=drop.pk).merged_into is None

    page = client.post(url, {"confirm": "on"})
    assert page.status_code == 302 and page["Location"] == reverse("registry:resident_detail", args=[keep.pk])
    assert Resident.objects.get(pk=drop.pk).merged_into_id == keep.pk
    assert client.get(url).status_code == 404  # the merged record is gone from the tool
    assert 'data-testid="no-duplicates"' in client.get(reverse("registry:merge_list")).content.decode()


def test_pages_are_scoped_and_need_the_change_right(client, tree, pair):
    keep, drop = pair
    outside = make(tree, home=tree.house_b1, actor="district_admin")
    client.force_login(tree.users["head_a1"])  # building head: may view, not change
    assert client.get(reverse("registry:merge_list")).status_code == 403
    url = reverse("registry:merge_compare", args=[keep.pk, drop.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="merge-form"' not in page.content.decode()
    assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(tree.users["secretary_a1"])
    assert client.get(reverse("registry:merge_compare", args=[keep.pk, outside.pk])).status_code == 404
    assert (
        client.post(reverse("registry:merge_compare", args=[keep.pk, outside.pk]), {"confirm": "on"}).status_code == 404
    )
    assert not Resident.objects.filter(merged_into__isnull=False).exists()
    client.logout()
    assert client.get(reverse("registry:merge_list")).status_code == 302


def test_list_page_query_count_is_constant(client, tree, pair):
    client.force_login(tree.users["district_admin"])
    with count_queries() as small:
        assert client.get(reverse("registry:merge_list")).status_code == 200
    for i in range(5):
        for _ in range(3):
            make(tree, name=f"李{i}", actor="district_admin", home=tree.house_b1)
    with count_queries() as large:
        page = client.get(reverse("registry:merge_list"))
    assert len(page.context["groups"]) == 6 and small.count == large.count
