"""Owners' committees on the workbench (#12 item 5): the flags the committee pages show become to-dos for whoever
keeps the record, one tap from the page where they are dealt with; the read is scoped and a constant few queries."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.core.testing import count_queries
from linli.core.workbench import todos_for
from linli.owners import selectors, services

from .factories import TODAY, committee, seats

pytestmark = pytest.mark.django_db


def owners_todos(user) -> dict:
    return {t.key: t for t in todos_for(user) if t.key.startswith("owners.")}


def test_flags_become_todos_for_whoever_keeps_the_record(client, tree):
    start = TODAY - dt.timedelta(days=5 * 365 - 30)  # the term ends in about a month: re-election is due
    c = committee(tree.compound_a1, start=start, end=services.add_years(start, 5) - dt.timedelta(days=1))
    seats(c, 4, home=tree.house_a1)  # 4 seats: not an odd 5 to 11; never filed with the street
    current = selectors.committees(tree.users["secretary_a1"]).get(pk=c.pk)
    assert {f.code for f in selectors.flags(current, current.n_seats)} == {"reelection_due", "members", "not_filed"}

    todos = owners_todos(tree.users["secretary_a1"])
    assert set(todos) == {"owners.reelection", "owners.members", "owners.filing"}
    reelection = todos["owners.reelection"]
    assert reelection.count == 1 and reelection.due == c.term_end and reelection.overdue == 0
    # One committee: the to-do opens its page, which shows the flag.
    assert reelection.url == reverse("owners:detail", args=[c.pk])
    client.force_login(tree.users["secretary_a1"])
    page = client.get(reelection.url)
    assert page.status_code == 200 and 'data-flag="reelection_due"' in page.content.decode()

    # Street staff over it see the same; staff of another community, grid workers (read only) and residents do not.
    assert set(owners_todos(tree.users["street_a"])) == set(todos)
    for name in ("grid_a", "head_a1", "resident_a1", "dept_staff"):
        assert not owners_todos(tree.users[name]), name


def test_an_ended_term_is_overdue_and_a_sound_committee_waits_for_nothing(tree):
    start = services.add_years(TODAY, -5)
    ended = committee(tree.compound_a1, start=start, end=TODAY - dt.timedelta(days=3), filed_on=start)
    seats(ended, 5, home=tree.house_a1, since=start)
    todos = owners_todos(tree.users["secretary_a1"])
    assert set(todos) == {"owners.reelection"}
    assert todos["owners.reelection"].overdue == 1 and todos["owners.reelection"].due == ended.term_end

    new_start = TODAY - dt.timedelta(days=10)  # a new term recorded, and filed
    services.committee_update(
        actor=tree.users["secretary_a1"],
        committee=ended,
        term_start=new_start,
        term_end=services.add_years(new_start, 5) - dt.timedelta(days=1),
        filed_on=TODAY - dt.timedelta(days=5),
    )
    assert not owners_todos(tree.users["secretary_a1"])


def test_several_committees_open_the_list_and_the_queries_stay_few(tree):
    from linli.owners.todos import collect

    user = tree.users["street_a"]
    committee(tree.compound_a1)  # no seats, not filed
    collect(user)  # the user's role bindings, read once per request
    with count_queries() as one:
        todos = {t.key: t for t in collect(user)}
    assert todos["owners.members"].url != reverse("owners:list")  # one committee: its own page

    from linli.accounts.testing import system_user
    from linli.areas import services as areas

    for i in range(3):
        compound = areas.place_create(actor=system_user(), parent=tree.comm_a2, name=f"小区{i}")
        committee(compound)
    with count_queries() as many:
        todos = {t.key: t for t in collect(user)}
    assert todos["owners.members"].count == 4 and todos["owners.members"].url == reverse("owners:list")
    assert many.count == one.count
