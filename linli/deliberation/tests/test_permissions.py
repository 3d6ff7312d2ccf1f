"""Role × in scope / out of scope for meetings and matters: listed or not, detail 200 or 404, a change allowed or
refused — on pages and the API. An out-of-scope user sees nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..models import Matter, Meeting
from . import factories as f

pytestmark = pytest.mark.django_db

# user -> (sees compound_a1's meeting and matter, may change them)
EXPECT = {
    "district_admin": (True, True),
    "street_a": (True, True),
    "secretary_a1": (True, True),
    "social_a1": (True, True),
    "grid_a": (True, False),
    "head_a1": (True, False),
    "property_staff": (True, False),
    "dept_staff": (False, False),
    "dept_other_staff": (False, False),
    "dispatcher": (False, False),
    "resident_a1": (False, False),
    "nobody": (False, False),
}


@pytest.mark.parametrize("username", EXPECT)
def test_scope_by_role(username, client, tree):
    sees, changes = EXPECT[username]
    meeting = f.meeting(tree)
    matter = f.matter(tree)
    far = f.matter(tree, actor=tree.users["district_admin"], place=tree.house_b1, title="远处的议题")
    far_meeting = f.meeting(tree, actor=tree.users["district_admin"], compound=tree.building_b1.parent)
    client.force_login(tree.users[username])
    status = 200 if sees else 404
    assert client.get(reverse("deliberation:meeting", args=[meeting.pk])).status_code == status
    assert client.get(reverse("deliberation:matter", args=[matter.pk])).status_code == status
    in_district = username in ("district_admin",)
    if not in_district:
        assert client.get(reverse("deliberation:matter", args=[far.pk])).status_code == 404
        assert client.get(reverse("deliberation:meeting", args=[far_meeting.pk])).status_code == 404
    resp = client.post(reverse("deliberation:matter_decline", args=[matter.pk]), {"reason": "测试"})
    assert resp.status_code == (302 if changes else 403 if sees else 404)
    assert (Matter.objects.get(pk=matter.pk).state == "declined") == changes
    resp = client.post(reverse("deliberation:cancel", args=[meeting.pk]), {"reason": "测试"})
    assert resp.status_code == (302 if changes else 403 if sees else 404)
    assert (Meeting.objects.get(pk=meeting.pk).state == "cancelled") == changes
    api = client.get("/api/v1/deliberation/matters").json()
    ids = {row["id"] for row in api.get("results", [])}
    assert (matter.pk in ids) == sees
    if not in_district:
        assert far.pk not in ids


def test_resident_sees_only_their_own_home_matters(client, tree):
    mine = f.matter(tree, actor=tree.users["resident_a1"], place=tree.house_a1, title="我的议题")
    compound_wide = f.matter(tree)
    client.force_login(tree.users["resident_a1"])
    assert client.get(reverse("deliberation:matter", args=[mine.pk])).status_code == 200
    assert client.get(reverse("deliberation:matter", args=[compound_wide.pk])).status_code == 404
