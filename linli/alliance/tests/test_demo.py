import pytest
from django.urls import reverse

from linli.alliance.models import Alliance, FundEntry, Problem

pytestmark = pytest.mark.django_db


def test_demo_alliances(client, small_demo):
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
