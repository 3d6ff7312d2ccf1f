import datetime as dt

import pytest
from django.urls import reverse

from linli.core.models import AuditLog
from linli.owners.models import CommitteeSeat, OwnersCommittee

from .factories import END, START, TODAY, committee, own, owner, resident, seats

pytestmark = pytest.mark.django_db


@pytest.fixture
def committees(tree):
    a1 = committee(tree.compound_a1)
    seats(a1, 5, home=tree.house_a1)
    a2 = committee(tree.building_a2.parent)
    return a1, a2


def login(client, tree, name):
    client.force_login(tree.users[name])
    return client


@pytest.mark.parametrize(
    ("name", "sees_a1", "sees_a2"),
    [
        ("secretary_a1", True, False),
        ("social_a1", True, False),
        ("street_a", True, True),
        ("district_admin", True, True),
        ("grid_a", True, False),
        ("head_a1", True, False),
    ],
)
def test_list_and_detail_in_and_out_of_scope(client, tree, committees, name, sees_a1, sees_a2):
    a1, a2 = committees
    c = login(client, tree, name)
    resp = c.get(reverse("owners:list"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert (reverse("owners:detail", args=[a1.pk]) in html) is sees_a1
    assert (reverse("owners:detail", args=[a2.pk]) in html) is sees_a2
    assert c.get(reverse("owners:detail", args=[a1.pk])).status_code == (200 if sees_a1 else 404)
    assert c.get(reverse("owners:detail", args=[a2.pk])).status_code == (200 if sees_a2 else 404)


@pytest.mark.parametrize("name", ["resident_a1", "nobody", "dept_staff", "property_staff"])
def test_residents_and_others_get_nothing(client, tree, committees, name):
    a1, _a2 = committees
    c = login(client, tree, name)
    assert c.get(reverse("owners:list")).status_code == 403
    assert c.get(reverse("owners:detail", args=[a1.pk])).status_code == 404
    assert c.get(reverse("owners:create")).status_code == 403


def test_anonymous_is_sent_to_login(client, committees):
    resp = client.get(reverse("owners:list"))
    assert resp.status_code == 302 and "login" in resp["Location"]


def test_viewers_cannot_open_the_forms(client, tree, committees):
    a1, _a2 = committees
    c = login(client, tree, "grid_a")
    assert c.get(reverse("owners:create")).status_code == 403
    assert c.get(reverse("owners:edit", args=[a1.pk])).status_code == 403
    assert c.get(reverse("owners:seat_add", args=[a1.pk])).status_code == 403
    seat = a1.seats.first()
    assert c.post(reverse("owners:seat_end", args=[a1.pk, seat.pk]), {"until": TODAY}).status_code == 403
    detail = c.get(reverse("owners:detail", args=[a1.pk])).content.decode()
    assert 'data-testid="seat-add"' not in detail and 'name="until"' not in detail


def test_htmx_list_returns_the_fragment(client, tree, committees):
    c = login(client, tree, "secretary_a1")
    html = c.get(reverse("owners:list"), {"q": "怡心"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="results">') and "怡心花园业主委员会" in html
    assert "<html" not in html


def test_create_committee_through_the_form(client, tree):
    c = login(client, tree, "secretary_a1")
    page = c.get(reverse("owners:create")).content.decode()
    assert tree.compound_a1.name in page and "西苑新村" not in page  # only compounds in scope
    bad = c.post(
        reverse("owners:create"),
        {
            "compound": tree.compound_a1.pk,
            "name": "怡心花园业主委员会",
            "term_start": "2025-01-01",
            "term_end": "2024-12-31",
            "is_active": "on",
        },
    )
    assert bad.status_code == 200 and "field-error" in bad.content.decode()
    assert not OwnersCommittee.objects.exists()
    resp = c.post(
        reverse("owners:create"),
        {
            "compound": tree.compound_a1.pk,
            "name": "怡心花园业主委员会",
            "term_start": "2025-01-01",
            "term_end": "2029-12-31",
            "is_active": "on",
        },
    )
    committee_ = OwnersCommittee.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("owners:detail", args=[committee_.pk])
    resp = c.post(
        reverse("owners:edit", args=[committee_.pk]),
        {
            "name": "怡心花园业主委员会",
            "term_start": "2025-01-01",
            "term_end": "2029-12-31",
            "filed_on": "2025-01-20",
            "is_active": "on",
        },
    )
    assert resp.status_code == 302
    committee_.refresh_from_db()
    assert committee_.filed_on == dt.date(2025, 1, 20)


def test_add_and_end_seats_through_the_pages(client, tree):
    a1 = committee(tree.compound_a1)
    here = owner(tree.house_a1, name="张业主")
    elsewhere = resident(None, name="李业主", registered_at=tree.comm_a1)  # lives outside, owns a flat here
    own(elsewhere, tree.house_a1)
    tenant = resident(tree.house_a1, name="赵租户")
    own(tenant, tree.house_a1, kind="tenant")
    far = owner(tree.house_a2, name="王业主")
    c = login(client, tree, "secretary_a1")
    form = c.get(reverse("owners:seat_add", args=[a1.pk])).content.decode()
    # a type-ahead picker, not a select of every resident nor a record-number box
    assert "data-picker" in form and "张业主" not in form and "record number" not in form
    url = reverse("owners:seat_add", args=[a1.pk])
    assert c.post(url, {"resident": here.pk, "position": "chair", "since": START}).status_code == 302
    # an owner of a flat in the compound living outside it is picked the same way
    assert c.post(url, {"resident": elsewhere.pk, "position": "member", "since": START}).status_code == 302
    # a tenant of the compound: refused with the reason (建房〔2009〕274号), nothing written
    resp = c.post(url, {"resident": tenant.pk, "resident_label": "赵租户", "position": "member", "since": START})
    assert resp.status_code == 200 and "只有怡心花园的业主" in resp.content.decode()
    # out of the secretary's scope: refused, nothing written
    resp = c.post(url, {"resident": far.pk, "resident_label": "王业主", "position": "member", "since": START})
    assert resp.status_code == 200 and "field-error" in resp.content.decode()
    # already seated
    resp = c.post(url, {"resident": here.pk, "position": "member", "since": START})
    assert resp.status_code == 200 and "field-error" in resp.content.decode()
    resp = c.post(url, {"position": "member", "since": START})
    assert resp.status_code == 200
    assert CommitteeSeat.objects.count() == 2
    seat = CommitteeSeat.objects.get(resident=elsewhere)
    resp = c.post(reverse("owners:seat_end", args=[a1.pk, seat.pk]), {"until": TODAY})
    assert resp.status_code == 302
    seat.refresh_from_db()
    assert seat.until == TODAY
    assert AuditLog.objects.filter(object_type="owners.committeeseat", action="end").count() == 1
    detail = c.get(reverse("owners:detail", args=[a1.pk])).content.decode()
    current, past = detail.split('id="past"')
    assert "张业主" in current and "李业主" in past and "李业主" not in current


def test_pages_speak_chinese(client, tree, committees):
    c = login(client, tree, "secretary_a1")
    html = c.get(reverse("owners:list")).content.decode()
    assert "业主委员会" in html and "Owners' committees" not in html
    a1, _ = committees
    detail = c.get(reverse("owners:detail", args=[a1.pk])).content.decode()
    assert "主任" in detail or "委员" in detail
    assert END.strftime("%Y-%m-%d") in detail
