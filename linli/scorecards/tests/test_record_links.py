"""The links behind a card's values are pages its reader may open: a member reading their own 在册党员 card follows
the micro-wish record to the wish's page on the public board, not to the staff review page (a 404 for them)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.orglife.tests.factories import member as party_member
from linli.orglife.tests.factories import org as party_org
from linli.points.tests.factories import resident_with_login
from linli.registry import services as reg
from linli.scorecards import services
from linli.wishes import services as wishes
from linli.wishes.models import Wish
from linli.wishes.tests.test_wishes import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_with_wish(tree):
    """A party member with a login who claimed, fulfilled and had confirmed one micro-wish this year."""
    root, sec = system_user(), tree.users["secretary_a1"]
    committee = party_org("community_committee", "雨秀社区党委", tree.comm_a1)
    branch = party_org("branch", "怡心花园党支部", tree.compound_a1, parent=committee)
    user, resident = resident_with_login("member_a1", tree.house_a1, name="党员甲")
    m = party_member(branch, resident)
    needy = reg.resident_create(actor=root, name="张秀英", home=tree.house_a1)
    wish = wishes.wish_approve(
        actor=sec,
        wish=wishes.wish_submit(actor=sec, resident=needy, title="轮椅一台", need="…", estimated_value=Decimal("80")),
    )
    wishes.claim(actor=user, wish=wish, kind="party_member")
    wish = wishes.wish_fulfil(actor=user, wish=Wish.objects.get(pk=wish.pk), photos=[png()])
    wish = wishes.wish_confirm(actor=sec, wish=wish)
    return user, m, wish


def test_member_card_wish_record_opens_for_the_member(client, tree, member_with_wish):
    user, m, wish = member_with_wish
    sec = tree.users["secretary_a1"]
    run = services.run_compute(actor=sec, place=tree.comm_a1, year=timezone.localdate().year, card_type="member")
    services.run_publicise(actor=sec, run=run)
    card = run.cards.get(subject_key=f"party.partymember:{m.pk}")
    assert card.account_id == user.pk
    line = next(line for line in card.lines if line["code"] == "wishes")
    assert line["value"] == "1"
    (rec,) = line["records"]
    assert rec["ref"] == f"wishes.wish:{wish.pk}"
    assert rec["url"] == reverse("wishes:board_detail", args=[wish.pk])

    client.force_login(user)
    page = client.get(reverse("scorecards:card", args=[card.pk]))
    assert page.status_code == 200
    assert f'href="{rec["url"]}"' in page.content.decode()
    opened = client.get(rec["url"])
    assert opened.status_code == 200 and "轮椅一台" in opened.content.decode()
    assert "张秀英" not in opened.content.decode()  # the board's page: surname + 某 only
    # The staff review page the record used to link to stays closed to the member.
    assert client.get(reverse("wishes:detail", args=[wish.pk])).status_code == 404
