"""Pages: the staff list, create, review and steps (in scope 200, out of scope 404, residents 403); the phone
pages (nominate, vote with one tap, result, objection); the xlsx export; the 360° panel."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.models import AuditLog
from linli.core.testing import count_queries

from .. import services
from ..models import Nomination, NominationState, Selection, SelectionState, Vote

pytestmark = pytest.mark.django_db


def login(client, tree, name):
    client.force_login(tree.users[name])
    return client


def test_staff_list_and_detail_in_and_out_of_scope(client, tree, make_selection):
    s = make_selection()
    login(client, tree, "secretary_a1")
    page = client.get(reverse("selections:list"))
    assert page.status_code == 200 and s.title in page.content.decode()
    partial = client.get(reverse("selections:list"), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content
    assert client.get(reverse("selections:detail", args=[s.pk])).status_code == 200
    for name in ("dept_staff", "nobody"):
        login(client, tree, name)
        assert client.get(reverse("selections:detail", args=[s.pk])).status_code == 404
    login(client, tree, "resident_a1")  # sees the selection on the phone, not the staff page
    assert client.get(reverse("selections:detail", args=[s.pk])).status_code == 403
    assert client.get(reverse("selections:list")).status_code == 403
    assert client.get(reverse("selections:phone_detail", args=[s.pk])).status_code == 200


def test_list_query_count_is_constant(client, tree, make_selection):
    login(client, tree, "secretary_a1")
    make_selection()
    with count_queries() as small:
        client.get(reverse("selections:list"))
    for i in range(4):
        make_selection(title=f"评选{i}")
    with count_queries() as big:
        client.get(reverse("selections:list"))
    assert len(big) == len(small)


def test_create_page(client, tree, today):
    login(client, tree, "secretary_a1")
    data = {
        "place": tree.comm_a1.code,
        "place_label": tree.comm_a1.name,
        "kind": "best_building",
        "title": "最美楼栋",
        "period": "2026",
        "rules": "一人一票",
        "seats": 1,
        "nominate_from": "2026-06-01",
        "nominate_until": "2026-06-05",
        "vote_from": "2026-06-04",
        "vote_until": "2026-06-10",
        "publicity_days": 7,
    }
    resp = client.post(reverse("selections:create"), data)
    assert resp.status_code == 200 and not Selection.objects.exists()
    assert "投票" in resp.content.decode() or "Voting" in resp.content.decode()
    data["vote_from"] = "2026-06-06"
    resp = client.post(reverse("selections:create"), data)
    s = Selection.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("selections:detail", args=[s.pk])


def test_staff_nominate_review_and_steps(client, tree, today, make_selection, make_resident):
    s = make_selection()
    r = make_resident("张三")
    login(client, tree, "secretary_a1")
    resp = client.post(reverse("selections:nominate", args=[s.pk]), {"resident": r.pk, "reason": "热心"})
    assert resp.status_code == 302
    n = Nomination.objects.get()
    page = client.get(reverse("selections:detail", args=[s.pk])).content.decode()
    assert f'data-testid="accept-{n.pk}"' in page
    resp = client.post(reverse("selections:reject", args=[n.pk]), {"reason": ""})
    assert Nomination.objects.get().state == NominationState.PENDING
    client.post(reverse("selections:accept", args=[n.pk]))
    assert Nomination.objects.get().state == NominationState.ACCEPTED
    resp = client.post(reverse("selections:step", args=[s.pk, "announce"]), follow=True)
    assert Selection.objects.get().state == SelectionState.NOMINATING  # refused with a message
    assert resp.status_code == 200
    client.post(reverse("selections:step", args=[s.pk, "open"]))
    assert Selection.objects.get().state == SelectionState.VOTING
    login(client, tree, "grid_a")
    assert client.post(reverse("selections:step", args=[s.pk, "announce"])).status_code == 403


def test_staff_nominee_out_of_scope_gives_a_field_error(client, tree, make_selection, make_resident):
    s = make_selection()
    elsewhere = make_resident("外人", home=tree.house_a2)
    login(client, tree, "secretary_a1")
    resp = client.post(reverse("selections:nominate", args=[s.pk]), {"resident": elsewhere.pk, "reason": "x"})
    assert resp.status_code == 200 and not Nomination.objects.exists()


def test_phone_nominate_and_vote_in_one_tap(client, tree, me, today, in_vote, make_selection):
    s, noms = in_vote
    login(client, tree, "resident_a1")
    assert s.title in client.get(reverse("selections:phone")).content.decode()
    page = client.get(reverse("selections:phone_detail", args=[s.pk])).content.decode()
    assert f'data-testid="vote-{noms[1].pk}"' in page
    resp = client.post(reverse("selections:vote", args=[s.pk, noms[1].pk]), follow=True)
    assert Vote.objects.get().nomination_id == noms[1].pk
    assert 'data-testid="my-vote"' in resp.content.decode()
    client.post(reverse("selections:vote", args=[s.pk, noms[0].pk]), follow=True)
    assert Vote.objects.count() == 1
    # nominating on the phone: by name and building
    other = make_selection(kind="good_family", title="好家庭")
    today.set(other.nominate_from)
    resp = client.post(
        reverse("selections:phone_nominate", args=[other.pk]),
        {"name": "李阿姨家", "building": tree.building_a1.code, "reason": "孝老爱亲"},
    )
    assert resp.status_code == 302
    n = Nomination.objects.get(selection=other)
    assert n.channel == "resident" and n.state == "pending"
    resp = client.post(reverse("selections:phone_nominate", args=[other.pk]), {"name": "", "building": ""})
    assert resp.status_code == 200 and Nomination.objects.filter(selection=other).count() == 1


def test_phone_result_and_objection(client, tree, me, today, in_vote):
    s, noms = in_vote
    services.vote_cast(actor=tree.users["resident_a1"], nomination=noms[2])
    today.set(s.vote_until + dt.timedelta(days=1))
    services.selection_announce(actor=tree.users["secretary_a1"], selection=s)
    login(client, tree, "resident_a1")
    page = client.get(reverse("selections:phone_detail", args=[s.pk])).content.decode()
    assert 'data-testid="result-table"' in page and 'data-testid="objection-form"' in page
    resp = client.post(reverse("selections:object", args=[s.pk]), {"text": "票数有疑问"})
    assert resp.status_code == 302 and s.objections.count() == 1


def test_export_has_nominations_and_result(client, tree, me, today, in_vote):
    s, noms = in_vote
    services.vote_cast(actor=tree.users["resident_a1"], nomination=noms[0])
    today.set(s.vote_until + dt.timedelta(days=1))
    services.selection_announce(actor=tree.users["secretary_a1"], selection=s)
    login(client, tree, "secretary_a1")
    resp = client.get(reverse("selections:export", args=[s.pk]))
    assert resp.status_code == 200
    wb = load_workbook(BytesIO(b"".join(resp.streaming_content)))
    nominations, result = wb.worksheets
    assert [r[1] for r in nominations.iter_rows(min_row=3, values_only=True)] == ["张三", "李四", "王五"]
    rows = list(result.iter_rows(min_row=3, values_only=True))
    assert rows[0][:4] == (1, "张三", tree.building_a1.name, 1)
    assert AuditLog.objects.filter(action="export", object_id=str(s.pk)).exists()
    login(client, tree, "resident_a1")
    assert client.get(reverse("selections:export", args=[s.pk])).status_code == 403


def test_winner_on_the_resident_360_page(client, tree, me, today, in_vote):
    s, noms = in_vote
    services.vote_cast(actor=tree.users["resident_a1"], nomination=noms[0])
    today.set(s.vote_until + dt.timedelta(days=1))
    services.selection_announce(actor=tree.users["secretary_a1"], selection=s)
    login(client, tree, "secretary_a1")
    winner = Nomination.objects.get(pk=noms[0].pk).resident
    page = client.get(reverse("registry:resident_detail", args=[winner.pk])).content.decode()
    assert 'data-testid="selections-panel"' in page and s.title in page
    page = client.get(reverse("registry:resident_detail", args=[me.pk])).content.decode()
    assert 'data-testid="selections-panel"' not in page
