"""Pages: staff (list, create, electorate review with the missing units, notice, steps, paper ballot, tally, xlsx,
verification), the 公告, and the owner's three-tap phone vote."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.accounts.testing import PASSWORD
from linli.core import dates
from linli.votes import services, verify
from linli.votes.models import Ballot, Decision, ElectorateUnit

from . import factories as f

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_list_and_create(client, tree):
    e = f.estate(tree, [("100.00", "a")])
    login(client, tree.users["secretary_a1"])
    assert client.get(reverse("votes:decisions")).status_code == 200
    resp = client.post(
        reverse("votes:decision_create"),
        {
            "compound": e.compound.code,
            "matter_type": "4",
            "title": "续聘物业",
            "text": "是否续聘",
            "attachments": [f.png()],
        },
    )
    d = Decision.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("votes:decision", args=[d.pk])
    assert d.attachments.count() == 1
    bad = client.post(reverse("votes:decision_create"), {"compound": e.compound.code, "matter_type": "11", "title": ""})
    assert bad.status_code == 200 and Decision.objects.count() == 1
    login(client, tree.users["grid_a"])
    assert client.get(reverse("votes:decision_create")).status_code == 403


def test_electorate_review_lists_missing_units_and_notice_is_refused(client, tree):
    e = f.estate(tree, [("100.00", "a"), (None, "b"), ("90.00", None)])
    d = f.draft(tree, e)
    login(client, tree.users["secretary_a1"])
    page = client.get(reverse("votes:decision", args=[d.pk])).content.decode()
    assert 'data-testid="missing-units"' in page and "1栋1单元102" in page and "1栋1单元103" in page
    opens = dates.today() + dt.timedelta(days=15)
    client.post(reverse("votes:notice", args=[d.pk]), {"opens_on": opens, "closes_on": opens})
    assert Decision.objects.get(pk=d.pk).state == "draft"


def test_staff_walk_notice_open_paper_close_publish_export(client, tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a"), ("100.00", "b"), ("100.00", "c")])
    d = f.draft(tree, e)
    login(client, tree.users["secretary_a1"])
    opens = dates.today() + dt.timedelta(days=15)
    client.post(reverse("votes:notice", args=[d.pk]), {"opens_on": opens, "closes_on": opens})
    page = client.get(reverse("votes:decision", args=[d.pk])).content.decode()
    assert 'data-testid="denominators"' in page and "300.00" in page
    f.shift(monkeypatch, opens)
    client.post(reverse("votes:step", args=[d.pk, "open"]))
    assert Decision.objects.get(pk=d.pk).state == "voting"
    for house in e.houses[:2]:
        unit = ElectorateUnit.objects.get(decision=d, house=house)
        resp = client.post(reverse("votes:paper", args=[d.pk]), {"unit": unit.pk, "choice": "yes", "scan": f.png()})
        assert resp.status_code == 302
    assert Ballot.objects.filter(decision=d, channel="paper").count() == 2
    client.post(reverse("votes:step", args=[d.pk, "close"]))
    page = client.get(reverse("votes:decision", args=[d.pk])).content.decode()
    assert 'data-testid="tally"' in page
    client.post(reverse("votes:step", args=[d.pk, "publish"]))
    d = Decision.objects.get(pk=d.pk)
    assert d.state == "published" and d.passed
    book = load_workbook(io.BytesIO(client.get(reverse("votes:export", args=[d.pk])).content))
    assert len(book.sheetnames) == 2
    data = json.loads(client.get(reverse("votes:verification", args=[d.pk])).content)
    assert verify.recompute(data) == d.result
    assert client.get(reverse("votes:verify_script")).status_code == 200


def test_owner_votes_in_three_taps_and_finds_the_receipt(client, tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a"), ("100.00", "b")])
    d = f.voting(tree, e, monkeypatch)
    login(client, f.login(e, "a"))
    mine = client.get(reverse("votes:mine")).content.decode()
    assert reverse("votes:vote", args=[d.pk]) in mine  # tap 1
    page = client.get(reverse("votes:vote", args=[d.pk])).content.decode()
    assert 'data-testid="choice-yes"' in page  # tap 2
    confirm = client.get(reverse("votes:vote", args=[d.pk]) + "?choice=yes").content.decode()
    assert 'data-testid="confirm"' in confirm
    receipt = client.post(reverse("votes:vote_cast", args=[d.pk]), {"choice": "yes"}).content.decode()  # tap 3
    assert Ballot.objects.get(decision=d).choice == "yes"
    code = receipt.split('class="receipt-code">')[1].split("<")[0]
    services.ballot_cast_online(actor=f.login(e, "b"), decision=d, choice="yes")
    d = f.close_and_publish(tree, d, monkeypatch)
    board = client.get(reverse("votes:board", args=[e.compound.code])).content.decode()
    assert d.title in board
    result = client.get(reverse("votes:result", args=[d.pk]), {"code": code}).content.decode()
    assert 'data-testid="receipt-found"' in result and 'data-testid="published-list"' in result
    main = result.split("<main", 1)[1]
    assert "业主a" not in main and "业主b" not in main  # never names
    assert "1栋1单元101" in result


def test_non_owner_cannot_open_the_vote_page_and_bad_choice_changes_nothing(client, tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    login(client, tree.users["resident_a1"])
    assert client.get(reverse("votes:vote", args=[d.pk])).status_code in (403, 404)
    login(client, f.login(e, "a"))
    resp = client.post(reverse("votes:vote_cast", args=[d.pk]), {"choice": "maybe"})
    assert resp.status_code == 302 and not Ballot.objects.exists()


def test_out_of_scope_staff_get_404(client, tree):
    e = f.estate(tree, [("100.00", "a")])
    d = f.draft(tree, e)
    login(client, tree.users["dept_other_staff"])
    assert client.get(reverse("votes:decision", args=[d.pk])).status_code == 404


def test_owners_are_sent_to_the_public_page_not_the_staff_one(client, tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    login(client, f.login(e, "a"))
    resp = client.get(reverse("votes:decision", args=[d.pk]))
    assert resp.status_code == 302 and resp["Location"] == reverse("votes:result", args=[d.pk])
    resp = client.get(reverse("votes:decisions"))
    assert resp.status_code == 302 and resp["Location"] == reverse("votes:mine")


def test_staff_settle_missing_owners_and_representatives_on_the_review(client, tree):
    from fractions import Fraction

    e = f.estate(tree, [("100.00", "a"), ("90.00", None), ("80.00", None)])
    f.own(e, "x", e.houses[2], kind="co_owner", share=Fraction(1, 2))
    f.own(e, "y", e.houses[2], kind="co_owner", share=Fraction(1, 2))
    d = f.draft(tree, e)
    login(client, tree.users["secretary_a1"])
    page = client.get(reverse("votes:decision", args=[d.pk])).content.decode()
    assert 'data-testid="fixable"' in page and "业主x" in page
    client.post(reverse("votes:developer_mark", args=[d.pk]), {"house": e.houses[1].pk})
    client.post(reverse("votes:designate", args=[d.pk]), {"house": e.houses[2].pk, "resident": e.owners["y"].pk})
    client.post(reverse("votes:designate", args=[d.pk]), {"house": e.houses[2].pk, "resident": "x"})
    page = client.get(reverse("votes:decision", args=[d.pk])).content.decode()
    assert 'data-testid="electorate-complete"' in page
