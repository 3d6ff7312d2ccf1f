"""Known records → known points for the 社区所属党支部 (branch) and 在册党员 (member) cards; every line shows its
value, weight, points and the records behind it, missing periods included; an unscored card type warns."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.scorecards import services
from linli.scorecards.models import Indicator, RunState

pytestmark = pytest.mark.django_db


def _line(card, code):
    return next(line for line in card.lines if line["code"] == code)


@pytest.fixture
def party(tree):
    from linli.orglife.tests.factories import PartyTree

    return PartyTree(tree)  # branch A: 21 full + 2 probationary members, a committee of 5


def _meeting(party, kind, day, present, counts_for=None):
    from linli.orglife import services as orglife

    return orglife.meeting_record(
        actor=system_user(),
        org=party.branch,
        kind=kind,
        held_on=day,
        topic=f"{kind} {day}",
        present_count=present,
        counts_for=counts_for,
    )


@pytest.fixture
def branch_year(party, year):
    """A year of branch A's organisational life with known gaps:
    支委会 held on time in 10 months, March's held late in April (补开), December's missing; 党员大会 every quarter
    (18 of 21 present); 党课 every quarter and 主题党日 every month (20 of 23); 组织生活会 (23 of 23); one talk;
    no democratic evaluation (missing)."""
    from linli.orglife import services as orglife

    for month in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11):
        _meeting(party, "committee", dt.date(year, month, 8), 5)
    _meeting(party, "committee", dt.date(year, 4, 20), 5, counts_for=dt.date(year, 3, 31))
    for q in (1, 2, 3, 4):
        _meeting(party, "general_assembly", dt.date(year, 3 * q, 15), 18)
        _meeting(party, "party_lecture", dt.date(year, 3 * q - 1, 10), 20)
    for month in range(1, 13):
        _meeting(party, "theme_day", dt.date(year, month, 1), 20)
    _meeting(party, "life_meeting", dt.date(year, 12, 20), 23)
    orglife.talk_record(
        actor=system_user(),
        org=party.branch,
        held_on=dt.date(year, 6, 6),
        member_a=party.full[0],
        member_b=party.full[1],
        topic="谈心",
    )
    return party


def test_branch_card_known_points(tree, branch_year, year):
    Indicator.objects.filter(card_type="branch", code="attendance").update(weight=Decimal(2))
    run = services.run_compute(actor=tree.users["secretary_a1"], place=tree.comm_a1, year=year, card_type="branch")
    assert run.subject_count == 1 and not run.unscored
    card = run.cards.get(subject_key=f"party.partyorg:{branch_year.branch.pk}")
    # Compliance: 35 periods required (12 支委会, 4 党员大会, 4 党课, 12 主题党日, 组织生活会, 民主评议, 谈心谈话);
    # 32 done on time, 1 held late, 2 missing → 91.4 % of 100 → 50 × 0.914 = 45.70 points.
    compliance = _line(card, "compliance")
    assert compliance["value"] == "91.4" and compliance["points"] == "45.70" and compliance["weighted"] == "45.70"
    assert compliance["count"] == 35
    missing = [r for r in compliance["records"] if r.get("state") == "missing"]
    assert [r["label"].split(" ")[0] for r in missing] == [f"{year}-12", str(year)]  # 支委会 December, evaluation
    assert compliance["records"][:2] == missing  # the gaps come first
    assert all(r["url"].endswith(f"?year={year}") and "/orglife/orgs/" in r["url"] for r in missing)
    late = compliance["records"][2]
    assert late["label"].startswith(f"{year}-03") and "/orglife/meetings/" in late["url"]
    # Attendance: present 4×18 + 11×5 + 4×20 + 12×20 + 23 = 470 of 4×21 + 11×5 + 4×23 + 12×23 + 23 = 530 expected
    # → 88.7 % (full marks at 90) → 25 × 88.7 ÷ 90 = 24.64 points, weight 2 → 49.28.
    attendance = _line(card, "attendance")
    assert attendance["value"] == "88.7" and attendance["points"] == "24.64"
    assert attendance["weight"] == "2.00" and attendance["weighted"] == "49.28"
    assert attendance["count"] == 32 and all("/orglife/meetings/" in r["url"] for r in attendance["records"])
    assert any(r["label"].endswith("18/21") for r in attendance["records"])
    # Micro-wishes: none → 0 of 25. Learning: weight 0, not scored.
    assert _line(card, "wishes")["points"] == "0.00"
    assert _line(card, "learning")["weighted"] == "0.00"
    # 45.70 + 49.28 + 0 = 94.98 of 50 + 2 × 25 + 25 = 125 → 76.0 % → 3 stars (70 ≤ 76 < 80).
    assert card.total == Decimal("94.98") and card.max_total == Decimal("125.00")
    assert card.percent == Decimal("76.0") and card.stars == 3


def test_branch_card_page_shows_weights_and_missing_periods(client, tree, branch_year, year):
    Indicator.objects.filter(card_type="branch", code="attendance").update(weight=Decimal(2))
    run = services.run_compute(actor=tree.users["secretary_a1"], place=tree.comm_a1, year=year, card_type="branch")
    card = run.cards.get()
    client.force_login(tree.users["secretary_a1"])
    html = client.get(reverse("scorecards:card", args=[card.pk])).content.decode()
    assert "× 2.00" in html and "49.28 / 50.00" in html and "94.98 / 125.00" in html
    assert html.count('data-state="missing"') == 2
    assert f"{year}-12" in html
    cert = client.get(reverse("scorecards:certificate", args=[card.pk])).content.decode()
    assert "× 2.00" in cert and "49.28" in cert


@pytest.fixture
def member_year(tree, party, year):
    """Member 党员05 (not on the committee): present at two 主题党日, absent at one, on leave at one; rated 合格 in
    the year's democratic evaluation; one micro-wish fulfilled (confirmed) on the wishes board."""
    from linli.orglife import services as orglife
    from linli.orglife.models import EvaluationEntry
    from linli.wishes.models import Wish, WishClaim

    root = system_user()
    m = party.full[5]
    for month, status in ((3, "present"), (5, "present"), (7, "absent"), (9, ("leave", "病假"))):
        orglife.meeting_record(
            actor=root,
            org=party.branch,
            kind="theme_day",
            held_on=dt.date(year, month, 1),
            topic=f"主题党日{month}",
            attendance={m.pk: status},
        )
    ev = orglife.evaluation_start(actor=root, org=party.branch, year=year)
    ev = orglife.evaluation_advance(actor=root, evaluation=ev, step="start_peer_review")
    ev = orglife.evaluation_advance(actor=root, evaluation=ev, step="start_poll")
    EvaluationEntry.objects.filter(evaluation=ev).update(grade="qualified", votes_qualified=10)  # the poll held
    orglife.evaluation_advance(actor=root, evaluation=ev, step="rate")
    confirmed = timezone.make_aware(dt.datetime(year, 6, 1, 10, 0))
    wish = Wish.objects.create(
        resident=party.full[0].resident,
        community=tree.comm_a1,
        scope_path=tree.house_a1.path,
        public_name="党某",
        title="代买药品",
        need="…",
        state="confirmed",
        confirmed_at=confirmed,
    )
    WishClaim.objects.create(
        wish=wish,
        kind="party_member",
        resident=m.resident,
        user=tree.users["resident_a1"],
        due_date=dt.date(year, 6, 10),
        state="done",
        ended_at=confirmed,
        scope_path=wish.scope_path,
    )
    return m


def test_member_card_known_points(tree, party, member_year, year):
    run = services.run_compute(actor=tree.users["secretary_a1"], place=tree.comm_a1, year=year, card_type="member")
    card = run.cards.get(subject_key=f"party.partymember:{member_year.pk}")
    # Attendance: present 2, absent 1, excused 1 → 2 of 3 = 66.7 % (full marks at 90) → 40 × 66.7 ÷ 90 = 29.64.
    attendance = _line(card, "attendance")
    assert attendance["value"] == "66.7" and attendance["points"] == "29.64" and attendance["weight"] == "1.00"
    assert attendance["count"] == 4
    assert [r.get("state", "") for r in attendance["records"]] == ["", "", "missing", ""]  # the absence marked
    # Grade 合格 = 80 → 30 × 0.8 = 24.00, with the evaluation behind it.
    grade = _line(card, "grade")
    assert grade["value"] == "80" and grade["points"] == "24.00"
    assert grade["records"][0]["ref"].startswith("orglife.evaluation:")
    # Volunteer hours: none → 0. Micro-wishes: 1 of 2 → 15 × 0.5 = 7.50.
    assert _line(card, "volunteer")["points"] == "0.00"
    wishes = _line(card, "wishes")
    assert wishes["value"] == "1" and wishes["points"] == "7.50" and wishes["count"] == 1
    # 29.64 + 24.00 + 0 + 7.50 = 61.14 of 40 + 30 + 15 + 15 = 100 → 61.1 % → 2 stars.
    assert card.total == Decimal("61.14") and card.max_total == Decimal("100.00")
    assert card.percent == Decimal("61.1") and card.stars == 2
    # A member left out of the attendance lists was recorded absent at all four: 0 %, four red records.
    other = _line(run.cards.get(subject_key=f"party.partymember:{party.full[6].pk}"), "attendance")
    assert other["value"] == "0.0" and other["points"] == "0.00"
    assert [r.get("state") for r in other["records"]] == ["missing"] * 4


def test_card_type_without_indicators_warns_instead_of_one_star(client, tree, member_year, year):
    Indicator.objects.filter(card_type="member").update(is_active=False)
    sec = tree.users["secretary_a1"]
    run = services.run_compute(actor=sec, place=tree.comm_a1, year=year, card_type="member")
    assert run.unscored and run.subject_count == 23
    card = run.cards.get(subject_key=f"party.partymember:{member_year.pk}")
    assert card.max_total == 0 and card.stars == 0  # not rated, rather than a silent 1 star
    client.force_login(sec)
    page = client.get(reverse("scorecards:run", args=[run.pk])).content.decode()
    assert 'data-testid="unscored"' in page
    page = client.get(reverse("scorecards:card", args=[card.pk])).content.decode()
    assert 'data-testid="unscored"' in page and 'data-testid="not-rated"' in page and "★" not in page
    cert = client.get(reverse("scorecards:certificate", args=[card.pk])).content.decode()
    assert 'data-testid="unscored"' in cert and "★" not in cert
    with pytest.raises(Exception) as err:
        services.run_publicise(actor=sec, run=run)
    assert "state" in err.value.message_dict
    run.refresh_from_db()
    assert run.state == RunState.COMPUTED
