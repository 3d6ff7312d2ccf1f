import pytest
from django.urls import reverse

from linli.owners import selectors
from linli.owners.models import CommitteeSeat, OwnersCommittee
from linli.party.models import PartyMember
from linli.registry.selectors import owner_holdings

pytestmark = pytest.mark.django_db


def test_demo_committees_and_the_party_badge(client, small_demo):
    assert "owners: 2 owners' committees" in small_demo
    committees = list(OwnersCommittee.objects.order_by("pk"))
    assert len(committees) == 2
    for c in committees:
        current = CommitteeSeat.objects.filter(committee=c, until__isnull=True)
        assert 5 <= current.count() <= 7 and current.count() % 2 == 1
        assert current.filter(position="chair").count() == 1
        assert PartyMember.objects.filter(is_active=True, resident__in=current.values("resident")).exists()
        owners = owner_holdings(c.compound).values_list("resident_id", flat=True)
        assert set(current.values_list("resident_id", flat=True)) <= set(owners)  # only owners of the compound
    assert CommitteeSeat.objects.filter(until__isnull=False).exists()  # one past seat on the first
    flags = {f.code for f in selectors.flags(committees[1], 5)}
    assert flags == {"reelection_due"}
    from linli.accounts.models import User

    secretary = User.objects.get(username="secretary")
    client.force_login(secretary)
    assert client.get(reverse("owners:detail", args=[committees[0].pk])).status_code == 200
    html = client.get(reverse("party:member_list"), {"badge": "owners_committee"}).content.decode()
    assert 'data-badge="owners_committee"' in html and "业委会主任" in html
