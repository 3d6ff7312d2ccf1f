"""The demo seeder: an announced selection with winners (the demo resident among them), one in its vote, one taking
nominations; the pages open for the demo secretary and the demo resident."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from linli.selections.models import Nomination, Selection, SelectionState

pytestmark = pytest.mark.django_db


def test_demo_selections(client, monkeypatch):
    from linli.accounts.models import User
    from linli.core.registry import registry

    keep = ("selections",)
    monkeypatch.setattr(registry, "demo_seeders", [s for s in registry.demo_seeders if s.key in keep])
    out = StringIO()
    call_command("seed_demo", "--small", stdout=out)
    assert "selections:" in out.getvalue()
    assert set(Selection.objects.values_list("state", flat=True)) == {
        SelectionState.PUBLICITY,
        SelectionState.VOTING,
        SelectionState.NOMINATING,
    }
    resident = User.objects.get(username="resident")
    assert Nomination.objects.filter(is_winner=True, resident__account=resident).exists()
    secretary = User.objects.get(username="secretary")
    client.force_login(secretary)
    assert client.get(reverse("selections:list")).status_code == 200
    for s in Selection.objects.all():
        assert client.get(reverse("selections:detail", args=[s.pk])).status_code == 200
    me = Nomination.objects.get(is_winner=True, resident__account=resident).resident
    page = client.get(reverse("registry:resident_detail", args=[me.pk])).content.decode()
    assert 'data-testid="selections-panel"' in page
    client.force_login(resident)
    voting = Selection.objects.get(state=SelectionState.VOTING)
    page = client.get(reverse("selections:phone_detail", args=[voting.pk])).content.decode()
    assert 'data-testid="ballot"' in page
