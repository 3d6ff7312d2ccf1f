"""The demo seeder: a running campaign with findings turned into work orders, some rectified; pages open for the
demo street officer."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from linli.campaigns.models import Campaign, CampaignState, Finding

pytestmark = pytest.mark.django_db


def test_demo_campaign(client, monkeypatch, django_capture_on_commit_callbacks):
    from linli.core.registry import registry

    keep = ("workorders", "campaigns")
    monkeypatch.setattr(registry, "demo_seeders", [s for s in registry.demo_seeders if s.key in keep])
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox's eager delivery after the commit
        call_command("seed_demo", "--small", stdout=out)
    assert "campaigns:" in out.getvalue()
    campaign = Campaign.objects.get()
    assert campaign.state == CampaignState.RUNNING
    assert Finding.objects.filter(case__isnull=False, rectified_on__isnull=True).exists()
    assert Finding.objects.filter(rectified_on__isnull=False).exists()
    assert Finding.objects.filter(case__isnull=True).exists()
    from linli.accounts.models import User

    client.force_login(User.objects.get(username="street"))
    for name, args in (
        ("campaigns:list", []),
        ("campaigns:detail", [campaign.pk]),
        ("campaigns:board", [campaign.pk]),
        ("campaigns:report", [campaign.pk]),
        ("campaigns:complaints", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200
