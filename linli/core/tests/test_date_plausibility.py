"""Dates a person types are plausible for what they date (issue 11 item 13): a table per family, then the forms
and API bodies that were accepting a birth date in the future, a visit in year 1 and a move-in in year 9999."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.core.dates import EVENT, FILTER, PAST, check_date


def _today():
    return timezone.localdate()


# (family, a day that must be refused, a day that must be accepted)
TABLE = [
    (PAST, lambda t: t + dt.timedelta(days=1), lambda t: t),
    (PAST, lambda t: dt.date(1, 1, 1), lambda t: dt.date(1930, 5, 4)),
    (PAST, lambda t: dt.date(9999, 12, 31), lambda t: dt.date(1900, 1, 1)),
    (EVENT, lambda t: dt.date(1, 1, 1), lambda t: t - dt.timedelta(days=365 * 20)),
    (EVENT, lambda t: dt.date(9999, 6, 1), lambda t: t + dt.timedelta(days=365 * 5)),
    (EVENT, lambda t: t.replace(year=t.year + 11), lambda t: t),
    (FILTER, lambda t: dt.date(9999, 12, 1), lambda t: dt.date(2199, 12, 31)),
    (FILTER, lambda t: dt.date(1, 2, 1), lambda t: dt.date(1900, 1, 1)),
]


@pytest.mark.parametrize(("family", "bad", "good"), TABLE)
def test_each_family_refuses_implausible_days(family, bad, good):
    today = _today()
    with pytest.raises(ValidationError):
        check_date(bad(today), family)
    assert check_date(good(today), family) == good(today)
    moment = dt.datetime.combine(bad(today), dt.time(12))
    with pytest.raises(ValidationError):
        check_date(moment, family)


@pytest.fixture
def resident(tree):
    from linli.registry import services

    return services.resident_create(actor=tree.users["secretary_a1"], name="张三丰", home=tree.house_a1)


def _post(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


@pytest.mark.django_db
def test_api_refuses_a_birth_date_in_the_future(client, tree, token_for):
    auth = token_for("secretary_a1")
    future = (_today() + dt.timedelta(days=3)).isoformat()
    for birth in (future, "0001-01-01", "9999-12-31"):
        r = _post(client, "/api/v1/residents", {"name": "王五", "birth_date": birth, "home": tree.house_a1.code}, auth)
        assert r.status_code == 400 and "birth_date" in r.json()["error"]["fields"], (birth, r.content)
    r = _post(
        client, "/api/v1/residents", {"name": "王五", "birth_date": "1950-03-01", "home": tree.house_a1.code}, auth
    )
    assert r.status_code == 201, r.content


@pytest.mark.django_db
def test_a_move_in_in_9999_is_refused_and_leaves_the_head_in_their_household(client, tree, token_for, resident):
    from linli.registry import services
    from linli.registry.models import Household

    auth = token_for("secretary_a1")
    admin = tree.users["district_admin"]
    home = services.household_create(actor=admin, house=tree.house_a1, head=resident, since=dt.date(2020, 1, 1))
    other_head = services.resident_create(actor=tree.users["secretary_a1"], name="李四", home=tree.house_a1)
    other = services.household_create(actor=admin, house=tree.house_a1, head=other_head, since=dt.date(2020, 1, 1))
    r = _post(
        client,
        f"/api/v1/households/{other.pk}/members",
        {"resident": resident.pk, "relation": "child", "since": "9999-01-01"},
        auth,
    )
    assert r.status_code == 400 and "since" in r.json()["error"]["fields"], r.content
    assert Household.objects.get(pk=home.pk).head_id == resident.pk
    r = _post(
        client, "/api/v1/households", {"house": tree.house_a1.code, "head": resident.pk, "since": "9999-01-01"}, auth
    )
    assert r.status_code == 400 and "since" in r.json()["error"]["fields"], r.content


@pytest.mark.django_db
def test_forms_refuse_implausible_days_with_a_chinese_error():
    from django.utils import translation

    from linli.registry.forms import MoveInForm
    from linli.visits.forms import CareEventForm

    with translation.override("zh-hans"):
        form = MoveInForm(data={"since": "9999-01-01"})
        assert not form.is_valid() and "不能晚于今天" in form.errors["since"][0]
        form = CareEventForm(data={"kind": "", "occurred_on": "0001-01-01"})
        assert not form.is_valid() and "请输入" in form.errors["occurred_on"][0]
        future = (_today() + dt.timedelta(days=1)).isoformat()
        form = CareEventForm(data={"occurred_on": future})
        assert not form.is_valid() and "不能晚于今天" in form.errors["occurred_on"][0]


@pytest.mark.django_db
def test_a_visit_in_year_1_or_tomorrow_is_refused(client, tree, token_for, resident):
    auth = token_for("secretary_a1")
    tomorrow = (_today() + dt.timedelta(days=1)).isoformat()
    for day, says in (("0001-01-01", "请输入"), (tomorrow, "不能晚于今天")):
        r = _post(client, "/api/v1/visits", {"resident_id": resident.pk, "visited_on": day, "purpose": "探访"}, auth)
        assert r.status_code == 400, (day, r.content)
        messages = [m for k, ms in r.json()["error"]["fields"].items() if k.endswith("visited_on") for m in ms]
        assert messages and says in messages[0], (day, r.content)
