from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from linli.alliance.models import Alliance, FundEntry, Problem

pytestmark = pytest.mark.django_db


def test_demo_alliances(client, monkeypatch):
    # Only this domain's seeder: the others are tested by their own domains.
    from linli.core.registry import registry

    monkeypatch.setattr(registry, "demo_seeders", [s for s in registry.demo_seeders if s.key == "alliance"])
    out = StringIO()
    call_command("seed_demo", "--small", stdout=out)
    assert Alliance.objects.count() >= 1
    alliance = Alliance.objects.order_by("pk").first()
    assert alliance.members.count() >= 1 and alliance.meetings.exists()
    assert Problem.objects.filter(case__isnull=False).exists()
    assert all(e.balance_after >= 0 for e in FundEntry.objects.all())
    from linli.accounts.models import User

    client.force_login(User.objects.get(username="secretary"))
    visible = Alliance.objects.filter(
        scope_path__startswith=User.objects.get(username="secretary").active_bindings()[0].place.path
    ).first()
    if visible:
        assert client.get(reverse("alliance:detail", args=[visible.pk])).status_code == 200
