"""Party organisations on the workbench (#12 item 5): an election (换届) due or overdue, a branch without a
secretary, a branch set up against the rules — flags the party pages show — wait for whoever keeps the record, one
tap from the organisation; scoped, a constant few queries, and counted as the pages flag them."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.accounts.testing import system_user
from linli.core import dates
from linli.core.testing import count_queries
from linli.core.workbench import todos_for
from linli.core.workdays import add_years
from linli.party import selectors, services

from .factories import branch, members

pytestmark = pytest.mark.django_db
STRUCTURE_FLAGS = {"too_few", "needs_committee", "committee_too_big"}


def party_todos(user) -> dict:
    return {t.key: t for t in todos_for(user) if t.key.startswith("party.")}


def flag_counts(user) -> dict:
    """How many organisations the party pages flag, per to-do (kinds with none left out, as on the workbench)."""
    flagged = selectors.flagged_orgs(user)
    counts = {
        "party.election": sum(1 for o in flagged if {f.code for f in o.flags} & {"term_due", "term_over"}),
        "party.no_secretary": sum(1 for o in flagged if any(f.code == "no_secretary" for f in o.flags)),
        "party.structure": sum(1 for o in flagged if {f.code for f in o.flags} & STRUCTURE_FLAGS),
    }
    return {k: n for k, n in counts.items() if n}


def test_an_election_due_and_a_missing_secretary_wait_for_the_record_keepers(client, tree):
    today = dates.today()
    due = branch(tree, term_start=add_years(today, -5) + dt.timedelta(days=30))  # the 5-year term ends in 30 days
    assert due.term_end == today + dt.timedelta(days=30)
    secretary = tree.users["secretary_a1"]

    todos = party_todos(secretary)
    assert {k: t.count for k, t in todos.items()} == flag_counts(secretary)
    assert {k: t.count for k, t in todos.items()} == {
        "party.election": 1,
        "party.no_secretary": 1,
        "party.structure": 1,  # no member yet: fewer than 3 full members
    }
    assert todos["party.election"].due == due.term_end and todos["party.election"].overdue == 0
    # One organisation: the to-do opens its page, which shows the flags.
    assert todos["party.election"].url == reverse("party:org_detail", args=[due.pk])
    client.force_login(secretary)
    html = client.get(todos["party.election"].url).content.decode()
    assert 'data-flag="term_due"' in html and 'data-flag="no_secretary"' in html and 'data-flag="too_few"' in html

    # The street over it sees the same; a grid worker (read only), a resident and a department do not.
    assert set(party_todos(tree.users["street_a"])) == set(todos)
    for name in ("grid_a", "resident_a1", "dept_staff", "social_a1"):
        assert not party_todos(tree.users[name]), name

    # Three full members, one of them elected secretary: those two to-dos go.
    member = members(due, 3, home=tree.house_a1)[0]
    services.seat_add(actor=system_user(), org=due, member=member, position="secretary")
    assert set(party_todos(secretary)) == {"party.election"}

    # Seven full members and one seat: the branch needs a committee of 3 to 7.
    members(due, 4, home=tree.house_a1)
    assert {k: t.count for k, t in party_todos(secretary).items()} == flag_counts(secretary)
    assert set(party_todos(secretary)) == {"party.election", "party.structure"}


def test_an_ended_term_is_overdue_and_several_open_the_tree_with_few_queries(tree):
    from linli.party.todos import collect

    today = dates.today()
    user = tree.users["street_a"]
    branch(tree, term_start=add_years(today, -5) + dt.timedelta(days=30))
    collect(user)  # the user's role bindings, read once per request
    with count_queries() as one:
        collect(user)

    late = branch(tree, term_start=add_years(today, -5) - dt.timedelta(days=10))
    assert late.term_end < today
    branch(tree, place=tree.building_a2.parent)  # another community's branch, no term recorded: no election due
    with count_queries() as many:
        todos = {t.key: t for t in collect(user)}
    assert many.count == one.count
    assert todos["party.election"].count == 2 and todos["party.election"].overdue == 1
    assert todos["party.election"].due == late.term_end
    assert todos["party.election"].url == todos["party.structure"].url == reverse("party:tree")
    assert {k: t.count for k, t in todos.items()} == flag_counts(user)
