"""Star levels: the table page (district administrator edits, other staff read) and the 公示 board every resident
of the community can read for the whole notice period; menu entries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from linli.accounts.testing import PASSWORD, system_user
from linli.core.context_processors import visible_menu
from linli.core.models import AuditLog
from linli.core.permissions import restrict
from linli.core.workdays import add_workdays, workdays_between
from linli.volunteering import selectors, services
from linli.volunteering.models import StarAward, StarStatus, StarThreshold, Volunteer

pytestmark = pytest.mark.django_db


def _resident_login(tree, username, home):
    from linli.accounts import services as acc

    root = system_user()
    user = acc.user_create(actor=root, username=username, password=PASSWORD, home=home, display_name=username)
    acc.binding_add(actor=root, user=user, role="resident", place=home)
    user.refresh_from_db()
    return user


@pytest.fixture
def neighbour(tree):
    """A resident of another house of the same community."""
    from linli.areas import services as areas

    root = system_user()
    unit = areas.place_create(actor=root, parent=tree.building_a1b, name="1单元")
    house = areas.place_create(
        actor=root,
        parent=unit,
        name="202",
        floor=2,
        number="202",
        area=Decimal("70"),
        area_source="registered",
        use="residential",
    )
    return _resident_login(tree, "neighbour", house)


@pytest.fixture
def on_notice(tree, make_volunteer):
    v = make_volunteer("陈热心", id_number="34050419850501123X")
    Volunteer.objects.filter(pk=v.pk).update(total_hours=Decimal("320.5"))
    assert services.stars_propose(today=timezone.localdate()) == 1
    v.refresh_from_db()
    return v


def test_public_notice_is_readable_by_the_community_without_personal_numbers(client, tree, on_notice, neighbour):
    award = StarAward.objects.get()
    assert award.notice_until == add_workdays(award.notice_from, 5)
    client.force_login(neighbour)
    page = client.get(reverse("volunteering:star_notice"))
    assert page.status_code == 200
    text = page.content.decode()
    row = text.split('data-testid="notice-row">')[1].split("</tr>")[0]
    assert "陈热心" in row and "★2" in row and "320.5" in row and tree.comm_a1.name in row
    r = on_notice.resident
    for secret in (r.id_masked, on_notice.number, "123X"):
        assert secret and secret not in text
    assert set(selectors.public_notices(neighbour)[0]) == {
        "pk",
        "level",
        "hours",
        "notice_from",
        "notice_until",
        "name",
        "community",
    }
    # Staff of the community and the grid read it too; another community and a department do not.
    for who, rows in (("secretary_a1", 1), ("grid_a", 1), ("head_a1", 1), ("district_admin", 1)):
        assert len(selectors.public_notices(tree.users[who])) == rows, who
    other = _resident_login(tree, "far_away", tree.house_b1)
    client.force_login(other)
    text = client.get(reverse("volunteering:star_notice")).content.decode()
    assert "陈热心" not in text and 'data-testid="notice-empty"' in text
    client.force_login(tree.users["dept_staff"])
    assert client.get(reverse("volunteering:star_notice")).status_code == 403
    # The award rows themselves stay private: the neighbour reads the notice, not the volunteer's records.
    assert not restrict(StarAward.objects.all(), neighbour).exists()
    assert not restrict(Volunteer.objects.all(), neighbour).exists()


def test_notice_stays_up_the_whole_period_and_award_waits_five_working_days(tree, on_notice, neighbour):
    award = StarAward.objects.get()
    last_day = award.notice_until
    assert len(selectors.public_notices(neighbour, today=last_day)) == 1
    assert workdays_between(award.notice_from, last_day) >= 5
    assert services.stars_finalise(today=last_day) == 0
    # A notice whose end date was shortened by hand is not awarded before it has really run 5 working days.
    StarAward.objects.filter(pk=award.pk).update(notice_until=award.notice_from)
    assert services.stars_finalise(today=award.notice_from + dt.timedelta(days=1)) == 0
    assert StarAward.objects.get().status == StarStatus.NOTICE
    assert services.stars_finalise(today=last_day + dt.timedelta(days=1)) == 1
    assert len(selectors.public_notices(neighbour, today=last_day + dt.timedelta(days=1))) == 0


def test_levels_page_district_admin_edits_other_staff_read(client, tree):
    url = reverse("volunteering:star_levels")
    client.force_login(tree.users["secretary_a1"])
    page = client.get(url).content.decode()
    assert 'data-testid="levels-table"' in page and "levels-form" not in page and "≥ 1500" in page
    assert client.post(url, {"level_1": "50"}).status_code == 403
    assert StarThreshold.objects.get(level=1).hours == Decimal("100")
    client.force_login(tree.users["resident_a1"])
    assert client.get(url).status_code == 403

    client.force_login(tree.users["district_admin"])
    assert 'data-testid="levels-form"' in client.get(url).content.decode()
    before = AuditLog.objects.filter(object_type="volunteering.starthreshold").count()
    # Every level moved past the old value of the one above: fine as a whole table.
    new = {"level_1": "320", "level_2": "650", "level_3": "1100", "level_4": "1600", "level_5": "2000"}
    assert client.post(url, new).status_code == 302
    assert services.thresholds() == [
        (1, Decimal("320.0")),
        (2, Decimal("650.0")),
        (3, Decimal("1100.0")),
        (4, Decimal("1600.0")),
        (5, Decimal("2000.0")),
    ]
    assert AuditLog.objects.filter(object_type="volunteering.starthreshold").count() == before + 5
    bad = dict(new, level_3="600")
    resp = client.post(url, bad)
    assert resp.status_code == 200 and "field-error" in resp.content.decode()
    assert StarThreshold.objects.get(level=3).hours == Decimal("1100.0")


def test_thresholds_set_service_checks_rights_and_order(tree):
    with pytest.raises(PermissionDenied):
        services.thresholds_set(actor=tree.users["secretary_a1"], hours_by_level={1: "50"})
    with pytest.raises(ValidationError):
        services.thresholds_set(actor=tree.users["district_admin"], hours_by_level={1: "300"})  # = ★2
    with pytest.raises(ValidationError):
        services.thresholds_set(actor=tree.users["district_admin"], hours_by_level={9: "10"})
    with pytest.raises(ValidationError):
        services.thresholds_set(actor=tree.users["district_admin"], hours_by_level={2: "abc"})
    assert services.thresholds()[0] == (1, Decimal("100.0"))
    changed = services.thresholds_set(actor=tree.users["district_admin"], hours_by_level={1: "80"})
    assert [r.level for r in changed] == [1] and services.level_for(Decimal("85")) == 1


def test_menu_entries(tree, me):
    def labels(user):
        with translation.override("en"):
            return {str(i["label"]) for items in visible_menu(user).values() for i in items}

    resident = labels(tree.users["resident_a1"])
    assert {"Volunteer activities", "My volunteering", "Star notice"} <= resident, resident
    assert not {"Volunteer teams", "Volunteer stars", "Volunteers", "Volunteer star levels"} & resident
    secretary = labels(tree.users["secretary_a1"])
    assert {"Volunteer teams", "Volunteer stars", "Volunteers", "Star notice", "Volunteer star levels"} <= secretary
    assert "Volunteer teams" not in labels(tree.users["dept_staff"])
