import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.accounts.testing import system_user
from linli.core.models import AuditLog
from linli.core.testing import FORMULA_NAME, assert_text_not_formula, count_queries
from linli.party import services
from linli.party.models import PartyMember

from .factories import JOINED, branch, inservice, members, resident

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def setup(tree):
    b = branch(tree, name="怡心花园党支部")
    b2 = branch(tree, place=tree.comm_a2, name="西苑新村党支部")
    ms = members(b, 2, home=tree.house_a1)
    members(b2, 3, home=tree.house_a2)
    return b, b2, ms


def login(client, tree, name):
    client.force_login(tree.users[name])
    return client


def test_tree_page_shows_branches_and_flags(client, tree, setup):
    b, b2, _ms = setup
    resp = login(client, tree, "secretary_a1").get(reverse("party:tree"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert b.name in html and b2.name not in html
    assert 'data-flag="too_few"' in html
    frag = client.get(reverse("party:tree"), {"under": tree.comm_a1.code}, HTTP_HX_REQUEST="true")
    assert frag.status_code == 200 and b"<html" not in frag.content and b.name.encode() in frag.content
    bad = client.get(reverse("party:tree"), {"under": tree.comm_a2.code})
    assert bad.status_code == 200 and b2.name not in bad.content.decode()


def test_tree_forbidden_without_grant(client, tree, setup):
    assert login(client, tree, "nobody").get(reverse("party:tree")).status_code == 403
    assert login(client, tree, "resident_a1").get(reverse("party:tree")).status_code == 403


def test_org_detail_in_and_out_of_scope(client, tree, setup):
    b, b2, ms = setup
    c = login(client, tree, "secretary_a1")
    resp = c.get(reverse("party:org_detail", args=[b.pk]))
    assert resp.status_code == 200
    assert ms[0].resident.name in resp.content.decode()
    assert "at least 3" in resp.content.decode() or "至少" in resp.content.decode()
    assert c.get(reverse("party:org_detail", args=[b2.pk])).status_code == 404
    # view-only role: page yes, edit no
    c = login(client, tree, "social_a1")
    assert c.get(reverse("party:org_detail", args=[b.pk])).status_code == 200
    assert c.get(reverse("party:org_update", args=[b.pk])).status_code == 403


def test_register_member_form_refuses_second_branch(client, tree, setup):
    _b, _b2, ms = setup
    other = branch(tree, name="第二支部")
    c = login(client, tree, "secretary_a1")
    url = reverse("party:member_add", args=[other.pk])
    resp = c.post(url, {"resident": ms[0].resident_id, "status": "full", "joined_on": "2010-07-01"})
    assert resp.status_code == 200
    assert "two branches" in resp.content.decode() or "两个支部" in resp.content.decode()
    assert not PartyMember.objects.filter(org=other).exists()
    r = resident(tree.house_a1)
    resp = c.post(url, {"resident": r.pk, "status": "full", "joined_on": "2010-07-01", "full_on": "2011-07-01"})
    assert resp.status_code == 302
    assert PartyMember.objects.filter(org=other, resident=r, is_active=True).exists()
    # a resident out of the secretary's scope is unknown
    far = resident(tree.house_b1)
    resp = c.post(url, {"resident": far.pk, "status": "full", "joined_on": "2010-07-01"})
    assert resp.status_code == 200 and not PartyMember.objects.filter(resident=far).exists()


def test_create_org_and_transfer_through_pages(client, tree, setup):
    b, _b2, ms = setup
    c = login(client, tree, "secretary_a1")
    resp = c.post(
        reverse("party:org_create"),
        {
            "kind": "group",
            "name": "1栋党小组",
            "parent": b.pk,
            "place": tree.compound_a1.code,
            "covered": tree.building_a1.code,
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    other = branch(tree, name="湖东支部")
    resp = c.post(reverse("party:member_transfer", args=[ms[0].pk]), {"to_org": other.pk, "on": TODAY.isoformat()})
    assert resp.status_code == 302
    ms[0].refresh_from_db()
    assert not ms[0].is_active
    detail = c.get(reverse("party:member_detail", args=[ms[0].pk])).content.decode()
    assert other.name in detail and b.name in detail


def test_member_list_filters_badges_and_constant_queries(client, tree, setup):
    b, _b2, ms = setup
    services.seat_add(actor=system_user(), org=b, member=ms[0], position="secretary")
    type(ms[1].resident).objects.filter(pk=ms[1].resident_id).update(account=tree.users["head_a1"])
    c = login(client, tree, "secretary_a1")
    resp = c.get(reverse("party:member_list"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'data-badge="seat"' in html and 'data-badge="building_head"' in html
    heads = c.get(reverse("party:member_list"), {"badge": "building_head"}, HTTP_HX_REQUEST="true").content.decode()
    assert ms[1].resident.name in heads and ms[0].resident.name not in heads
    with count_queries() as small:
        c.get(reverse("party:member_list"))
    members(b, 6, home=tree.house_a1)
    with count_queries() as big:
        c.get(reverse("party:member_list"))
    assert big.count == small.count
    with count_queries() as tree_small:
        c.get(reverse("party:tree"))
    branch(tree, name="又一个支部")
    with count_queries() as tree_big:
        c.get(reverse("party:tree"))
    assert tree_big.count == tree_small.count


def test_member_export_is_masked_and_audited(client, tree, setup):
    _b, _b2, ms = setup
    c = login(client, tree, "secretary_a1")
    before = AuditLog.objects.filter(action="export").count()
    resp = c.get(reverse("party:member_export"))
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert "secretary_a1" in rows[0][0]
    names = {r[0] for r in rows[2:]}
    assert names == {m.resident.name for m in ms}
    phones = {r[3] for r in rows[2:]}
    assert all("*" in p for p in phones)
    assert AuditLog.objects.filter(action="export").count() == before + 1
    assert login(client, tree, "social_a1").get(reverse("party:member_export")).status_code == 403


def test_party_exports_write_typed_names_as_text(client, tree, setup):
    from linli.registry.models import Resident

    _b, _b2, ms = setup
    Resident.objects.filter(pk=ms[0].resident.pk).update(name=FORMULA_NAME)
    resp = login(client, tree, "secretary_a1").get(reverse("party:member_export"))
    assert_text_not_formula(resp)
    ins = inservice(tree)
    Resident.objects.filter(pk=ins.resident.pk).update(name=FORMULA_NAME)
    services.service_record_add(actor=system_user(), member=ins, date=TODAY, content=FORMULA_NAME + "宣讲", hours="2")
    resp = login(client, tree, "dept_staff").get(
        reverse("party:quarter_sheet", args=[ins.pk]), {"year": TODAY.year, "quarter": (TODAY.month - 1) // 3 + 1}
    )
    assert len(assert_text_not_formula(resp)) == 2  # the name and the record's content


def test_quarter_sheet_for_employer(client, tree, setup):
    ins = inservice(tree)
    services.service_record_add(actor=system_user(), member=ins, date=TODAY, content="政策宣讲", hours="2")
    q = (TODAY.month - 1) // 3 + 1
    url = reverse("party:quarter_sheet", args=[ins.pk])
    for name in ("secretary_a1", "dept_staff"):
        resp = login(client, tree, name).get(url, {"year": TODAY.year, "quarter": q})
        assert resp.status_code == 200, name
        wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
        values = [v for row in wb.worksheets[0].iter_rows(values_only=True) for v in row if v is not None]
        assert "政策宣讲" in values and ins.employer.name in values
    assert AuditLog.objects.filter(action="export", object_type="party.inservicemember").count() == 2
    assert login(client, tree, "dept_other_staff").get(url, {"year": TODAY.year, "quarter": q}).status_code == 404
    assert login(client, tree, "secretary_a1").get(url, {"year": "x", "quarter": 9}).status_code == 404
    resp = login(client, tree, "dept_staff").get(
        reverse("party:employer_sheet", args=[tree.dept.pk]), {"year": TODAY.year, "quarter": q}
    )
    assert resp.status_code == 200


def test_inservice_pages(client, tree, setup):
    stale = inservice(tree, reported_on=TODAY - dt.timedelta(days=250))
    fresh = inservice(tree)
    c = login(client, tree, "secretary_a1")
    html = c.get(reverse("party:inservice_list")).content.decode()
    assert stale.resident.name in html and 'data-flag="stale"' in html
    only = c.get(reverse("party:inservice_list"), {"stale": "on"}).content.decode()
    assert stale.resident.name in only and fresh.resident.name not in only
    resp = c.post(
        reverse("party:record_add", args=[fresh.pk]), {"date": TODAY.isoformat(), "content": "巡逻", "hours": "3"}
    )
    assert resp.status_code == 302
    resp = c.post(
        reverse("party:record_add", args=[fresh.pk]), {"date": TODAY.isoformat(), "content": "巡逻", "hours": "30"}
    )
    assert resp.status_code == 400
    detail = c.get(reverse("party:inservice_detail", args=[fresh.pk])).content.decode()
    assert "3.0" in detail
    r = resident(tree.house_a1)
    resp = c.post(
        reverse("party:inservice_report"),
        {"resident": r.pk, "community": tree.comm_a1.code, "employer": tree.dept.pk, "reported_on": TODAY.isoformat()},
    )
    assert resp.status_code == 302
    assert c.get(reverse("party:employer_list")).status_code == 200
    resp = c.post(reverse("party:post_create"), {"community": tree.comm_a1.code, "title": "助老服务员", "slots": 2})
    assert resp.status_code == 302
    post_url = resp["Location"]
    pk = int(post_url.rstrip("/").split("/")[-1])
    resp = c.post(reverse("party:post_claim", args=[pk]), {"member": fresh.pk})
    assert resp.status_code == 302
    assert fresh.resident.name in c.get(post_url).content.decode()


def test_resident_panel_and_own_page(client, tree, setup):
    b, _b2, ms = setup
    c = login(client, tree, "secretary_a1")
    html = c.get(reverse("registry:resident_detail", args=[ms[0].resident_id])).content.decode()
    assert 'data-testid="party-panel"' in html and b.name in html
    type(ms[0].resident).objects.filter(pk=ms[0].resident_id).update(account=tree.users["resident_a1"])
    c = login(client, tree, "resident_a1")
    resp = c.get(reverse("party:mine"))
    assert resp.status_code == 200 and b.name in resp.content.decode()
    assert c.get(reverse("party:member_detail", args=[ms[0].pk])).status_code == 200
    assert c.get(reverse("party:member_detail", args=[ms[1].pk])).status_code == 404


def test_own_page_is_in_the_menu(client, tree, setup):
    from linli.core.context_processors import visible_menu

    mine = reverse("party:mine")
    resident = tree.users["resident_a1"]
    assert mine not in [i["url"] for i in visible_menu(resident)["party"]]  # not a party member (yet)
    _b, _b2, ms = setup
    ms[0].resident.account = resident
    ms[0].resident.save(update_fields=["account"])
    resident.__dict__.pop("_linli_in_party", None)
    assert mine in [i["url"] for i in visible_menu(resident)["party"]]
    assert mine in [i["url"] for i in visible_menu(tree.users["secretary_a1"])["party"]]
    assert mine not in [i["url"] for items in visible_menu(tree.users["nobody"]).values() for i in items]
    html = login(client, tree, "resident_a1").get("/").content.decode()
    assert f'href="{mine}"' in html
    html = login(client, tree, "secretary_a1").get(reverse("party:tree")).content.decode()
    assert f'href="{mine}"' in html


def test_building_page_shows_centre_households(client, tree, setup):
    from linli.registry import services as reg

    _b, _b2, ms = setup
    household = reg.household_create(actor=system_user(), house=tree.house_a1, head=ms[0].resident)
    services.center_household_add(actor=system_user(), member=ms[0], household=household)
    resp = login(client, tree, "head_a1").get(reverse("party:building", args=[tree.building_a1.code]))
    assert resp.status_code == 200 and ms[0].resident.name in resp.content.decode()
    assert (
        login(client, tree, "head_a1").get(reverse("party:building", args=[tree.building_a2.code])).status_code == 404
    )


def test_joined_date_in_future_is_a_field_error(client, tree, setup):
    b, _b2, _ms = setup
    r = resident(tree.house_a1)
    resp = login(client, tree, "secretary_a1").post(
        reverse("party:member_add", args=[b.pk]),
        {"resident": r.pk, "status": "full", "joined_on": (TODAY + dt.timedelta(days=3)).isoformat()},
    )
    assert resp.status_code == 200 and not PartyMember.objects.filter(resident=r).exists()
    assert JOINED  # shared default date in factories


def test_covered_places_are_picked_several_at_once_and_one_out_of_scope_is_refused(client, tree, setup):
    """The covered compounds and buildings: a multiple picker (chips), never a text area of place codes."""
    b, _b2, _ms = setup
    c = login(client, tree, "secretary_a1")
    page = c.get(reverse("party:org_create") + f"?kind=group&parent={b.pk}").content.decode()
    assert "data-picker-multiple" in page and "levels=4%2C5" in page
    data = {"kind": "group", "name": "1栋党小组", "parent": b.pk, "place": tree.compound_a1.code}
    resp = c.post(
        reverse("party:org_create"),
        {**data, "covered": [tree.building_a1.code, tree.building_b1.code], "covered_label": ["1栋", "半山花园 1栋"]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert resp.status_code == 200 and "不在您辖区内的地点：半山花园 1栋" in resp.content.decode()
    assert not b.children.filter(name="1栋党小组").exists()
    resp = c.post(reverse("party:org_create"), {**data, "covered": [tree.building_a1.code, tree.building_a1b.code]})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    group = b.children.get(name="1栋党小组")
    assert set(group.covered_places.all()) == {tree.building_a1, tree.building_a1b}
    # the edit form shows them as chips named by their place, not as codes to read
    page = c.get(reverse("party:org_update", args=[group.pk])).content.decode()
    assert page.count('data-testid="picker-chip"') == 2 and 'value="怡心花园 1栋"' in page
