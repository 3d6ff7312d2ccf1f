"""微会议 on the workbench: an invitee sees the meeting in progress or coming this week, one tap from home."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.workbench import todos_for

from .factories import meeting

pytestmark = pytest.mark.django_db


def invited(user):
    return next((t for t in todos_for(user) if t.key == "meetings.invited"), None)


def test_an_invitee_sees_the_open_meeting_and_the_one_tap_opens_it(client, tree):
    m, users = meeting(tree, n_invitees=2)
    todo = invited(users[0])
    assert todo.count == 1 and todo.url == reverse("meetings:detail", args=[m.pk])
    client.force_login(users[0])
    assert client.get(todo.url).status_code == 200
    assert invited(tree.users["resident_a1"]) is None  # not invited


def test_a_meeting_a_month_away_is_not_waiting_yet(tree):
    start = timezone.now() + dt.timedelta(days=30)
    _m, users = meeting(tree, n_invitees=1, state="scheduled", starts_at=start, ends_at=start + dt.timedelta(hours=2))
    assert invited(users[0]) is None
