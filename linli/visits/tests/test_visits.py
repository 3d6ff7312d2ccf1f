from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.core.models import AuditLog
from linli.core.testing import FORMULA_NAME, assert_text_not_formula, count_queries
from linli.points.tests.factories import resident_with_login
from linli.registry import services as reg
from linli.registry.care_tags import ensure_care_tags
from linli.registry.models import CareTag
from linli.visits import selectors, services
from linli.visits.models import NeedState, Visit, VisitRule
from linli.wishes.models import State, Wish

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def elderly(tree):
    ensure_care_tags()
    tag = CareTag.objects.get(code="elderly_alone")
    VisitRule.objects.update(starts_on=TODAY - dt.timedelta(days=365))  # rules in force for a year
    root = system_user()
    people = []
    for name, house in (("陈老伯", tree.house_a1), ("林奶奶", tree.house_a1), ("郑大爷", tree.house_a2)):
        r = reg.resident_create(actor=root, name=name, home=house)
        reg.tag_assign(actor=root, resident=r, tag=tag, since=TODAY - dt.timedelta(days=100))
        people.append(r)
    return people


def names(items):
    return sorted(d.resident.name for d in items)


def test_elderly_alone_not_visited_in_30_days_appear_on_the_grid_workers_list(tree, elderly):
    grid = tree.users["grid_a"]
    chen, lin, _zheng = elderly
    assert names(selectors.due_visits(grid)) == ["林奶奶", "陈老伯"]  # 郑大爷 is in another grid
    services.visit_log(actor=grid, resident=chen, visited_on=TODAY - dt.timedelta(days=3), purpose="走访")
    services.visit_log(actor=grid, resident=lin, visited_on=TODAY - dt.timedelta(days=40), purpose="走访")
    due = selectors.due_visits(grid)
    assert names(due) == ["林奶奶"]
    assert due[0].overdue_days == 10 and due[0].last_visit == TODAY - dt.timedelta(days=40)
    # the rule is configurable
    rule = VisitRule.objects.get(tag_code="elderly_alone")
    services.rule_update(actor=tree.users["district_admin"], rule=rule, days=60)
    assert names(selectors.due_visits(grid)) == []
    with pytest.raises(PermissionDenied):
        services.rule_update(actor=grid, rule=rule, days=1)


def test_event_rule_hospitalised_must_be_visited_within_n_days(tree, elderly):
    grid = tree.users["grid_a"]
    chen = elderly[0]
    services.visit_log(actor=grid, resident=chen, visited_on=TODAY - dt.timedelta(days=10), purpose="走访")
    services.visit_log(actor=grid, resident=elderly[1], visited_on=TODAY, purpose="走访")
    assert names(selectors.due_visits(grid)) == []
    services.care_event_record(actor=grid, resident=chen, kind="hospitalised", occurred_on=TODAY - dt.timedelta(days=5))
    due = selectors.due_visits(grid)
    assert [(d.resident.name, d.rule.event_kind, d.overdue_days) for d in due] == [("陈老伯", "hospitalised", 2)]
    # a visit before the event does not count; one after it does
    services.visit_log(actor=grid, resident=chen, visited_on=TODAY, purpose="住院探望", kind="care")
    assert selectors.due_visits(grid) == []


def test_due_list_scope_and_roles(tree, elderly):
    assert names(selectors.due_visits(tree.users["secretary_a1"])) == ["林奶奶", "陈老伯"]
    assert names(selectors.due_visits(tree.users["district_admin"])) == ["林奶奶", "郑大爷", "陈老伯"]
    assert selectors.due_visits(tree.users["dept_staff"]) == []
    assert selectors.due_visits(tree.users["resident_a1"]) == []
    assert selectors.due_visits(tree.users["street_a"]) == []  # view only: not a visitor


def test_due_list_query_count_constant(client, tree, elderly):
    client.force_login(tree.users["grid_a"])

    def cost():
        with count_queries() as c:
            assert client.get("/visits/").status_code == 200
        return c.count

    first = cost()
    tag = CareTag.objects.get(code="elderly_alone")
    for i in range(5):
        r = reg.resident_create(actor=system_user(), name=f"老人{i}", home=tree.house_a1)
        reg.tag_assign(actor=system_user(), resident=r, tag=tag, since=TODAY - dt.timedelta(days=50))
        services.care_event_record(actor=tree.users["grid_a"], resident=r, kind="bereaved", occurred_on=TODAY)
    assert cost() == first
    assert "老人4" in client.get("/visits/").content.decode()


def test_visit_log_validation_and_scope(tree, elderly):
    grid = tree.users["grid_a"]
    zheng = elderly[2]
    with pytest.raises(PermissionDenied):
        services.visit_log(actor=grid, resident=zheng, visited_on=TODAY, purpose="x")
    audits = AuditLog.objects.count()
    with pytest.raises(ValidationError):
        services.visit_log(actor=grid, resident=elderly[0], visited_on=TODAY + dt.timedelta(days=1), purpose="x")
    with pytest.raises(ValidationError):
        services.visit_log(actor=grid, resident=elderly[0], visited_on=TODAY, purpose="")
    with pytest.raises(ValidationError):
        services.visit_log(actor=grid, resident=elderly[0], visited_on=TODAY, purpose="x", needs=["n"] * 11)
    assert AuditLog.objects.count() == audits and Visit.objects.count() == 0


def test_need_becomes_a_wish_in_one_click(tree, elderly):
    grid = tree.users["grid_a"]
    visit = services.visit_log(
        actor=grid, resident=elderly[0], visited_on=TODAY, purpose="走访", needs=["需要一床厚棉被", "  "]
    )
    need = visit.needs.get()
    wish = services.need_to_wish(actor=grid, need=need)
    assert wish.state == State.SUBMITTED and wish.resident == elderly[0] and wish.title == "需要一床厚棉被"
    need.refresh_from_db()
    assert need.state == NeedState.WISH and need.wish == wish
    with pytest.raises(ValidationError):
        services.need_to_wish(actor=grid, need=need)  # only once
    assert Wish.objects.count() == 1


def test_need_becomes_a_work_order_in_one_click(tree, elderly):
    from linli.workorders.models import Case

    grid = tree.users["grid_a"]
    visit = services.visit_log(actor=grid, resident=elderly[0], visited_on=TODAY, purpose="走访", needs=["楼道灯坏了"])
    need = visit.needs.get()
    case = services.need_to_case(actor=grid, need=need, category="other")
    need.refresh_from_db()
    assert need.state == NeedState.CASE and need.case_id == case.pk
    case = Case.objects.get(pk=case.pk)
    assert case.source == "visit" and case.reporter_resident_id == elderly[0].pk
    with pytest.raises(ValidationError):
        services.need_to_case(actor=grid, need=need, category="other")


def test_pairing_and_the_paired_member_logs_visits(tree, elderly):
    sec = tree.users["secretary_a1"]
    member_user, member = resident_with_login("member", tree.house_a2, name="党员甲")
    pairing = services.pairing_create(
        actor=sec, resident=elderly[0], partner_kind="in_service", partner_resident=member, note="每月上门"
    )
    with pytest.raises(ValidationError):
        services.pairing_create(actor=sec, resident=elderly[0], partner_kind="organisation")
    with pytest.raises(PermissionDenied):
        services.pairing_create(actor=sec, resident=elderly[2], partner_kind="organisation", partner_org=tree.dept)
    org_pairing = services.pairing_create(
        actor=sec, resident=elderly[1], partner_kind="organisation", partner_org=tree.dept
    )
    visit = services.visit_log(
        actor=member_user, resident=elderly[0], pairing=pairing, visited_on=TODAY, purpose="结对上门", kind="pairing"
    )
    with pytest.raises(PermissionDenied):  # not their pairing's resident
        services.visit_log(actor=member_user, resident=elderly[1], visited_on=TODAY, purpose="x")
    assert list(selectors.pairings(member_user)) == [pairing]
    assert list(selectors.visits(member_user)) == [visit]
    assert list(selectors.pairings(tree.users["dept_staff"])) == [org_pairing]
    assert list(selectors.pairings(tree.users["dept_other_staff"])) == []
    assert list(selectors.visits(tree.users["resident_a1"])) == []
    services.pairing_end(actor=sec, pairing=pairing)
    with pytest.raises(ValidationError):
        services.pairing_end(actor=sec, pairing=pairing)


def test_errand_record(tree, elderly):
    grid = tree.users["grid_a"]
    e = services.errand_record(actor=grid, resident=elderly[0], matter="代办高龄津贴", handled_on=TODAY)
    assert list(selectors.errands(grid)) == [e]
    assert list(selectors.errands(tree.users["dept_staff"])) == []
    with pytest.raises(ValidationError):
        services.errand_record(actor=grid, resident=elderly[0], matter="x", handled_on=TODAY, outcome="bogus")


def test_pages(client, tree, elderly):
    grid = tree.users["grid_a"]
    client.force_login(grid)
    resp = client.post(
        f"/visits/log/new/?resident={elderly[0].pk}",
        {
            "resident": elderly[0].pk,
            "kind": "routine",
            "visited_on": TODAY.isoformat(),
            "purpose": "例行走访",
            "findings": "良好",
            "needs": "需要助餐\n腿脚不便",
        },
    )
    assert resp.status_code == 302
    visit = Visit.objects.get()
    page = client.get(f"/visits/log/{visit.pk}/").content.decode()
    assert "需要助餐" in page
    need = visit.needs.order_by("id").first()
    assert client.post(f"/visits/needs/{need.pk}/wish/").status_code == 302
    assert Wish.objects.count() == 1
    assert client.get(f"/visits/log/new/?resident={elderly[2].pk}").status_code == 404  # other grid
    assert client.get(f"/registry/residents/{elderly[0].pk}/").status_code in (200, 404)
    client.force_login(tree.users["dept_staff"])
    assert client.get(f"/visits/log/{visit.pk}/").status_code == 404
    assert client.get("/visits/").status_code == 403


def test_rules_page_admin_edits_staff_read(client, tree):
    rule = VisitRule.objects.get(tag_code="elderly_alone")
    client.force_login(tree.users["grid_a"])
    assert "独居老人" in client.get("/visits/rules/").content.decode()
    client.post("/visits/rules/", {"rule": rule.pk, f"r{rule.pk}-name": "x", f"r{rule.pk}-days": "1"})
    assert VisitRule.objects.get(pk=rule.pk).days == 30
    client.force_login(tree.users["district_admin"])
    resp = client.post(
        "/visits/rules/",
        {"rule": rule.pk, f"r{rule.pk}-name": rule.name, f"r{rule.pk}-days": "20", f"r{rule.pk}-is_active": "on"},
    )
    assert resp.status_code == 302 and VisitRule.objects.get(pk=rule.pk).days == 20
    client.force_login(tree.users["dept_staff"])
    assert client.get("/visits/rules/").status_code == 403


def test_export_visit_log_and_errands(client, tree, elderly):
    import io

    from openpyxl import load_workbook

    grid = tree.users["grid_a"]
    services.visit_log(actor=grid, resident=elderly[0], visited_on=TODAY, purpose=FORMULA_NAME, needs=["棉被"])
    services.errand_record(actor=grid, resident=elderly[0], matter="代缴水电费", handled_on=TODAY, note=FORMULA_NAME)
    client.force_login(grid)
    before = AuditLog.objects.filter(action="export").count()
    resp = client.get("/visits/log/export/")
    assert resp.status_code == 200
    content = b"".join(resp.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    assert "grid_a" in rows[0][0]
    assert rows[2][1] == "陈老伯" and rows[2][3] == FORMULA_NAME and rows[2][5] == "棉被"
    assert_text_not_formula(content)  # the purpose as typed, as text: never a live formula
    resp = client.get("/visits/errands/export/")
    content = b"".join(resp.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    assert rows[2][2] == "代缴水电费"
    assert_text_not_formula(content)
    assert AuditLog.objects.filter(action="export").count() == before + 2
    client.force_login(tree.users["street_a"])
    assert client.get("/visits/log/export/").status_code == 403


def test_bereaved_household_must_be_visited_within_three_days(client, tree):
    """丧事必访: a bereavement puts the household on the due list, due 3 days after the event (configurable);
    a visit before it does not count; a visit since, to the bereaved or to anyone of the household, does."""
    root = system_user()
    grid = tree.users["grid_a"]
    widow = reg.resident_create(actor=root, name="王阿姨", home=tree.house_a1)
    son = reg.resident_create(actor=root, name="王小军", home=tree.house_a1)
    neighbour = reg.resident_create(actor=root, name="隔壁李", home=tree.house_a1)
    household = reg.household_create(actor=root, house=tree.house_a1, head=widow, since=TODAY - dt.timedelta(days=900))
    reg.household_move_in(
        actor=root, household=household, resident=son, relation="child", since=TODAY - dt.timedelta(days=900)
    )
    services.visit_log(actor=grid, resident=widow, visited_on=TODAY - dt.timedelta(days=6), purpose="例行走访")
    assert selectors.due_visits(grid) == []
    with pytest.raises(ValidationError):
        services.care_event_record(
            actor=grid, resident=widow, kind="bereaved", occurred_on=TODAY + dt.timedelta(days=1)
        )
    event = services.care_event_record(
        actor=grid, resident=widow, kind="bereaved", occurred_on=TODAY - dt.timedelta(days=4), note="老伴去世"
    )
    rule = VisitRule.objects.get(event_kind="bereaved")
    assert (rule.name, rule.days) == ("丧事必访", 3)
    due = selectors.due_visits(grid)
    assert [(d.resident.name, d.rule.event_kind, d.due_on, d.overdue_days, d.event) for d in due] == [
        ("王阿姨", "bereaved", TODAY - dt.timedelta(days=1), 1, event)
    ]
    assert due[0].last_visit == TODAY - dt.timedelta(days=6)  # the visit before the bereavement does not count
    assert [d.resident.name for d in selectors.due_visits(tree.users["secretary_a1"])] == ["王阿姨"]
    assert selectors.due_visits(tree.users["district_admin"])[0].event == event
    for outsider in ("dept_staff", "resident_a1", "street_a"):
        assert selectors.due_visits(tree.users[outsider]) == []
    client.force_login(grid)
    page = client.get("/visits/").content.decode()
    assert "王阿姨" in page and "丧事必访" in page

    # configurable: with 7 days it is not overdue yet, but still listed (falls due within the week)
    services.rule_update(actor=tree.users["district_admin"], rule=rule, days=7)
    due = selectors.due_visits(grid)
    assert [(d.resident.name, d.overdue_days, d.due_on) for d in due] == [("王阿姨", 0, TODAY + dt.timedelta(days=3))]
    services.rule_update(actor=tree.users["district_admin"], rule=rule, days=3)

    # someone who is not of the household does not clear it; the son does
    services.visit_log(actor=grid, resident=neighbour, visited_on=TODAY, purpose="走访")
    assert [d.resident.name for d in selectors.due_visits(grid)] == ["王阿姨"]
    services.visit_log(
        actor=grid, resident=son, visited_on=TODAY - dt.timedelta(days=2), purpose="吊唁慰问", kind="care"
    )
    assert selectors.due_visits(grid) == []
    # the rule switched off: a new bereavement elsewhere is not listed
    services.rule_update(actor=tree.users["district_admin"], rule=rule, is_active=False)
    services.care_event_record(actor=grid, resident=neighbour, kind="bereaved", occurred_on=TODAY)
    assert selectors.due_visits(grid) == []
