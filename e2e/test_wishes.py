"""A 微心愿 from publication to points, in a real browser: staff publish a wish → a party member claims it →
marks it fulfilled with a photo → the resident confirms → the points appear in the member's ledger and the
fulfilled wish on the member's score card (computed through the score-card services, read by the member)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from .helpers import login

pytestmark = pytest.mark.browser


def assert_fits_a_phone(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 376, f"{what} is {width}px wide at a 375px viewport"


def test_wish_from_publication_to_points(page, live_server, transactional_db, tmp_path):
    from PIL import Image
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree, system_user
    from linli.party import services as party
    from linli.points.tests.factories import resident_with_login
    from linli.scorecards import services as scorecards
    from linli.wishes.models import State, Wish, WishClaim

    tree = build_tree()
    root = system_user()
    _needy_user, needy = resident_with_login("needy", tree.house_a1, name="张秀英")
    member_user, member = resident_with_login("member", tree.house_a2, name="李建国")
    # A party member by registration in their community's branch (the party app), not by a field on the record.
    committee = party.org_create(actor=root, place=tree.comm_a2, kind="community_committee", name="西苑社区党委")
    branch = party.org_create(actor=root, place=tree.comm_a2, kind="branch", name="西苑新村党支部", parent=committee)
    party_member = party.member_add(
        actor=root, org=branch, resident=member, joined_on=dt.date(2015, 7, 1), full_on=dt.date(2016, 7, 1)
    )
    photo = tmp_path / "proof.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 40, 40)).save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())
    url = live_server.url

    # 1. Community staff enter the wish for the resident and publish it.
    login(page, url, "secretary_a1")
    page.goto(url + reverse("wishes:create") + f"?resident={needy.pk}")
    page.locator("input[name=title]").fill("一台电风扇")
    page.locator("textarea[name=need]").fill("夏天屋里闷热，想要一台落地电风扇。")
    page.locator("input[name=estimated_value]").fill("150")
    page.get_by_test_id("wish-submit").click()
    page.get_by_test_id("wish-approve").click()
    expect(page.get_by_test_id("wish-approve")).to_have_count(0)
    wish = Wish.objects.get(title="一台电风扇")
    assert wish.state == State.PUBLISHED

    # 2. A party member finds it on the board — surname only — and claims it.
    login(page, url, "member")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(url + reverse("wishes:board"))
    assert_fits_a_phone(page, "the wish board")
    main = page.locator("main")
    expect(main).to_contain_text("一台电风扇")
    expect(main).to_contain_text("张某")
    expect(main).not_to_contain_text("张秀英")
    page.get_by_role("link", name="一台电风扇").click()
    assert_fits_a_phone(page, "a wish")
    page.get_by_test_id("wish-claim").click()
    expect(page.get_by_test_id("wish-fulfil")).to_be_visible()
    assert WishClaim.objects.get(wish=wish).kind == "party_member"

    # 3. … and marks it fulfilled with a photo.
    page.locator("input[name=photos]").set_input_files(str(photo))
    page.locator("textarea[name=note]").fill("已送到家中")
    page.get_by_test_id("wish-fulfil").click()
    expect(page.get_by_test_id("wish-fulfil")).to_have_count(0)
    assert Wish.objects.get(pk=wish.pk).state == State.FULFILLED

    # 4. The resident confirms on their phone.
    login(page, url, "needy")
    page.goto(url + reverse("wishes:mine"))
    page.get_by_test_id("my-wish").get_by_role("link").first.click()
    page.get_by_test_id("wish-confirm").click()
    expect(page.get_by_test_id("wish-confirm")).to_have_count(0)
    assert Wish.objects.get(pk=wish.pk).state == State.CONFIRMED

    # 5. The points are in the member's ledger.
    login(page, url, "member")
    page.goto(url + reverse("points:mine"))
    expect(page.get_by_test_id("balance")).to_have_text("5.00")
    expect(page.get_by_test_id("ledger")).to_contain_text("5.00")
    assert_fits_a_phone(page, "my points")
    page.goto(url + reverse("points:shop"))
    assert_fits_a_phone(page, "the shop")

    # 6. The district computes the party members' score cards and puts them on notice; the member reads theirs:
    #    the fulfilled wish is on it, with the link to the wish.
    admin = tree.users["district_admin"]
    run = scorecards.run_compute(actor=admin, place=tree.district, year=timezone.localdate().year, card_type="member")
    scorecards.run_publicise(actor=admin, run=run)
    card = run.cards.get(subject_key=f"party.partymember:{party_member.pk}")
    assert card.account_id == member_user.pk
    line = next(line for line in card.lines if line["code"] == "wishes")  # the wishes.member_fulfilled indicator
    assert line["value"] == "1" and line["records"][0]["ref"] == f"wishes.wish:{wish.pk}"
    page.goto(url + reverse("scorecards:card", args=[card.pk]))
    wishes_line = page.locator("[data-testid=card-lines] tr[data-code=wishes]")
    expect(wishes_line).to_contain_text("1")
    wishes_line.locator("summary").click()
    expect(wishes_line.get_by_role("link", name="一台电风扇 · 100.00%")).to_be_visible()
    assert_fits_a_phone(page, "my score card")
