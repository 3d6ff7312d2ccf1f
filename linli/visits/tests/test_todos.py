"""走访 on the workbench: the grid worker's due visits are a to-do, one tap from home to the worklist."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.core.workbench import todos_for
from linli.registry import services as reg
from linli.registry.care_tags import ensure_care_tags
from linli.registry.models import CareTag
from linli.visits import services
from linli.visits.models import VisitRule

pytestmark = pytest.mark.django_db


def test_due_visits_wait_on_the_grid_workers_workbench(client, tree):
    ensure_care_tags()
    tag = CareTag.objects.get(code="elderly_alone")
    today = timezone.localdate()
    VisitRule.objects.update(starts_on=today - dt.timedelta(days=365))  # rules in force for a year
    people = []
    for name in ("陈老伯", "林奶奶"):
        r = reg.resident_create(actor=system_user(), name=name, home=tree.house_a1)
        reg.tag_assign(actor=system_user(), resident=r, tag=tag, since=today - dt.timedelta(days=100))
        people.append(r)
    grid = tree.users["grid_a"]
    todo = next(t for t in todos_for(grid) if t.key == "visits.due")
    assert todo.count == 2 and todo.overdue == 2 and todo.url == reverse("visits:due")
    client.force_login(grid)
    assert client.get(todo.url).status_code == 200
    for r in people:
        services.visit_log(actor=grid, resident=r, visited_on=today, purpose="走访")
    assert not [t for t in todos_for(grid) if t.key == "visits.due"]
    assert not [t for t in todos_for(tree.users["dept_staff"]) if t.key == "visits.due"]
