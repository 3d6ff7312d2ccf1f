"""The meeting's chair and its invitees are picked by searching for a person, never typed as usernames; an
account outside the host's area is refused with a Chinese error and nothing is saved."""

import pytest
from django.urls import reverse

from linli.meetings.models import Invitee, Meeting

from .factories import meeting, resident_user

pytestmark = pytest.mark.django_db

FORM = {
    "title": "议事会",
    "host_kind": "residents_council",
    "starts_at": "2030-01-01T09:00",
    "ends_at": "2030-01-01T10:00",
    "majority_base": "invitees",
    "quorum_numerator": 1,
    "quorum_denominator": 2,
}


def test_the_chair_is_picked_in_scope(client, tree):
    mine = resident_user(tree.house_a1, username="chair_here")
    far = resident_user(tree.house_b1, username="chair_far")
    client.force_login(tree.users["secretary_a1"])
    page = client.get("/meetings/new/").content.decode()
    assert f'data-url="{reverse("accounts:pick_users")}"' in page and 'name="chair_username_label"' in page
    resp = client.post(
        "/meetings/new/",
        {**FORM, "place": tree.comm_a1.pk, "chair_username": far.username, "chair_username_label": "chair_far"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert resp.status_code == 200 and not Meeting.objects.exists()
    assert "请从列表中选择主持人" in resp.content.decode()
    resp = client.post("/meetings/new/", {**FORM, "place": tree.comm_a1.pk, "chair_username": mine.username})
    assert resp.status_code == 302
    assert Meeting.objects.get().chair == mine


def test_invitees_are_picked_and_one_out_of_scope_refuses_the_lot(client, tree):
    m, _users = meeting(tree, n_invitees=0, state="draft")
    a, b = resident_user(tree.house_a1, username="inv_a"), resident_user(tree.house_a1, username="inv_b")
    far = resident_user(tree.house_b1, username="inv_far")
    client.force_login(tree.users["secretary_a1"])
    url = reverse("meetings:manage", args=[m.pk])
    resp = client.post(url, {"do": "invite", "usernames": [a.username, far.username]}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert resp.status_code == 200 and "不是您辖区内的有效账号：inv_far" in resp.content.decode()
    assert not Invitee.objects.filter(meeting=m).exists()
    resp = client.post(url, {"do": "invite", "usernames": [a.username, b.username]})
    assert resp.status_code == 302
    assert set(Invitee.objects.filter(meeting=m).values_list("user__username", flat=True)) == {"inv_a", "inv_b"}
