"""The workbench (工作台): what waits for each role, one tap from the home page; figures of the user's scope; the
section tabs show only sections that open for the user."""

import pytest
from django.urls import reverse

from linli.core import dates
from linli.core.registry import Todo, TodoSource, registry
from linli.core.testing import count_queries
from linli.core.workbench import todos_for
from linli.registry.selectors import resident_of
from linli.workorders import services as wo

pytestmark = pytest.mark.django_db


def report(tree, **kw):
    return wo.case_create(
        actor=tree.users["resident_a1"],
        place=tree.building_a1,
        case_type="complaint",
        category="illegal-building",
        title="楼顶违章搭建",
        description="3栋楼顶有人在搭彩钢棚",
        **kw,
    )


def todo_keys(user) -> dict[str, int]:
    return {t.key: t.count for t in todos_for(user)}


def test_each_step_of_a_case_appears_on_the_workbench_of_whoever_takes_it(tree):
    users = tree.users
    case = report(tree)
    assert todo_keys(users["secretary_a1"]) == {"workorders.accept": 1}
    assert "workorders.accept" not in todo_keys(users["secretary_a1"].__class__.objects.get(username="grid_a"))

    wo.case_whistle(actor=users["secretary_a1"], case=case, note="需城管执法")
    assert todo_keys(users["secretary_a1"]) == {}
    assert todo_keys(users["dispatcher"]) == {"workorders.dispatch": 1}

    wo.case_dispatch(actor=users["dispatcher"], case=case, lead_org=tree.dept)
    assert todo_keys(users["dispatcher"]) == {}
    assert todo_keys(users["dept_staff"]) == {"workorders.sign": 1}
    assert todo_keys(users["dept_other_staff"]) == {}

    case = wo.case_sign(actor=users["dept_staff"], case=case)
    assert todo_keys(users["dept_staff"]) == {"workorders.handle": 1}

    case = wo.case_complete(actor=users["dept_staff"], case=case, reply="已拆除")
    assert todo_keys(users["dept_staff"]) == {}
    assert todo_keys(users["resident_a1"]) == {"workorders.verdict": 1}
    assert todo_keys(users["dispatcher"]) == {"workorders.revisit_district": 1}


def test_the_workbench_page_lists_the_todos_with_one_tap_to_the_queue(client, tree):
    report(tree)
    report(tree)
    client.force_login(tree.users["secretary_a1"])
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-todo="workorders.accept"' in html
    target = reverse("workorders:community_queue") + "?state=accepted"
    assert f'href="{target}"' in html
    assert client.get(target).status_code == 200
    assert 'data-figure="workorders.open"' in html


def test_a_resident_home_shows_their_verdict_todo(client, tree):
    case = report(tree)
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.dept)
    case = wo.case_sign(actor=tree.users["dept_staff"], case=case)
    wo.case_complete(actor=tree.users["dept_staff"], case=case, reply="已拆除")
    client.force_login(tree.users["resident_a1"])
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-todo="workorders.verdict"' in html
    assert client.get(reverse("workorders:my_cases")).status_code == 200


def test_overdue_work_comes_first_then_the_earliest_due():
    import datetime as dt

    def t(key, due, overdue=0):
        return Todo(key=key, label=key, count=1, url="/", section="government", due=due, overdue=overdue)

    today = dt.date(2026, 12, 7)
    source = TodoSource(
        "test.order",
        lambda user: [
            t("later", today + dt.timedelta(days=3)),
            t("undated", None),
            t("late", today - dt.timedelta(days=1), overdue=1),
            t("soon", today + dt.timedelta(days=1)),
        ],
    )
    saved = list(registry.todo_sources)
    registry.todo_sources[:] = [source]
    try:
        user = type("U", (), {"is_authenticated": True})()
        assert [x.key for x in todos_for(user)] == ["late", "soon", "later", "undated"]
    finally:
        registry.todo_sources[:] = saved


def test_the_workbench_query_count_does_not_grow_with_the_cases(client, tree):
    client.force_login(tree.users["secretary_a1"])
    report(tree)
    client.get(reverse("portal:home"))
    with count_queries() as few:
        client.get(reverse("portal:home"))
    for _ in range(10):
        report(tree)
    with count_queries() as many:
        client.get(reverse("portal:home"))
    assert many.count == few.count


@pytest.mark.parametrize("name", ["resident_a1", "nobody"])
def test_a_residents_tabs_show_only_sections_that_open(client, tree, name):
    from linli.core.context_processors import visible_menu

    user = tree.users[name]
    client.force_login(user)
    html = client.get(reverse("portal:home")).content.decode()
    menu = visible_menu(user)
    for key, items in menu.items():
        if key == "workbench":
            continue
        link = reverse("portal:section", args=[key])
        assert (f'href="{link}"' in html) == bool(items), key


def test_wishes_wait_for_review_confirmation_and_the_claimer(tree):
    from decimal import Decimal

    from linli.accounts.testing import system_user
    from linli.points.tests.factories import resident_with_login
    from linli.registry import services as reg
    from linli.volunteering import services as vol
    from linli.wishes import services as ws

    sec = tree.users["secretary_a1"]
    needy = reg.resident_create(actor=system_user(), name="张秀英", home=tree.house_a1)
    wish = ws.wish_submit(
        actor=sec, resident=needy, title="一台电风扇", need="夏天闷热", estimated_value=Decimal("150.00")
    )
    assert todo_keys(sec)["wishes.review"] == 1
    assert "wishes.review" not in todo_keys(tree.users["resident_a1"])
    wish = ws.wish_approve(actor=sec, wish=wish)
    assert "wishes.review" not in todo_keys(sec)

    member, _resident = resident_with_login("member", tree.house_a2, name="李建国")
    vol.volunteer_register(actor=system_user(), resident=resident_of(member))
    ws.claim(actor=member, wish=wish, kind="volunteer")
    todo = next(t for t in todos_for(member) if t.key == "wishes.claims")
    assert todo.count == 1 and todo.due is not None and todo.overdue == 0


def test_organisational_life_due_and_missed_wait_for_whoever_records_it(tree):
    from linli.orglife import periods, selectors, services
    from linli.orglife.models import Kind
    from linli.orglife.tests.factories import PartyTree

    party = PartyTree(tree)
    secretary = tree.users["secretary_a1"]
    todos = {t.key: t for t in todos_for(secretary)}
    comp = selectors.compliance(party.branch, dates.today().year)
    due_now = [c for _row, c in comp.current() if c.state == periods.DUE]
    assert todos["orglife.due"].count >= len(due_now) > 0
    assert todos["orglife.due"].due == min(c.period.end for c in due_now)
    if comp.counts[periods.MISSING]:
        assert todos["orglife.missing"].overdue >= comp.counts[periods.MISSING]

    # Holding this month's committee meeting takes it off the list.
    before = todos["orglife.due"].count
    services.meeting_record(
        actor=secretary,
        org=party.branch,
        kind=Kind.COMMITTEE,
        held_on=dates.today(),
        topic="支委会",
        attendance={m.pk: "present" for m in party.committee},
    )
    assert {t.key: t for t in todos_for(secretary)}["orglife.due"].count == before - 1
    # A department's staff record no party meetings: nothing of this kind waits for them.
    assert not {k for k in todo_keys(tree.users["dept_staff"]) if k.startswith("orglife.")}


def test_my_checked_imports_wait_for_me_and_no_one_else(tree):
    from linli.registry.models import ImportJob, ImportStatus

    sec, social = tree.users["secretary_a1"], tree.users["social_a1"]
    for status in (ImportStatus.VALID, ImportStatus.INVALID, ImportStatus.INVALID, ImportStatus.COMMITTED):
        ImportJob.objects.create(
            kind="residents", status=status, created_by=sec, file_name="居民.xlsx", scope_path=tree.comm_a1.path
        )
    keys = todo_keys(sec)
    assert keys["registry.import_ready"] == 1 and keys["registry.import_errors"] == 2
    assert not {k for k in todo_keys(social) if k.startswith("registry.")}


def test_figures_are_for_staff_only(tree):
    from linli.core.workbench import figures_for

    assert {f.key for f in figures_for(tree.users["secretary_a1"])} >= {"registry.residents", "workorders.open"}
    assert not figures_for(tree.users["resident_a1"])


def test_a_time_limit_in_a_provisional_calendar_year_is_marked_on_the_workbench(client, tree):
    """ADR 0011: a working-day deadline falling in a year whose 调休 arrangement is not entered may move; the
    workbench says so as the case page does. Dates that are no working-day deadline (a meeting) never say so."""
    import datetime as dt

    from django.utils import timezone

    from linli.core.models import CalendarYear
    from linli.workorders.models import CaseAssignment

    far = 2030
    CalendarYear.objects.filter(year=far).delete()
    case = report(tree)
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.dept)
    CaseAssignment.objects.filter(case=case).update(due_at=timezone.make_aware(dt.datetime(far, 1, 7, 23, 59)))
    staff = tree.users["dept_staff"]
    sign = next(t for t in todos_for(staff) if t.key == "workorders.sign")
    assert sign.workdays and sign.provisional
    client.force_login(staff)
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="todo-provisional"' in html and "暂定：该年度放假安排尚未公布" in html

    CalendarYear.objects.create(year=far, source="国务院办公厅关于2030年部分节假日安排的通知")
    assert not next(t for t in todos_for(staff) if t.key == "workorders.sign").provisional
    assert 'data-testid="todo-provisional"' not in client.get(reverse("portal:home")).content.decode()


def test_only_working_day_deadlines_can_be_provisional():
    import datetime as dt

    far = dt.date(2030, 1, 8)
    source = TodoSource(
        "test.provisional",
        lambda user: [
            Todo("meeting", "meeting", 1, "/", "workbench", due=far),
            Todo("limit", "limit", 1, "/", "government", due=far, workdays=True),
            Todo("undated", "undated", 1, "/", "government", workdays=True),
        ],
    )
    saved = list(registry.todo_sources)
    registry.todo_sources[:] = [source]
    try:
        user = type("U", (), {"is_authenticated": True})()
        assert {t.key: t.provisional for t in todos_for(user)} == {"meeting": False, "limit": True, "undated": False}
    finally:
        registry.todo_sources[:] = saved


def test_a_co_handler_to_sign_finds_the_case_one_tap_from_the_workbench(client, tree):
    """Found by the browser walk: a co-handler (协办) signs for a case the lead has already signed (state 签收 or
    办理中); the to-do's link filtered the queue on 已派单 and showed none of them."""
    case = report(tree)
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.dept_other, co_orgs=[tree.dept])
    wo.case_sign(actor=tree.users["dept_other_staff"], case=case)
    staff = tree.users["dept_staff"]
    sign = next(t for t in todos_for(staff) if t.key == "workorders.sign")
    assert sign.count == 1
    client.force_login(staff)
    html = client.get(sign.url).content.decode()
    assert f'href="{reverse("workorders:case_detail", args=[case.pk])}"' in html
    assert 'data-testid="to-sign"' in html
