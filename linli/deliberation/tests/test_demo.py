"""The demo seeder: meetings with each calendar state, matters in each end, pages open for the demo secretary."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from linli.deliberation import calendar as cal
from linli.deliberation import selectors
from linli.deliberation.models import Matter, Meeting, MeetingState

pytestmark = pytest.mark.django_db


def test_demo_deliberation(client, monkeypatch):
    from linli.core.registry import registry

    keep = ("party", "owners", "deliberation")
    monkeypatch.setattr(registry, "demo_seeders", [s for s in registry.demo_seeders if s.key in keep])
    out = StringIO()
    call_command("seed_demo", "--small", stdout=out)
    assert "deliberation:" in out.getvalue()
    assert Meeting.objects.filter(state=MeetingState.HELD).exists()
    assert Meeting.objects.filter(state=MeetingState.PLANNED).exists()
    states = set(Matter.objects.values_list("state", flat=True))
    assert {"solved", "handed"} <= states
    from linli.accounts.models import User

    secretary = User.objects.get(username="secretary")
    rows = selectors.calendar(secretary, year=Meeting.objects.order_by("scheduled_on").first().scheduled_on.year)
    assert any(c.state in (cal.DONE, cal.LATE) for r in rows for c in r.cells)
    client.force_login(secretary)
    for name in ("deliberation:meetings", "deliberation:matters", "deliberation:calendar", "deliberation:figures"):
        assert client.get(reverse(name)).status_code == 200
    m = Meeting.objects.filter(state=MeetingState.HELD).first()
    assert client.get(reverse("deliberation:meeting", args=[m.pk])).status_code == 200
