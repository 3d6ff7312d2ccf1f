"""Score cards on the workbench (#12 items 5 and the provisional note): computed cards to put under public notice,
objections to answer, notices ended to make final — for whoever may change the run, one tap from it."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.core import dates
from linli.core.models import CalendarYear
from linli.core.testing import count_queries
from linli.core.workbench import todos_for
from linli.scorecards import services
from linli.scorecards.models import ScoreRun

pytestmark = pytest.mark.django_db


def card_todos(user) -> dict:
    return {t.key: t for t in todos_for(user) if t.key.startswith("scorecards.")}


def test_each_step_of_a_notice_waits_for_whoever_runs_it(client, tree, orgs_alliance, year):
    sec = tree.users["secretary_a1"]
    run = services.run_compute(actor=sec, place=tree.comm_a1, year=year, card_type="org")
    todos = card_todos(sec)
    assert set(todos) == {"scorecards.publicise"}
    assert todos["scorecards.publicise"].url == reverse("scorecards:run", args=[run.pk])
    for name in ("social_a1", "grid_a", "resident_a1", "dept_staff"):  # they may not change the run
        assert not card_todos(tree.users[name]), name

    # Under notice since 10 days ago: an objection raised then waits for an answer, overdue now the notice has
    # ended (the cards cannot become final before it is answered).
    start = dates.today() - dt.timedelta(days=10)
    run = services.run_publicise(actor=sec, run=run, start=start)
    assert set(card_todos(sec)) == {"scorecards.finalise"}  # the notice has ended with no objection
    services.objection_raise(actor=sec, run=run, card=run.cards.first(), text="分数有误", today=start)
    todos = card_todos(sec)
    assert set(todos) == {"scorecards.objections"}
    objections = todos["scorecards.objections"]
    assert objections.count == 1 and objections.due == run.notice_ends and objections.overdue == 1
    assert objections.workdays
    assert objections.url == reverse("scorecards:run", args=[run.pk]) + "#objections"
    client.force_login(sec)
    page = client.get(objections.url)
    assert page.status_code == 200 and 'data-testid="objection"' in page.content.decode()
    assert set(card_todos(tree.users["district_admin"])) == {"scorecards.objections"}

    services.objection_answer(actor=sec, objection=run.objections.get(), response="已核实")
    assert set(card_todos(sec)) == {"scorecards.finalise"}
    services.run_finalise(actor=sec, run=ScoreRun.objects.get(pk=run.pk))
    assert not card_todos(sec)


def test_an_objection_due_in_a_provisional_calendar_year_says_so(client, tree, orgs_alliance, year):
    sec = tree.users["secretary_a1"]
    run = services.run_compute(actor=sec, place=tree.comm_a1, year=year, card_type="org")
    run = services.run_publicise(actor=sec, run=run)
    services.objection_raise(actor=sec, run=run, card=run.cards.first(), text="分数有误")
    far = 2030  # a notice ending in a year whose State Council arrangement is not entered
    ScoreRun.objects.filter(pk=run.pk).update(notice_ends=dt.date(far, 1, 8))
    CalendarYear.objects.filter(year=far).delete()
    assert card_todos(sec)["scorecards.objections"].provisional
    client.force_login(sec)
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="todo-provisional"' in html and "暂定" in html

    CalendarYear.objects.create(year=far, source="国务院办公厅关于2030年部分节假日安排的通知")
    assert not card_todos(sec)["scorecards.objections"].provisional
    assert 'data-testid="todo-provisional"' not in client.get(reverse("portal:home")).content.decode()


def test_the_queries_stay_few_however_many_runs(tree, orgs_alliance, year):
    from linli.scorecards.todos import collect

    user = tree.users["district_admin"]
    services.run_compute(actor=user, place=tree.comm_a1, year=year, card_type="org")
    collect(user)  # the user's role bindings, read once per request
    with count_queries() as one:
        assert collect(user)[0].count == 1
    for place in (tree.comm_a2, tree.street_a, tree.district):
        services.run_compute(actor=user, place=place, year=year, card_type="org")
    with count_queries() as many:
        todos = collect(user)
    assert todos[0].count == 4 and todos[0].url == reverse("scorecards:list")
    assert many.count == one.count
