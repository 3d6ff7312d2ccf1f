import datetime as dt

import pytest
from django.urls import reverse

from linli.owners import selectors, services
from linli.owners.models import OwnersCommittee

from .factories import TODAY, committee, seats

pytestmark = pytest.mark.django_db


def codes(c, n, today=TODAY):
    return {f.code for f in selectors.flags(c, n, today=today)}


def make(start, end, filed=True):
    c = OwnersCommittee(
        name="x",
        term_start=start,
        term_end=end,
        is_active=True,
        filed_on=start + dt.timedelta(days=10) if filed else None,
    )
    return c


@pytest.mark.parametrize(
    ("n", "flagged"),
    [(0, True), (3, True), (4, True), (5, False), (6, True), (7, False), (11, False), (12, True), (13, True)],
)
def test_members_odd_between_5_and_11(n, flagged):
    c = make(TODAY - dt.timedelta(days=100), TODAY + dt.timedelta(days=1000))
    assert ("members" in codes(c, n)) is flagged


def test_reelection_due_90_days_before_and_term_ended():
    start = TODAY - dt.timedelta(days=1000)
    assert codes(make(start, TODAY + dt.timedelta(days=91)), 5) == set()
    assert codes(make(start, TODAY + dt.timedelta(days=90)), 5) == {"reelection_due"}
    assert codes(make(start, TODAY), 5) == {"reelection_due"}
    assert codes(make(start, TODAY - dt.timedelta(days=1)), 5) == {"term_ended"}


def test_filing_due_within_30_days():
    start = TODAY - dt.timedelta(days=30)
    assert codes(make(start, TODAY + dt.timedelta(days=1000), filed=False), 5) == set()
    start = TODAY - dt.timedelta(days=31)
    assert codes(make(start, TODAY + dt.timedelta(days=1000), filed=False), 5) == {"not_filed"}


def test_inactive_committees_are_not_flagged():
    c = make(TODAY - dt.timedelta(days=2000), TODAY - dt.timedelta(days=10))
    c.is_active = False
    assert codes(c, 2) == set()


def test_flags_on_the_pages_and_ended_seats_do_not_count(client, tree):
    start = TODAY - dt.timedelta(days=5 * 365 - 30)
    c = committee(
        tree.compound_a1,
        start=start,
        end=services.add_years(start, 5) - dt.timedelta(days=1),
        filed_on=start + dt.timedelta(days=5),
    )
    rows = seats(c, 6, home=tree.house_a1)
    client.force_login(tree.users["secretary_a1"])
    html = client.get(reverse("owners:list")).content.decode()
    assert 'data-flag="members"' in html and 'data-flag="reelection_due"' in html
    assert "换届" in html
    services.seat_end(actor=tree.users["secretary_a1"], seat=rows[0], until=TODAY)
    html = client.get(reverse("owners:detail", args=[c.pk])).content.decode()
    assert 'data-flag="members"' not in html and 'data-flag="reelection_due"' in html
    listed = selectors.with_flags(selectors.committees(tree.users["secretary_a1"]))
    assert listed[0].n_seats == 5
