"""Volunteering on the workbench: an ended activity waits for its hours to be confirmed until it is finished; a
volunteer sees their confirmed activities of the coming week, not those further off or cancelled."""

import datetime as dt

import pytest

from linli.core.workbench import todos_for
from linli.volunteering import services

from .conftest import started

pytestmark = pytest.mark.django_db


def keys(user):
    return {t.key: t for t in todos_for(user)}


def test_an_ended_activity_waits_for_its_hours_until_finished(tree, make_activity):
    sec = tree.users["secretary_a1"]
    activity = make_activity()
    assert "volunteering.finish" not in keys(sec)
    activity = started(activity, ago=dt.timedelta(hours=5))  # a three-hour activity: over two hours ago
    assert keys(sec)["volunteering.finish"].count == 1
    assert "volunteering.finish" not in keys(tree.users["resident_a1"])
    services.activity_finish(actor=sec, activity=activity)
    assert "volunteering.finish" not in keys(sec)


def test_a_volunteer_sees_this_weeks_activities(tree, make_activity, me):
    user = tree.users["resident_a1"]
    soon = make_activity(start_in=dt.timedelta(days=2))
    make_activity(start_in=dt.timedelta(days=20), title="远期活动")
    signup = services.signup_create(actor=user, activity=soon, volunteer=me)
    services.signup_create(actor=user, activity=type(soon).objects.get(title="远期活动"), volunteer=me)
    todo = keys(user)["volunteering.soon"]
    assert todo.count == 1 and todo.due == soon.starts_at
    services.signup_cancel(actor=user, signup=signup)
    assert "volunteering.soon" not in keys(user)
