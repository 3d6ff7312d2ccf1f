"""The demo seeder: a decision in each state, one passing on exactly 3/4, one failing participation by one unit."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from linli.votes import selectors, verify
from linli.votes.models import Decision

pytestmark = pytest.mark.django_db


def test_demo_votes(client, monkeypatch):
    from linli.core.registry import registry

    keep = ("votes",)
    monkeypatch.setattr(registry, "demo_seeders", [s for s in registry.demo_seeders if s.key in keep])
    out = StringIO()
    call_command("seed_demo", "--small", stdout=out)
    assert "Owners' decisions" in out.getvalue()
    assert set(Decision.objects.values_list("state", flat=True)) == {
        "draft",
        "noticed",
        "voting",
        "closed",
        "published",
        "final",
    }
    lift = Decision.objects.get(state="published")
    approval = {t["name"]: t for t in lift.result["tests"]}
    assert lift.passed and (approval["approval_area"]["numerator"] * 4 == approval["approval_area"]["denominator"] * 3)
    assert approval["approval_heads"]["numerator"] == 9 and approval["approval_heads"]["denominator"] == 12
    hall = Decision.objects.get(state="final")
    part = {t["name"]: t for t in hall.result["tests"]}["participation_heads"]
    assert not hall.passed and (part["numerator"], part["denominator"]) == (7, 12)
    assert (part["numerator"] + 1) * 3 >= part["denominator"] * 2  # one more unit would have passed
    assert verify.recompute(selectors.verification_data(lift)) == lift.result
    from linli.accounts.models import User

    owner = User.objects.get(username="owner01")
    client.force_login(owner)
    voting = Decision.objects.get(state="voting")
    assert client.get(reverse("votes:mine")).status_code == 200
    assert client.get(reverse("votes:vote", args=[voting.pk])).status_code == 200
    assert client.get(reverse("votes:board", args=[lift.compound.code])).status_code == 200
    assert client.get(reverse("votes:result", args=[lift.pk])).status_code == 200
    secretary = User.objects.get(username="secretary")
    client.force_login(secretary)
    for d in Decision.objects.all():
        assert client.get(reverse("votes:decision", args=[d.pk])).status_code == 200
    assert client.get(reverse("votes:decisions")).status_code == 200
