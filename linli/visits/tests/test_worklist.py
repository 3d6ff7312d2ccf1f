"""The worklist (待走访): due dates from sensible starting points, grouped by grid and building, most urgent
first, paged with a constant number of queries, and a batch of entries marked done with one submit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.areas import services as areas
from linli.core.models import AuditLog
from linli.core.testing import count_queries
from linli.registry import services as reg
from linli.registry.care_tags import ensure_care_tags
from linli.registry.models import CareTag
from linli.visits import selectors, services
from linli.visits.models import Visit, VisitRule

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def alone(db):
    ensure_care_tags()
    return CareTag.objects.get(code="elderly_alone")


@pytest.fixture
def rule(alone):
    rule = VisitRule.objects.get(tag_code="elderly_alone")
    assert rule.days == 30
    VisitRule.objects.filter(pk=rule.pk).update(starts_on=days_ago(40))  # the rule took effect 40 days ago
    rule.refresh_from_db()
    return rule


def person(name, house, tag, since, **kw):
    r = reg.resident_create(actor=system_user(), name=name, home=house, **kw)
    reg.tag_assign(actor=system_user(), resident=r, tag=tag, since=since)
    return r


def house_in(building, number="201"):
    root = system_user()
    unit = building.children.first() or areas.place_create(actor=root, parent=building, name="1单元")
    return areas.place_create(actor=root, parent=unit, name=number, floor=2, number=number, use="residential")


def test_due_counts_from_the_rules_start_not_from_a_care_group_joined_decades_ago(tree, alone, rule):
    grid = tree.users["grid_a"]
    # in the group since she turned 60 in 1997: due 30 days after the rule took effect, not 10,799 days overdue
    old = person("周奶奶", tree.house_a1, alone, dt.date(1997, 3, 12), birth_date=dt.date(1937, 3, 12))
    # joined the group after the rule took effect: counted from then
    recent = person("吴大爷", tree.house_a1, alone, days_ago(35))
    due = {d.resident.pk: d for d in selectors.due_visits(grid)}
    assert (due[old.pk].due_on, due[old.pk].overdue_days) == (days_ago(10), 10)
    assert (due[recent.pk].due_on, due[recent.pk].overdue_days) == (days_ago(5), 5)
    # a visit restarts the clock
    services.visit_log(actor=grid, resident=old, visited_on=days_ago(25), purpose="走访")
    due = {d.resident.pk: d for d in selectors.due_visits(grid)}
    assert due[old.pk].due_on == TODAY + dt.timedelta(days=5) and due[old.pk].overdue_days == 0


def test_the_worklist_groups_by_grid_and_building_most_urgent_first(tree, alone, rule):
    grid_a1 = tree.building_a1  # in grid A
    unassigned = tree.building_a1b  # no grid
    a = person("甲", tree.house_a1, alone, days_ago(35))  # due 5 days ago
    b = person("乙", house_in(unassigned), alone, days_ago(50))  # due 10 days ago (rule start + 30)
    c = person("丙", house_in(grid_a1, "301"), alone, days_ago(38))  # due 8 days ago
    d = person("丁", house_in(unassigned, "202"), alone, days_ago(32))  # due 2 days ago
    items = selectors.worklist(selectors.due_visits(tree.users["secretary_a1"]))
    assert [i.resident.name for i in items] == ["乙", "丁", "丙", "甲"]
    groups = selectors.grouped(items)
    assert [(g.grid, g.building, [i.resident.pk for i in g.items]) for g in groups] == [
        (None, unassigned, [b.pk, d.pk]),
        (tree.grid_a, grid_a1, [c.pk, a.pk]),
    ]


def test_the_worklist_is_paged_with_a_constant_number_of_queries(client, tree, alone, rule):
    client.force_login(tree.users["secretary_a1"])
    house2 = house_in(tree.building_a1b)
    for i in range(3):
        person(f"甲{i}", tree.house_a1, alone, days_ago(60))
    with count_queries() as few:
        page = client.get(reverse("visits:due")).content.decode()
    assert page.count('data-testid="due"') == 3
    for i in range(27):
        person(f"乙{i}", house2 if i % 2 else tree.house_a1, alone, days_ago(60 + i))
    with count_queries() as many:
        page = client.get(reverse("visits:due")).content.decode()
    assert page.count('data-testid="due"') == 25 and "?page=2" in page
    assert few.count == many.count
    assert client.get(reverse("visits:due") + "?page=2").content.decode().count('data-testid="due"') == 5


def test_a_batch_marked_done_records_one_visit_per_household_through_the_service(client, tree, alone, rule):
    root = system_user()
    husband = person("老李", tree.house_a1, alone, days_ago(60))
    wife = person("李奶奶", tree.house_a1, alone, days_ago(60))
    household = reg.household_create(actor=root, house=tree.house_a1, head=husband, since=days_ago(900))
    reg.household_move_in(actor=root, household=household, resident=wife, relation="spouse", since=days_ago(900))
    neighbour = person("孙大爷", house_in(tree.building_a1), alone, days_ago(60))
    far = person("郑大爷", tree.house_a2, alone, days_ago(60))  # another community
    grid = tree.users["grid_a"]
    client.force_login(grid)
    url = reverse("visits:due_done")
    form = {"visited_on": TODAY.isoformat(), "purpose": "例行走访"}
    # one entry out of the worker's area refuses the whole batch
    resp = client.post(url, {**form, "resident": [husband.pk, far.pk]})
    assert resp.status_code == 200 and "form-errors" in resp.content.decode()
    assert not Visit.objects.exists()
    resp = client.post(url, {**form, "resident": [husband.pk, wife.pk, neighbour.pk]})
    assert resp.status_code == 302
    visits = Visit.objects.order_by("id")
    assert [(v.resident_id, v.visitor_id, v.visited_on, v.purpose) for v in visits] == [
        (husband.pk, grid.pk, TODAY, "例行走访"),
        (neighbour.pk, grid.pk, TODAY, "例行走访"),
    ]
    assert AuditLog.objects.filter(object_type="visits.visit", action="create").count() == 2
    # the household's visit serves the wife too: nobody of the three is due any more
    assert selectors.due_visits(grid) == []
