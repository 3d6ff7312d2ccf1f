"""The 业委会 badge on party members (linli/party: attach_badges, _badges.html, the ``badge`` filter)."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.accounts.testing import system_user
from linli.core.testing import count_queries
from linli.owners import services
from linli.party.tests.factories import branch, members

from .factories import START, TODAY, committee, own, seats

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree):
    b = branch(tree, name="怡心花园党支部")
    ms = members(b, 3, home=tree.house_a1)
    for m in ms:
        own(m.resident, tree.house_a1)
    c = committee(tree.compound_a1)
    services.seat_add(actor=system_user(), committee=c, resident=ms[0].resident, position="chair", since=START)
    services.seat_add(actor=system_user(), committee=c, resident=ms[1].resident, position="member", since=START)
    seats(c, 3, home=tree.house_a1)
    return b, ms, c


def page(client, **params):
    return client.get(reverse("party:member_list"), params, HTTP_HX_REQUEST="true").content.decode()


def test_badge_and_filter(client, tree, setup):
    _b, ms, _c = setup
    client.force_login(tree.users["secretary_a1"])
    html = client.get(reverse("party:member_list")).content.decode()
    assert html.count('data-badge="owners_committee"') == 2
    assert "业委会主任" in html and "业委会委员" in html
    only = page(client, badge="owners_committee")
    assert ms[0].resident.name in only and ms[1].resident.name in only and ms[2].resident.name not in only
    detail = client.get(reverse("party:member_detail", args=[ms[0].pk])).content.decode()
    assert 'data-badge="owners_committee"' in detail and "怡心花园业主委员会" in detail


def test_ended_seats_and_inactive_committees_show_no_badge(client, tree, setup):
    _b, ms, c = setup
    client.force_login(tree.users["secretary_a1"])
    chair = c.seats.get(resident=ms[0].resident)
    services.seat_end(actor=system_user(), seat=chair, until=TODAY + dt.timedelta(days=3))
    assert page(client).count('data-badge="owners_committee"') == 2  # ends in the future: still held
    services.seat_end(actor=system_user(), seat=chair, until=TODAY)
    html = page(client)
    assert html.count('data-badge="owners_committee"') == 1
    assert ms[0].resident.name not in page(client, badge="owners_committee")
    services.committee_update(actor=system_user(), committee=c, is_active=False)
    assert 'data-badge="owners_committee"' not in page(client)
    assert ms[1].resident.name not in page(client, badge="owners_committee")


def test_constant_queries_whatever_the_page_size(client, tree, setup):
    b, _ms, c = setup
    client.force_login(tree.users["secretary_a1"])
    page(client)
    with count_queries() as small:
        page(client)
    more = members(b, 8, home=tree.house_a1)
    for m in more[:4]:
        own(m.resident, tree.house_a1)
        services.seat_add(actor=system_user(), committee=c, resident=m.resident, since=START)
    with count_queries() as big:
        html = page(client)
    assert html.count('data-badge="owners_committee"') == 6
    assert big.count == small.count
    with count_queries() as filtered:
        page(client, badge="owners_committee")
    assert filtered.count == small.count
