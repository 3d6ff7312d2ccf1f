import dataclasses

import pytest

from linli.core.testing import count_queries
from linli.core.validators import id_check_char
from linli.registry import services
from linli.registry.models import Resident
from linli.registry.search import ResidentHit, parse, search_q, search_rank, search_residents

pytestmark = pytest.mark.django_db


def id_number(birth: str, seq: str) -> str:
    first17 = "340504" + birth + seq
    return first17 + id_check_char(first17)


def make(tree, name, home=None, actor="district_admin", **kw):
    return services.resident_create(actor=tree.users[actor], name=name, home=home or tree.house_a1, **kw)


@pytest.fixture
def people(tree):
    return {
        "zsf": make(tree, "张三丰", id_number=id_number("19450312", "001"), phone="13812345678"),
        "zsf_b": make(tree, "张三丰", home=tree.house_b1),  # same name, another street
        "zs": make(tree, "张三", phone="13900001234"),
        "lzsf": make(tree, "李张三丰"),
        "ww": make(tree, "王五", home=tree.house_a2, id_number=id_number("19800101", "123")),
        "zhao": make(tree, "赵六", home=tree.house_a2),
    }


def names(hits):
    return [h.name for h in hits]


def test_parse_reads_each_kind_of_term():
    assert [(t.kind, t.value) for t in parse("  张三  zsf 123x 5678 ")] == [
        ("text", "张三"),
        ("pinyin", "zsf"),
        ("last4", "123X"),
        ("last4", "5678"),
    ]
    full = id_number("19450312", "001")
    assert parse(full.lower())[0].kind == "id"
    assert parse("13812345678")[0].kind == "phone"
    assert parse("340504194503120010")[0].kind == "text"  # bad checksum: just text, no error
    assert parse("") == [] and search_q("   ") is None


def test_by_name_exact_name_first(tree, people):
    admin = tree.users["district_admin"]
    hits = search_residents(admin, "张三丰")
    assert names(hits) == ["张三丰", "张三丰", "李张三丰"]  # exact name first, then names containing it
    assert all(isinstance(h, ResidentHit) and h.matched == "name" for h in hits)
    # one or two characters: the start or the end of a name (a surname, a given name), exact first
    assert names(search_residents(admin, "张三")) == ["张三", "张三丰", "张三丰"]
    assert names(search_residents(admin, "三丰")) == ["张三丰", "张三丰", "李张三丰"]
    assert names(search_residents(admin, "张")) == ["张三", "张三丰", "张三丰"]
    assert names(search_residents(admin, "李")) == ["李张三丰"]
    assert search_residents(admin, "三") == []  # one character inside a name is no search


def test_by_pinyin_initials_and_full_pinyin(tree, people):
    admin = tree.users["district_admin"]
    assert set(names(search_residents(admin, "zsf"))) == {"张三丰"}
    assert names(search_residents(admin, "ZS"))[0] == "张三"  # initials exactly "zs" rank first
    assert set(names(search_residents(admin, "zhangsan"))) == {"张三", "张三丰"}
    assert names(search_residents(admin, "lzsf")) == ["李张三丰"]
    assert names(search_residents(admin, "wangwu")) == ["王五"]
    assert search_residents(admin, "zsf")[0].matched == "pinyin"


def test_by_last_four_of_id_or_phone(tree, people):
    admin = tree.users["district_admin"]
    zsf_id_last4 = people["zsf"].id_last4
    hits = search_residents(admin, zsf_id_last4)
    assert [h.id for h in hits] == [people["zsf"].pk] and hits[0].matched == "id"
    hits = search_residents(admin, "1234")
    assert [h.id for h in hits] == [people["zs"].pk] and hits[0].matched == "phone"
    x_last4 = people["ww"].id_last4
    assert [h.id for h in search_residents(admin, x_last4.lower())] == [people["ww"].pk]


def test_full_numbers_match_exactly_by_hash_and_still_come_back_masked(tree, people):
    admin = tree.users["district_admin"]
    full = id_number("19450312", "001")
    hits = search_residents(admin, full)
    assert [h.id for h in hits] == [people["zsf"].pk]
    assert hits[0].id_masked == "340504********" + full[-4:]
    assert [h.id for h in search_residents(admin, "13812345678")] == [people["zsf"].pk]
    assert search_residents(admin, "13812345679") == []


def test_hits_carry_masked_values_only(tree, people):
    hit = search_residents(tree.users["district_admin"], "张三丰")[0]
    fields = {f.name for f in dataclasses.fields(hit)}
    assert not {"id_cipher", "phone_cipher", "id_hash", "phone_hash"} & fields
    values = " ".join(str(v) for v in dataclasses.asdict(hit).values())
    assert id_number("19450312", "001") not in values and "13812345678" not in values
    assert hit.phone_masked == "138****5678"


def test_by_address_fragment_and_several_terms(tree, people):
    admin = tree.users["district_admin"]
    # tree: 雨秀社区 怡心花园 1栋 1单元 101 holds three of them; 西苑新村 holds 王五 and 赵六
    assert set(names(search_residents(admin, "西苑新村"))) == {"王五", "赵六"}
    assert search_residents(admin, "西苑新村")[0].matched == "address"
    assert names(search_residents(admin, "西苑 赵")) == ["赵六"]  # every term must match
    assert set(names(search_residents(admin, "怡心花园 zsf"))) == {"张三丰"}
    assert set(names(search_residents(admin, "新村"))) == {"王五", "赵六"}  # the end of a place name
    assert len(search_residents(admin, "怡心花园 1栋")) == 3 and len(search_residents(admin, "怡心花园 1")) == 3
    assert search_residents(admin, "心花") == []  # two characters inside a place name: no search


def test_always_through_the_chokepoint(tree, people):
    # a grid worker of grid A (building A1-1) sees only the people living there
    assert set(names(search_residents(tree.users["grid_a"], "zsf"))) == {"张三丰"}
    assert len(search_residents(tree.users["grid_a"], "zsf")) == 1
    assert search_residents(tree.users["grid_a"], "王五") == []
    # the community secretary of A1 does not see street B's 张三丰
    ids = {h.id for h in search_residents(tree.users["secretary_a1"], "张三丰")}
    assert people["zsf"].pk in ids and people["zsf_b"].pk not in ids
    # a full ID number of someone out of scope finds nothing
    assert search_residents(tree.users["grid_a"], id_number("19800101", "123")) == []
    for nobody in ("nobody", "dept_staff"):
        assert search_residents(tree.users[nobody], "张") == []
    from django.contrib.auth.models import AnonymousUser

    assert search_residents(AnonymousUser(), "张") == []


def test_merged_and_inactive_records_are_left_out(tree, people):
    Resident.objects.filter(pk=people["zsf_b"].pk).update(merged_into=people["zsf"])
    Resident.objects.filter(pk=people["zs"].pk).update(is_active=False)
    admin = tree.users["district_admin"]
    assert names(search_residents(admin, "张三")) == ["张三丰"]
    assert "张三" in names(search_residents(admin, "张三", include_inactive=True))


def test_limit_and_constant_query_count(tree, people):
    admin = tree.users["district_admin"]
    assert len(search_residents(admin, "张", limit=2)) == 2
    with count_queries() as small:
        search_residents(admin, "张")
    for i in range(30):
        make(tree, f"张{i}号")
    with count_queries() as big:
        hits = search_residents(admin, "张", limit=20)
    assert len(hits) == 20 and small.count == big.count <= 2


def test_composable_filter_and_rank_for_other_selectors(tree, people):
    qs = (
        Resident.objects.filter(search_q("zs"))
        .annotate(r=search_rank("zs"))
        .order_by("r", "name")
        .values_list("name", flat=True)
    )
    assert qs.first() == "张三"
