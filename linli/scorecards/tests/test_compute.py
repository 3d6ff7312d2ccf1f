import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from linli.accounts.testing import system_user
from linli.core.models import AuditLog, CalendarDay
from linli.core.testing import count_queries
from linli.scorecards import services
from linli.scorecards.models import Indicator, Objection, RunState, ScoreCard, stars_for
from linli.scorecards.providers import Value, providers

pytestmark = pytest.mark.django_db


def _line(card, code):
    return next(line for line in card.lines if line["code"] == code)


def test_known_records_give_known_points(tree, orgs_alliance, year):
    run = services.run_compute(actor=tree.users["secretary_a1"], place=tree.comm_a1, year=year, card_type="org")
    assert run.state == RunState.COMPUTED and run.subject_count == 2
    card = run.cards.get(subject_key=f"orgs.organisation:{orgs_alliance.ent.pk}")
    # commitments 3 of 4 = 75 % of 40 → 30; meetings in Q1 and Q3 = 2 of 4 → 10 of 20;
    # problems 1 of 2 → 10 of 20; wishes 3 of 3 → 10 of 10; activities 0 → 0 of 10.
    assert _line(card, "commitments")["points"] == "30.00" and _line(card, "commitments")["value"] == "75.0"
    assert _line(card, "meetings")["points"] == "10.00"
    assert _line(card, "problems")["points"] == "10.00"
    assert _line(card, "wishes")["points"] == "10.00"
    assert _line(card, "activities")["points"] == "0.00"
    assert card.total == Decimal("60.00") and card.max_total == Decimal("100.00")
    assert card.percent == Decimal("60.0") and card.stars == 2  # 60 % reaches the 2-star threshold (≥)
    dept = run.cards.get(subject_key=f"orgs.organisation:{tree.dept.pk}")
    assert dept.total == Decimal("5.00") and dept.stars == 1  # one quarter present: 5 of 20


def test_each_score_explains_itself(tree, orgs_alliance, year):
    run = services.run_compute(actor=system_user(), place=tree.comm_a1, year=year, card_type="org")
    card = run.cards.get(subject_key=f"orgs.organisation:{orgs_alliance.ent.pk}")
    commitments = _line(card, "commitments")
    assert commitments["count"] == 4
    refs = {r["ref"] for r in commitments["records"]}
    assert refs == {f"alliance.commitmentitem:{i.pk}" for i in orgs_alliance.commitments.get().items.all()}
    meetings = _line(card, "meetings")
    attended = [r for r in meetings["records"] if r.get("state") != "missing"]
    absent = [r for r in meetings["records"] if r.get("state") == "missing"]
    assert len(attended) == 3 and all(r["url"].startswith("/alliance/") for r in attended)
    assert [r["label"] for r in absent] == [
        gettext("%(year)s Q%(q)s: no joint meeting attended") % {"year": year, "q": q} for q in (2, 4)
    ]
    assert meetings["count"] == 5 and "2" in meetings["display"]


def test_stars_by_thresholds():
    t = [Decimal(60), Decimal(70), Decimal(80), Decimal(90)]
    assert [stars_for(Decimal(p), t) for p in ("0", "59.9", "60", "69.9", "70", "80", "89.9", "90", "100")] == [
        1,
        1,
        2,
        2,
        3,
        4,
        4,
        5,
        5,
    ]


def test_thresholds_are_configurable(tree, orgs_alliance, year):
    services.settings_save(
        actor=tree.users["district_admin"],
        card_type="org",
        star2=Decimal(10),
        star3=Decimal(20),
        star4=Decimal(50),
        star5=Decimal(60),
    )
    run = services.run_compute(actor=system_user(), place=tree.comm_a1, year=year, card_type="org")
    assert run.cards.get(subject_key=f"orgs.organisation:{orgs_alliance.ent.pk}").stars == 5
    with pytest.raises(ValidationError):
        services.settings_save(
            actor=tree.users["district_admin"], card_type="org", star2=Decimal(70), star3=Decimal(20)
        )
    with pytest.raises(PermissionDenied):
        services.settings_save(actor=tree.users["secretary_a1"], card_type="org", star2=Decimal(1))


def test_weight_zero_and_unavailable_provider_do_not_score(tree, orgs_alliance, year):
    Indicator.objects.create(
        card_type="org", code="missing", label="Not there", provider="nowhere.nothing", target=1, max_points=50
    )
    Indicator.objects.filter(card_type="org", code="activities").update(weight=0)
    run = services.run_compute(actor=system_user(), place=tree.comm_a1, year=year, card_type="org")
    assert [u["code"] for u in run.unavailable] == ["missing"]
    card = run.cards.get(subject_key=f"orgs.organisation:{orgs_alliance.ent.pk}")
    assert card.max_total == Decimal("90.00") and card.total == Decimal("60.00")
    assert _line(card, "missing")["available"] is False


def test_query_count_independent_of_subject_count(tree, orgs_alliance, year):
    from linli.alliance import services as al
    from linli.orgs import services as orgs

    root = system_user()
    services.run_compute(actor=root, place=tree.comm_a1, year=year, card_type="org")
    with count_queries() as few:  # both measured runs are recomputations
        services.run_compute(actor=root, place=tree.comm_a1, year=year, card_type="org")
    for i in range(6):
        org = orgs.organisation_create(actor=root, area=tree.comm_a1, kind="enterprise", name=f"企业{i}")
        m = al.member_add(actor=root, alliance=orgs_alliance, organisation=org)
        al.commitment_create(actor=root, member=m, year=year, items=["x", "y"])
        al.meeting_record(actor=root, alliance=orgs_alliance, held_on=dt.date(year, 5, i + 1), topic="t", attendees=[m])
    with count_queries() as many:
        run = services.run_compute(actor=root, place=tree.comm_a1, year=year, card_type="org")
    assert run.subject_count == 8
    assert many.count == few.count, [q["sql"][:120] for q in many.captured_queries]


def _holiday_calendar():
    # 2025: 国庆节/中秋节 1–8 October off, Sunday 28 September and Saturday 11 October worked (调休).
    for d in range(1, 9):
        CalendarDay.objects.update_or_create(
            date=dt.date(2025, 10, d), defaults={"is_workday": False, "name": "国庆节"}
        )
    for day in (dt.date(2025, 9, 28), dt.date(2025, 10, 11)):
        CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": True, "name": "调休"})


def test_public_notice_five_working_days_across_a_holiday(tree, orgs_alliance, year):
    _holiday_calendar()
    sec = tree.users["secretary_a1"]
    run = services.run_compute(actor=sec, place=tree.comm_a1, year=year, card_type="org")
    card = run.cards.first()
    with pytest.raises(ValidationError):
        services.objection_raise(actor=sec, run=run, card=card, text="not yet", today=dt.date(2025, 9, 30))
    with pytest.raises(ValidationError):
        services.run_finalise(actor=sec, run=run, today=dt.date(2025, 9, 30))
    run = services.run_publicise(actor=sec, run=run, start=dt.date(2025, 9, 30))
    # Working days after 30 Sep: 9 Oct, 10 Oct, 11 Oct (Saturday, worked), 13 Oct, 14 Oct.
    assert run.state == RunState.PUBLICISED and run.notice_ends == dt.date(2025, 10, 14)
    obj = services.objection_raise(actor=sec, run=run, card=card, text="会议记录不全", today=dt.date(2025, 10, 14))
    with pytest.raises(ValidationError):
        services.objection_raise(actor=sec, run=run, card=card, text="too late", today=dt.date(2025, 10, 15))
    with pytest.raises(ValidationError):  # the notice still runs on its last day
        services.run_finalise(actor=sec, run=run, today=dt.date(2025, 10, 14))
    with pytest.raises(ValidationError):  # an unanswered objection
        services.run_finalise(actor=sec, run=run, today=dt.date(2025, 10, 15))
    services.objection_answer(actor=sec, objection=obj, response="已核实，补录会议记录")
    run = services.run_finalise(actor=sec, run=run, today=dt.date(2025, 10, 15))
    assert run.state == RunState.FINAL and run.finalised_at
    with pytest.raises(ValidationError):
        services.run_compute(actor=sec, place=tree.comm_a1, year=year, card_type="org")
    assert AuditLog.objects.filter(object_type="scorecards.scorerun").count() == 3


def test_recompute_keeps_objections(tree, orgs_alliance, year):
    sec = tree.users["secretary_a1"]
    run = services.run_compute(actor=sec, place=tree.comm_a1, year=year, card_type="org")
    run = services.run_publicise(actor=sec, run=run)
    services.objection_raise(actor=sec, run=run, card=run.cards.first(), text="分数有误")
    run = services.run_compute(actor=sec, place=tree.comm_a1, year=year, card_type="org")
    assert run.state == RunState.COMPUTED and run.notice_ends is None
    o = Objection.objects.get()
    assert o.card is None and o.subject_label


def test_permissions_and_bad_input(tree, orgs_alliance, year):
    with pytest.raises(PermissionDenied):
        services.run_compute(actor=tree.users["secretary_a1"], place=tree.comm_a2, year=year, card_type="org")
    for user in ("grid_a", "resident_a1", "dept_staff"):
        with pytest.raises(PermissionDenied):
            services.run_compute(actor=tree.users[user], place=tree.comm_a1, year=year, card_type="org")
    with pytest.raises(ValidationError):
        services.run_compute(actor=tree.users["secretary_a1"], place=tree.comm_a1, year=year + 5, card_type="org")
    with pytest.raises(ValidationError):
        services.run_compute(actor=tree.users["secretary_a1"], place=tree.comm_a1, year=year, card_type="nope")
    with pytest.raises(ValidationError):
        services.run_compute(actor=tree.users["secretary_a1"], place=tree.building_a1, year=year, card_type="org")
    run = services.run_compute(actor=tree.users["street_a"], place=tree.street_a, year=year, card_type="org")
    with pytest.raises(PermissionDenied):  # a community secretary cannot publicise the street's run
        services.run_publicise(actor=tree.users["secretary_a1"], run=run)


def test_registered_provider_is_called_once_for_all_subjects(tree, orgs_alliance, year):
    calls = []

    def fn(subs, yr):
        calls.append(len(subs))
        return {s.key: Value(Decimal(1), "one", [{"ref": "x:1", "label": "l", "url": ""}]) for s in subs}

    providers.register("test.one", fn, label="one", card_types=("org",))
    Indicator.objects.create(card_type="org", code="one", label="One", provider="test.one", target=1, max_points=10)
    run = services.run_compute(actor=system_user(), place=tree.comm_a1, year=year, card_type="org")
    assert calls == [2]
    assert all(_line(c, "one")["points"] == "10.00" for c in ScoreCard.objects.filter(run=run))


def test_alliance_wish_claimed_on_the_board_too_counts_once(tree, orgs_alliance, year):
    """A wish the organisation claimed on the micro-wish board and also recorded as an alliance claim (linked by
    reference) is one wish, not two."""
    from django.utils import timezone

    from linli.alliance import services as al
    from linli.wishes.models import Wish, WishClaim

    confirmed = timezone.make_aware(dt.datetime(year, 6, 1, 10, 0))
    wish = Wish.objects.create(
        resident=_resident(tree),
        community=tree.comm_a1,
        scope_path=tree.house_a1.path,
        public_name="王某",
        title="轮椅一台",
        need="…",
        state="confirmed",
        confirmed_at=confirmed,
    )
    WishClaim.objects.create(
        wish=wish,
        kind="organisation",
        organisation=orgs_alliance.ent,
        user=tree.users["secretary_a1"],
        due_date=dt.date(year, 6, 10),
        state="done",
        ended_at=confirmed,
        scope_path=wish.scope_path,
    )
    root = system_user()
    linked = al.wish_claim_record(
        actor=root, member=orgs_alliance.m1, title="轮椅一台", wish=wish, claimed_on=dt.date(year, 5, 1)
    )
    al.wish_claim_fulfil(actor=root, claim=linked, fulfilled_on=dt.date(year, 6, 1))
    run = services.run_compute(actor=root, place=tree.comm_a1, year=year, card_type="org")
    line = _line(run.cards.get(subject_key=f"orgs.organisation:{orgs_alliance.ent.pk}"), "wishes")
    assert line["value"] == "4"  # the three alliance wishes of the fixture + the wheelchair, once
    assert line["count"] == 4
    assert sum(r["ref"] in (f"wishes.wish:{wish.pk}", f"alliance.wishclaim:{linked.pk}") for r in line["records"]) == 1


def _resident(tree):
    from linli.registry.models import Resident

    return Resident.objects.create(
        name="王阿姨", home=tree.house_a1, scope_path=tree.house_a1.path, address=tree.house_a1.name
    )
