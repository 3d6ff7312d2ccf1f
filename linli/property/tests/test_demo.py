"""The demo seeder: contracts, last quarter's answered round, this quarter's open round; pages open."""

from io import StringIO

import pytest
from django.core.management import call_command

from linli.property import selectors
from linli.property.models import EvaluationAnswer, EvaluationRound, ServiceContract

pytestmark = pytest.mark.django_db


def test_demo_property(client, monkeypatch):
    from linli.core.registry import registry

    monkeypatch.setattr(registry, "demo_seeders", [s for s in registry.demo_seeders if s.key == "property"])
    out = StringIO()
    call_command("seed_demo", "--small", stdout=out)
    assert "property:" in out.getvalue()
    contract = ServiceContract.objects.first()
    assert contract is not None and contract.fees.count() == 3
    assert EvaluationAnswer.objects.exists()
    page = selectors.compound_page(contract.compound)
    assert page["contract"] == contract and page["open_round"] is not None
    assert page["result"] is not None and page["result"].score is not None
    assert client.get(f"/property/compound/{contract.compound_id}/").status_code == 200
    from linli.accounts.models import User

    secretary = User.objects.get(username="secretary")
    client.force_login(secretary)
    assert client.get("/property/manage/").status_code == 200
    rnd = selectors.rounds(secretary).filter(answers__isnull=False).first() or EvaluationRound.objects.first()
    if not selectors.rounds(secretary).filter(pk=rnd.pk).exists():
        client.force_login(User.objects.filter(is_superuser=True).first())
    assert client.get(f"/property/manage/rounds/{rnd.pk}/").status_code == 200
