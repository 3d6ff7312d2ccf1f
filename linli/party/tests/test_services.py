import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.core.models import AuditLog
from linli.core.workdays import add_years
from linli.notifications.models import Notification
from linli.party import reminders, selectors, services, tasks
from linli.party.models import CommitteeSeat, InServiceMember, PartyMember, PartyOrg, ServiceRecord

from .factories import JOINED, branch, committee, inservice, members, resident

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (the msgids); the pages are Chinese by default."""
    from django.utils import translation

    with translation.override("en"):
        yield


def codes(org):
    return {f.code for f in selectors.org_flags(org)}


# -- organisations --------------------------------------------------------------------------------------------------


def test_org_create_sets_five_year_term_and_audits(tree):
    before = AuditLog.objects.count()
    org = branch(tree, term_start=dt.date(2024, 3, 1), covered_places=[tree.compound_a1])
    assert org.term_end == dt.date(2029, 3, 1)
    assert org.scope_path == tree.compound_a1.path
    assert org.branch_type == "compound"
    assert list(org.covered_places.all()) == [tree.compound_a1]
    assert AuditLog.objects.filter(object_type="party.partyorg", object_id=str(org.pk), action="create").exists()
    assert AuditLog.objects.count() > before


@pytest.mark.parametrize(
    "kind,place_attr,error_field",
    [
        ("group", "comm_a1", "parent"),  # a group must sit under a branch
        ("community_committee", "compound_a1", "place"),  # a committee sits at a community
    ],
)
def test_org_create_refuses_bad_structure(tree, kind, place_attr, error_field):
    count, audits = PartyOrg.objects.count(), AuditLog.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.org_create(actor=system_user(), place=getattr(tree, place_attr), kind=kind, name="x")
    assert error_field in exc.value.message_dict
    assert (PartyOrg.objects.count(), AuditLog.objects.count()) == (count, audits)


def test_branch_place_must_be_inside_parent(tree):
    parent = committee(tree, tree.comm_a1)
    with pytest.raises(ValidationError) as exc:
        services.org_create(actor=system_user(), place=tree.comm_a2, kind="branch", name="x", parent=parent)
    assert "place" in exc.value.message_dict


def test_property_branch_needs_its_company(tree):
    with pytest.raises(ValidationError) as exc:
        branch(tree, place=tree.comm_a1, branch_type="property")
    assert "organisation" in exc.value.message_dict
    org = branch(tree, place=tree.comm_a1, branch_type="property", organisation=tree.property_co)
    assert org.organisation == tree.property_co


def test_covered_places_must_lie_inside(tree):
    with pytest.raises(ValidationError) as exc:
        branch(tree, covered_places=[tree.building_a2])
    assert "covered_places" in exc.value.message_dict


def test_secretary_out_of_scope_cannot_create_or_change(tree):
    sec = tree.users["secretary_a1"]
    with pytest.raises(PermissionDenied):
        services.org_create(actor=sec, place=tree.comm_a2, kind="community_committee", name="x")
    other = committee(tree, tree.comm_a2)
    with pytest.raises(PermissionDenied):
        services.org_update(actor=sec, org=other, name="y")
    mine = services.org_create(actor=sec, place=tree.comm_a1, kind="community_committee", name="雨秀社区党委")
    assert services.org_update(actor=sec, org=mine, name="中共雨秀社区委员会").name == "中共雨秀社区委员会"


def test_move_refuses_cycles_and_archive_needs_empty_org(tree):
    b = branch(tree)
    group = services.org_create(actor=system_user(), place=tree.compound_a1, kind="group", name="1栋党小组", parent=b)
    general = services.org_create(
        actor=system_user(),
        place=tree.comm_a1,
        kind="general_branch",
        name="总支",
        parent=committee(tree, tree.comm_a1),
    )
    assert services.org_move(actor=system_user(), org=b, new_parent=general).parent == general
    with pytest.raises(ValidationError):
        services.org_move(actor=system_user(), org=general, new_parent=general)
    with pytest.raises(ValidationError) as exc:
        services.org_archive(actor=system_user(), org=b)
    assert "children" in exc.value.message_dict
    services.org_archive(actor=system_user(), org=group)
    members(b, 1, home=tree.house_a1)
    with pytest.raises(ValidationError) as exc:
        services.org_archive(actor=system_user(), org=b)
    assert "members" in exc.value.message_dict


# -- flags ----------------------------------------------------------------------------------------------------------


def test_branch_below_three_full_members_is_flagged(tree):
    b = branch(tree)
    members(b, 2, home=tree.house_a1)
    members(b, 3, home=tree.house_a1, status="probationary", joined=TODAY - dt.timedelta(days=30))
    flags = selectors.org_flags(b)
    assert "too_few" in {f.code for f in flags}
    assert any("at least 3" in f.message for f in flags if f.code == "too_few")
    members(b, 1, home=tree.house_a1)
    assert "too_few" not in codes(b)


def test_seven_full_members_need_a_committee_of_three_to_five(tree):
    b = branch(tree, term_start=TODAY - dt.timedelta(days=100))
    ms = members(b, 8, home=tree.house_a1)
    assert "needs_committee" in codes(b)
    for m, pos in zip(ms, ["secretary", "organisation", "propaganda"], strict=False):
        services.seat_add(actor=system_user(), org=b, member=m, position=pos)
    assert "needs_committee" not in codes(b) and "no_secretary" not in codes(b)
    for m in ms[3:6]:
        services.seat_add(actor=system_user(), org=b, member=m, position="member")
    assert "committee_large" in codes(b)  # 6 seats: usually 3–5
    for m in ms[6:8]:
        services.seat_add(actor=system_user(), org=b, member=m, position="member")
    assert "committee_too_big" in codes(b)  # 8 seats: more than 7


def test_six_full_members_need_no_committee(tree):
    b = branch(tree)
    members(b, 6, home=tree.house_a1)
    assert "needs_committee" not in codes(b)


def test_term_flags(tree):
    due = branch(tree, term_start=add_years(TODAY, -5) + dt.timedelta(days=30))
    over = branch(tree, term_start=add_years(TODAY, -5) - dt.timedelta(days=1))
    fine = branch(tree, term_start=TODAY - dt.timedelta(days=10))
    assert "term_due" in codes(due)
    assert "term_over" in codes(over)
    assert not {"term_due", "term_over"} & codes(fine)


def test_tree_selector_nests_and_flags(tree):
    b = branch(tree)
    group = services.org_create(
        actor=system_user(),
        place=tree.compound_a1,
        kind="group",
        name="1栋党小组",
        parent=b,
        covered_places=[tree.building_a1],
    )
    members(b, 2, home=tree.house_a1, group=group)
    roots = selectors.org_tree(tree.users["secretary_a1"])
    assert [n.org.name for n in roots] == ["雨秀社区党委"]
    branch_node = roots[0].children[0]
    assert branch_node.org == b and branch_node.children[0].org == group
    assert "too_few" in {f.code for f in branch_node.flags}
    assert selectors.org_tree(tree.users["street_a"])  # the street sees it too
    assert selectors.org_tree(tree.users["dept_staff"]) == []


# -- members --------------------------------------------------------------------------------------------------------


def test_member_in_two_branches_is_refused_and_nothing_written(tree):
    b1, b2 = branch(tree), branch(tree)
    r = resident(tree.house_a1)
    services.member_add(actor=system_user(), org=b1, resident=r, joined_on=JOINED)
    count, audits = PartyMember.objects.count(), AuditLog.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.member_add(actor=system_user(), org=b2, resident=r, joined_on=JOINED)
    assert "resident" in exc.value.message_dict
    assert "two branches" in exc.value.message_dict["resident"][0]
    assert (PartyMember.objects.count(), AuditLog.objects.count()) == (count, audits)


def test_member_bad_input(tree):
    b = branch(tree)
    r = resident(tree.house_a1)
    with pytest.raises(ValidationError) as exc:
        services.member_add(actor=system_user(), org=b, resident=r, joined_on=TODAY + dt.timedelta(days=1))
    assert "joined_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.member_add(
            actor=system_user(), org=b, resident=r, joined_on=JOINED, status="probationary", full_on=JOINED
        )
    assert "full_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.member_add(actor=system_user(), org=b, resident=r, joined_on=JOINED, nickname="x")
    assert "nickname" in exc.value.message_dict
    group_elsewhere = services.org_create(
        actor=system_user(), place=tree.compound_a1, kind="group", name="g", parent=branch(tree)
    )
    with pytest.raises(ValidationError) as exc:
        services.member_add(actor=system_user(), org=b, resident=r, joined_on=JOINED, group=group_elsewhere)
    assert "group" in exc.value.message_dict
    committee_ = committee(tree, tree.comm_a1)
    with pytest.raises(ValidationError) as exc:
        services.member_add(actor=system_user(), org=committee_, resident=r, joined_on=JOINED)
    assert "org" in exc.value.message_dict
    assert not PartyMember.objects.filter(resident=r).exists()


def test_transfer_keeps_history(tree):
    b1 = branch(tree)
    b2 = branch(tree, place=tree.comm_a2)
    m = members(b1, 1, home=tree.house_a1)[0]
    seat = services.seat_add(actor=system_user(), org=b1, member=m, position="secretary")
    on = TODAY - dt.timedelta(days=3)
    new = services.member_transfer(actor=system_user(), member=m, to_org=b2, on=on)
    m.refresh_from_db()
    seat.refresh_from_db()
    assert not m.is_active and m.ended_on == on and b2.name in m.end_reason
    assert new.is_active and new.org == b2 and new.registered_on == on and new.joined_on == m.joined_on
    assert not seat.is_active and seat.term_end == on
    history = list(selectors.memberships_of(system_user(), m.resident))
    assert [h.org for h in history] == [b2, b1]
    assert AuditLog.objects.filter(object_type="party.partymember", object_id=str(m.pk), note="transfer out").exists()


def test_transfer_refusals(tree):
    b1, b2 = branch(tree), branch(tree)
    m = members(b1, 1, home=tree.house_a1)[0]
    with pytest.raises(ValidationError):
        services.member_transfer(actor=system_user(), member=m, to_org=b1)
    with pytest.raises(ValidationError):
        services.member_transfer(actor=system_user(), member=m, to_org=b2, on=TODAY + dt.timedelta(days=1))
    outside = branch(tree, place=tree.comm_a2)
    with pytest.raises(PermissionDenied):
        services.member_transfer(actor=tree.users["secretary_a1"], member=m, to_org=outside)
    m.refresh_from_db()
    assert m.is_active and m.org == b1


def test_seat_rules(tree):
    b = branch(tree)
    full = members(b, 2, home=tree.house_a1)
    prob = members(b, 1, home=tree.house_a1, status="probationary", joined=TODAY - dt.timedelta(days=10))[0]
    with pytest.raises(ValidationError):
        services.seat_add(actor=system_user(), org=b, member=prob, position="member")
    services.seat_add(actor=system_user(), org=b, member=full[0], position="secretary")
    with pytest.raises(ValidationError) as exc:
        services.seat_add(actor=system_user(), org=b, member=full[1], position="secretary")
    assert "position" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.seat_add(actor=system_user(), org=b, member=full[0], position="deputy")
    assert CommitteeSeat.objects.filter(org=b, is_active=True).count() == 1


def test_election_starts_new_term(tree):
    b = branch(tree, term_start=dt.date(2019, 1, 1))
    ms = members(b, 3, home=tree.house_a1)
    services.seat_add(actor=system_user(), org=b, member=ms[0], position="secretary")
    held = TODAY - dt.timedelta(days=1)
    services.election_record(
        actor=system_user(), org=b, held_on=held, seats=[(ms[1], "secretary"), (ms[2], "organisation")]
    )
    b.refresh_from_db()
    assert b.term_start == held and b.term_end == add_years(held, 5)
    assert set(CommitteeSeat.objects.filter(org=b, is_active=True).values_list("member", flat=True)) == {
        ms[1].pk,
        ms[2].pk,
    }
    with pytest.raises(ValidationError):
        services.election_record(actor=system_user(), org=b, held_on=held, seats=[(ms[1], "member")])


def test_center_household(tree):
    from linli.registry import services as reg

    b = branch(tree)
    m = members(b, 1, home=tree.house_a1)[0]
    household = reg.household_create(actor=system_user(), house=tree.house_a1, head=m.resident)
    center = services.center_household_add(actor=system_user(), member=m, household=household)
    assert center.building == tree.building_a1
    assert list(selectors.centers(tree.users["head_a1"], building=tree.building_a1)) == [center]
    with pytest.raises(ValidationError):
        services.center_household_add(actor=system_user(), member=m, household=household)


# -- reminders ------------------------------------------------------------------------------------------------------


def test_term_reminder_goes_to_the_branch_secretary_once(tree):
    from linli.accounts import services as acc

    b = branch(tree, term_start=add_years(TODAY, -5) + dt.timedelta(days=60))
    m = members(b, 3, home=tree.house_a1)[0]
    services.seat_add(actor=system_user(), org=b, member=m, position="secretary")
    account = acc.user_create(
        actor=system_user(), username="branch_sec", password="Test-pass-2026", home=tree.comm_a1, display_name="支书"
    )
    type(m.resident).objects.filter(pk=m.resident_id).update(account=account)
    far = branch(tree, term_start=TODAY - dt.timedelta(days=10))
    result = tasks.term_reminders.enqueue()
    assert "1 organisations" in result.return_value
    note = Notification.objects.get(user=account, kind=reminders.TERM_KIND)
    assert b.name in note.title and b.term_end.isoformat() in note.body
    assert not Notification.objects.filter(subject=f"party.partyorg:{far.pk}").exists()
    reminders.term_reminders()
    assert Notification.objects.filter(kind=reminders.TERM_KIND).count() == 1


def test_term_reminder_falls_back_to_community_secretary(tree):
    branch(tree, term_start=add_years(TODAY, -5) - dt.timedelta(days=5))
    reminders.term_reminders()
    assert Notification.objects.filter(
        user=tree.users["secretary_a1"], kind=reminders.TERM_KIND, title__contains="overdue"
    ).exists()


def test_branch_terms_five_years_for_community_three_for_other_units(tree):
    """支部工作条例 第六章: 村、社区党支部委员会每届任期5年，其他基层单位党支部委员会一般每届任期3年."""
    start = dt.date(2024, 3, 1)
    compound = branch(tree, term_start=start)
    grid = branch(tree, term_start=start, branch_type="grid")
    company = branch(tree, place=tree.comm_a1, branch_type="property", organisation=tree.property_co, term_start=start)
    other = branch(tree, place=tree.comm_a1, branch_type="other", term_start=start)
    assert (compound.term_end, grid.term_end) == (dt.date(2029, 3, 1), dt.date(2029, 3, 1))
    assert (company.term_end, other.term_end) == (dt.date(2027, 3, 1), dt.date(2027, 3, 1))
    assert committee(tree, tree.comm_a1).term_years == 5
    ms = members(company, 1, home=tree.house_a1)
    held = TODAY - dt.timedelta(days=1)
    services.election_record(actor=system_user(), org=company, held_on=held, seats=[(ms[0], "secretary")])
    company.refresh_from_db()
    assert company.term_end == add_years(held, 3)
    assert CommitteeSeat.objects.get(org=company, is_active=True).term_end == add_years(held, 3)
    services.org_update(actor=system_user(), org=other, term_start=dt.date(2025, 1, 1))
    other.refresh_from_db()
    assert other.term_end == dt.date(2028, 1, 1)


@override_settings(LINLI_PARTY_TERM_YEARS={"property": 4})
def test_branch_term_years_are_configurable_per_branch_type(tree):
    company = branch(
        tree, place=tree.comm_a1, branch_type="property", organisation=tree.property_co, term_start=dt.date(2024, 3, 1)
    )
    assert company.term_end == dt.date(2028, 3, 1)
    assert branch(tree, term_start=dt.date(2024, 3, 1)).term_end == dt.date(2029, 3, 1)  # defaults stay


@override_settings(LINLI_PARTY_TERM_YEARS={"property": 8})
def test_branch_term_years_outside_the_charter_are_refused():
    from django.core.exceptions import ImproperlyConfigured

    from linli.party import conf

    with pytest.raises(ImproperlyConfigured):
        conf.term_years("branch", "property")


def test_term_reminder_cites_the_branch_types_term(tree):
    company = branch(
        tree,
        place=tree.comm_a1,
        branch_type="property",
        organisation=tree.property_co,
        term_start=add_years(TODAY, -3) + dt.timedelta(days=30),
    )
    compound = branch(tree, term_start=add_years(TODAY, -5) + dt.timedelta(days=30))
    reminders.term_reminders()
    notes = Notification.objects.filter(kind=reminders.TERM_KIND)
    company_note = notes.filter(subject=f"party.partyorg:{company.pk}").first()
    compound_note = notes.filter(subject=f"party.partyorg:{compound.pk}").first()
    assert "3-year" in company_note.body and "5-year" not in company_note.body
    assert "5-year" in compound_note.body and "3-year" not in compound_note.body


def test_a_term_recorded_longer_than_the_rule_is_flagged(tree):
    company = branch(
        tree,
        place=tree.comm_a1,
        branch_type="property",
        organisation=tree.property_co,
        term_start=dt.date(2024, 3, 1),
        term_end=dt.date(2029, 3, 1),
    )
    assert "term_long" in codes(company)
    assert "term_long" not in codes(branch(tree, term_start=dt.date(2024, 3, 1)))


# -- 双报到 -----------------------------------------------------------------------------------------------------------


def test_report_and_report_again(tree):
    first = inservice(tree, reported_on=TODAY - dt.timedelta(days=300))
    assert first.first_reported_on == first.reported_on
    again = services.inservice_report(
        actor=tree.users["secretary_a1"],
        resident=first.resident,
        community=tree.comm_a1,
        employer=tree.dept_other,
        skills="医疗",
    )
    assert again.pk == first.pk and again.reported_on == TODAY and again.skills == "医疗"
    assert again.first_reported_on == TODAY - dt.timedelta(days=300)
    assert InServiceMember.objects.count() == 1


def test_report_refusals(tree):
    r = resident(tree.house_a1)
    with pytest.raises(ValidationError) as exc:
        services.inservice_report(actor=system_user(), resident=r, community=tree.compound_a1, employer=tree.dept)
    assert "community" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.inservice_report(
            actor=system_user(),
            resident=r,
            community=tree.comm_a1,
            employer=tree.dept,
            reported_on=TODAY + dt.timedelta(days=2),
        )
    with pytest.raises(PermissionDenied):
        services.inservice_report(
            actor=tree.users["secretary_a1"], resident=r, community=tree.comm_a2, employer=tree.dept
        )
    assert not InServiceMember.objects.exists()


@pytest.mark.parametrize("status", ["masses", "cyl_member", "democratic_party", "non_partisan"])
def test_only_a_party_member_reports_as_an_in_service_member(tree, status):
    """在职党员报到 is for party members (正式 or 预备): a resident whose political status is 群众 (or any other
    non-CPC status) is refused, unless the branch roll has them as a member."""
    r = resident(tree.house_a1, political_status=status)
    with pytest.raises(ValidationError) as exc:
        services.inservice_report(actor=system_user(), resident=r, community=tree.comm_a1, employer=tree.dept)
    assert "resident" in exc.value.message_dict
    assert not InServiceMember.objects.exists()
    probationary = resident(tree.house_a1, political_status="cpc_probationary")
    assert services.inservice_report(
        actor=system_user(), resident=probationary, community=tree.comm_a1, employer=tree.dept
    ).pk
    on_the_roll = members(branch(tree), 1, home=tree.house_a1)[0].resident
    type(on_the_roll).objects.filter(pk=on_the_roll.pk).update(political_status="masses")  # a stale status field
    on_the_roll.refresh_from_db()
    assert services.inservice_report(
        actor=system_user(), resident=on_the_roll, community=tree.comm_a1, employer=tree.dept
    ).pk


def test_stale_members_flagged_with_configurable_months(tree):
    old = inservice(tree, reported_on=TODAY - dt.timedelta(days=200))
    recent = inservice(tree, reported_on=TODAY - dt.timedelta(days=100))
    sec = tree.users["secretary_a1"]
    assert list(selectors.stale_inservice(sec)) == [old]
    assert old.is_stale() and not recent.is_stale()
    with override_settings(LINLI_PARTY_REPORT_STALE_MONTHS=3):
        assert set(selectors.stale_inservice(sec)) == {old, recent}
    reminders.stale_reminders()
    note = Notification.objects.get(user=sec, kind=reminders.STALE_KIND)
    assert old.resident.name in note.body and recent.resident.name not in note.body
    reminders.stale_reminders()
    assert Notification.objects.filter(kind=reminders.STALE_KIND, user=sec).count() == 1


def test_employer_registration(tree):
    reg = services.employer_register(
        actor=tree.users["secretary_a1"],
        organisation=tree.dept,
        community=tree.comm_a1,
        contact_name="王",
        commitments="每季度服务一次",
    )
    assert reg.scope_path == tree.comm_a1.path
    with pytest.raises(ValidationError):
        services.employer_register(actor=system_user(), organisation=tree.dept, community=tree.comm_a1)


def test_posts_claims_and_records(tree):
    sec = tree.users["secretary_a1"]
    post = services.post_create(actor=sec, community=tree.comm_a1, title="政策宣讲员", slots=1)
    a, b = inservice(tree), inservice(tree)
    elsewhere = inservice(tree, community=tree.comm_a2, home=tree.house_a2)
    services.post_claim(actor=sec, post=post, member=a)
    with pytest.raises(ValidationError) as exc:
        services.post_claim(actor=sec, post=post, member=b)
    assert "slots" in str(exc.value)
    with pytest.raises(ValidationError):
        services.post_claim(actor=system_user(), post=post, member=elsewhere)
    rec = services.service_record_add(actor=sec, member=a, date=TODAY, content="宣讲", hours="2.5", post=post)
    assert rec.hours == Decimal("2.5") and rec.source
    services.service_record_add(actor=sec, member=a, date=dt.date(TODAY.year, 1, 1), content="巡逻", hours=1)
    assert selectors.service_hours(a, TODAY.year) == Decimal("3.5")
    assert selectors.service_hours(a.resident, TODAY.year) == Decimal("3.5")
    assert selectors.service_hours(a, TODAY.year - 1) == Decimal("0")
    assert selectors.service_hours_many([a.pk, b.pk], TODAY.year) == {a.pk: Decimal("3.5")}
    for bad in ("0", "25", "abc", "NaN"):
        with pytest.raises(ValidationError) as exc:
            services.service_record_add(actor=sec, member=a, date=TODAY, content="x", hours=bad)
        assert "hours" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.service_record_add(actor=sec, member=a, date=TODAY + dt.timedelta(days=1), content="x", hours=1)
    assert "date" in exc.value.message_dict
    assert ServiceRecord.objects.count() == 2


def test_quarter_bounds():
    assert selectors.quarter_bounds(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert selectors.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        selectors.quarter_bounds(2026, 5)


# -- visibility -----------------------------------------------------------------------------------------------------


def test_visibility_matrix(tree):
    b1 = branch(tree)
    b2 = branch(tree, place=tree.comm_a2)
    m1 = members(b1, 1, home=tree.house_a1)[0]
    m2 = members(b2, 1, home=tree.house_a2)[0]
    ins = inservice(tree)
    u = tree.users
    expect = {
        "district_admin": ({m1, m2}, {ins}),
        "street_a": ({m1, m2}, {ins}),
        "secretary_a1": ({m1}, {ins}),
        "social_a1": ({m1}, {ins}),
        "grid_a": ({m1}, set()),  # the grid covers the building; in-service rows sit at the community
        "head_a1": ({m1}, set()),
        "dept_staff": (set(), {ins}),  # the employer sees its own in-service members
        "dept_other_staff": (set(), set()),
        "property_staff": (set(), set()),
        "resident_a1": (set(), set()),  # not their own record
        "nobody": (set(), set()),
    }
    for name, (want_members, want_ins) in expect.items():
        assert set(selectors.members(u[name])) == want_members, name
        assert set(selectors.inservice(u[name])) == want_ins, name


def test_resident_sees_only_their_own_membership(tree):
    b = branch(tree)
    mine, other = members(b, 2, home=tree.house_a1)
    type(mine.resident).objects.filter(pk=mine.resident_id).update(account=tree.users["resident_a1"])
    assert list(selectors.members(tree.users["resident_a1"])) == [mine]
    assert other not in selectors.members(tree.users["resident_a1"])


def test_community_committee_seats_come_from_its_branches(tree):
    b = branch(tree)
    m = members(b, 1, home=tree.house_a1)[0]
    seat = services.seat_add(actor=system_user(), org=b.parent, member=m, position="secretary")
    assert seat.org == b.parent
    far = members(branch(tree, place=tree.comm_a2), 1, home=tree.house_a2)[0]
    with pytest.raises(ValidationError):
        services.seat_add(actor=system_user(), org=b.parent, member=far, position="member")
    with pytest.raises(ValidationError):
        services.seat_add(actor=system_user(), org=branch(tree), member=m, position="member")


def test_merging_two_residents_with_memberships_never_leaves_two_active(tree):
    from linli.registry import merge

    b1, b2 = branch(tree), branch(tree)
    keep, drop = resident(tree.house_a1, name="张三"), resident(tree.house_a1, name="张三")
    services.member_add(actor=system_user(), org=b1, resident=keep, joined_on=JOINED)
    services.member_add(actor=system_user(), org=b2, resident=drop, joined_on=JOINED)
    with contextlib.suppress(ValidationError):  # refused cleanly is fine too
        merge.merge(actor=system_user(), keep=keep, drop=drop)
    assert PartyMember.objects.filter(resident=keep, is_active=True).count() == 1
