import pytest
from django.urls import reverse

from linli.volunteering.models import ServiceRecord, SignUp, StarAward, Team, Volunteer

pytestmark = pytest.mark.django_db


def test_demo_volunteering(client, small_demo):
    assert Team.objects.filter(kind="inspection", duty_logs__kind="weekly").exists()
    assert Volunteer.objects.count() >= 50
    assert ServiceRecord.objects.exists() and SignUp.objects.filter(status="waiting").exists()
    assert StarAward.objects.filter(status="awarded").exists()
    from linli.accounts.models import User

    resident = User.objects.get(username="resident")
    me = Volunteer.objects.get(resident__account=resident)
    assert me.total_hours > 0
    client.force_login(resident)
    page = client.get(reverse("volunteering:me")).content.decode()
    assert me.number in page
    client.force_login(User.objects.get(username="secretary"))
    for name in ("volunteering:activities", "volunteering:volunteers", "volunteering:teams", "volunteering:stars"):
        assert client.get(reverse(name)).status_code == 200
