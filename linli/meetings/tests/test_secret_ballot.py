"""A secret ballot cannot be de-anonymised: no count while the vote runs (page, htmx fragment, API), audit rows that
say a ballot was cast but never its choice, and no exact time of a ballot anywhere a reader of the audit looks."""

from __future__ import annotations

import pytest
from django.utils import timezone

from linli.core import audit
from linli.core.models import AuditLog
from linli.meetings import services
from linli.meetings.models import Vote

from .factories import meeting

pytestmark = pytest.mark.django_db


def _voted(tree, *, secret: bool, choices=("yes", "yes", "no")):
    m, users = meeting(tree, n_invitees=len(choices), secret_ballot=secret)
    item = m.items.get()
    for u in users:
        services.check_in(actor=u, meeting=m)
    for u, c in zip(users, choices, strict=True):
        services.vote(actor=u, item=item, choice=c)
    return m, users, item


def _pages(client, user, m) -> list[str]:
    client.force_login(user)
    full = client.get(f"/meetings/{m.pk}/").content.decode()
    fragment = client.get(f"/meetings/{m.pk}/", HTTP_HX_REQUEST="true").content.decode()
    minutes = client.get(f"/meetings/{m.pk}/minutes/").content.decode()
    return [full, fragment, minutes]


def test_secret_tally_hidden_on_pages_while_open_and_shown_after_close(client, tree):
    m, users, _item = _voted(tree, secret=True)
    sec = tree.users["secretary_a1"]
    for who in (sec, users[0]):
        full, fragment, minutes = _pages(client, who, m)
        for html in (full, fragment):
            assert 'data-testid="tally"' not in html and 'data-testid="tally-hidden"' in html
            assert "Who voted how" not in html and "谁投了什么" not in html
        assert 'data-testid="tally"' not in minutes
    services.meeting_close(actor=sec, meeting=m)
    full, fragment, _minutes = _pages(client, users[1], m)
    assert 'data-testid="tally"' in full and 'data-testid="tally-hidden"' not in full
    tally = full.split('data-testid="tally"')[1].split("</p>")[0]
    assert "2" in tally and "1" in tally


def test_secret_tally_hidden_in_api_while_open_and_shown_after_close(client, tree, token_for):
    m, users, _item = _voted(tree, secret=True)
    for who in ("secretary_a1", users[0].username):
        body = client.get(f"/api/v1/meetings/{m.pk}", **token_for(who)).json()
        assert body["results_hidden"] is True
        assert body["items"][0]["tally"] is None
    body = client.get(f"/api/v1/meetings/{m.pk}", **token_for(users[0].username)).json()
    assert body["items"][0]["my_vote"] == "yes"  # the voter still sees their own vote
    services.meeting_close(actor=tree.users["secretary_a1"], meeting=m)
    body = client.get(f"/api/v1/meetings/{m.pk}", **token_for("secretary_a1")).json()
    assert body["results_hidden"] is False
    assert body["items"][0]["tally"] == {"yes": 2, "no": 1, "abstain": 0, "base": 3, "needed": 2, "passed": True}


def test_open_ballot_tally_still_live(client, tree, token_for):
    m, _users, _item = _voted(tree, secret=False)
    body = client.get(f"/api/v1/meetings/{m.pk}", **token_for("secretary_a1")).json()
    assert body["results_hidden"] is False and body["items"][0]["tally"]["yes"] == 2
    full, fragment, _minutes = _pages(client, tree.users["secretary_a1"], m)
    assert 'data-testid="tally"' in full and 'data-testid="tally"' in fragment


def _ballot_rows(m):
    vote_ids = [str(pk) for pk in Vote.objects.filter(item__meeting=m).values_list("pk", flat=True)]
    return AuditLog.objects.filter(object_type="meetings.vote", object_id__in=vote_ids)


def test_secret_ballot_audit_rows_hold_no_choice_and_no_exact_time(tree):
    m, users, item = _voted(tree, secret=True, choices=("yes", "no", "abstain"))
    rows = list(_ballot_rows(m))
    assert len(rows) == 3
    day = audit.day_start(timezone.now())
    for r in rows:
        assert r.action == "vote" and r.after == {"item": item.pk}
        text = f"{r.before}{r.after}{r.note}"
        assert not [w for w in ("yes", "no", "abstain", "choice") if w in text]
        assert r.at == day and r.request_id == ""
    assert {r.actor_id for r in rows} == {u.pk for u in users}  # who cast a ballot is recorded (turnout)
    for v in Vote.objects.filter(item=item):
        assert v.created_at == day and v.updated_at == day


def test_changing_a_secret_vote_leaves_no_choice_trace(tree):
    m, users, item = _voted(tree, secret=True, choices=("yes", "yes", "yes"))
    services.vote(actor=users[0], item=item, choice="no")
    rows = list(_ballot_rows(m).filter(actor=users[0]))
    assert [r.action for r in rows] == ["vote", "vote"]  # a change is not even told apart from a first ballot
    assert all(r.after == {"item": item.pk} and r.before is None for r in rows)
    assert not AuditLog.objects.filter(action="change_vote").exists()
    for r in AuditLog.objects.all():
        assert "choice" not in str(r.before) and "choice" not in str(r.after)
    ballot = Vote.objects.get(item=item, invitee__user=users[0])
    assert ballot.choice == "no" and ballot.updated_at == audit.day_start(timezone.now())


def test_open_ballot_audit_keeps_the_choice(tree):
    m, users, item = _voted(tree, secret=False, choices=("yes",))
    services.vote(actor=users[0], item=item, choice="no")
    rows = list(_ballot_rows(m).order_by("id"))
    assert [(r.action, r.after["choice"]) for r in rows] == [("vote", "yes"), ("change_vote", "no")]
