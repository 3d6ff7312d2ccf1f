import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.alliance import services
from linli.alliance.models import Alliance, FundEntry, ItemStatus, Problem, ProblemStatus
from linli.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_one_alliance_per_community_and_only_communities(tree, alliance):
    sec = tree.users["secretary_a1"]
    with pytest.raises(ValidationError) as e:
        services.alliance_create(actor=sec, community=tree.comm_a1)
    assert "community" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.alliance_create(actor=tree.users["street_a"], community=tree.street_a)
    assert Alliance.objects.count() == 1


def test_secretary_creates_in_own_community_only(tree):
    sec = tree.users["secretary_a1"]
    a = services.alliance_create(actor=sec, community=tree.comm_a1)
    assert a.scope_path == tree.comm_a1.path and "雨秀社区" in a.name
    assert AuditLog.objects.filter(object_type="alliance.alliance", action="create").exists()
    with pytest.raises(PermissionDenied):
        services.alliance_create(actor=sec, community=tree.comm_a2)
    with pytest.raises(PermissionDenied):
        services.alliance_create(actor=tree.users["grid_a"], community=tree.comm_a2)


def test_member_twice_refused(tree, alliance):
    with pytest.raises(ValidationError) as e:
        services.member_add(actor=tree.users["secretary_a1"], alliance=alliance, organisation=tree.dept)
    assert "organisation" in e.value.message_dict


def test_meeting_in_future_refused_and_attendees_must_be_members(tree, alliance):
    sec = tree.users["secretary_a1"]
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as e:
        services.meeting_record(
            actor=sec, alliance=alliance, held_on=timezone.localdate() + dt.timedelta(days=1), topic="x"
        )
    assert "held_on" in e.value.message_dict
    other = services.alliance_create(actor=tree.users["street_a"], community=tree.comm_a2)
    stranger = services.member_add(actor=tree.users["street_a"], alliance=other, organisation=tree.dept_other)
    with pytest.raises(ValidationError):
        services.meeting_record(
            actor=sec, alliance=alliance, held_on=timezone.localdate(), topic="x", attendees=[stranger]
        )
    assert AuditLog.objects.count() == before + 2  # only the second alliance and its member
    m = services.meeting_record(
        actor=sec, alliance=alliance, held_on=timezone.localdate(), topic="联席会", attendees=[alliance.m_dept]
    )
    assert list(m.attendees.all()) == [alliance.m_dept]


def test_commitment_items_and_fulfilment_needs_evidence(tree, alliance):
    sec = tree.users["secretary_a1"]
    year = timezone.localdate().year
    c = services.commitment_create(actor=sec, member=alliance.m_ent, year=year, items=["义诊 2 次", " ", "结对帮扶"])
    assert c.items.count() == 2
    with pytest.raises(ValidationError):
        services.commitment_create(actor=sec, member=alliance.m_ent, year=year, items=["again"])
    with pytest.raises(ValidationError):
        services.commitment_create(actor=sec, member=alliance.m_dept, year=year, items=[])
    item = c.items.first()
    with pytest.raises(ValidationError) as e:
        services.commitment_item_update(actor=sec, item=item, status=ItemStatus.FULFILLED, evidence="")
    assert "evidence" in e.value.message_dict
    item = services.commitment_item_update(actor=sec, item=item, status=ItemStatus.FULFILLED, evidence="照片存档")
    assert item.fulfilled_on == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.commitment_item_update(actor=tree.users["grid_a"], item=item, status=ItemStatus.PENDING)


def test_fund_ledger_balance_never_negative_and_append_only(tree, alliance):
    sec = tree.users["secretary_a1"]
    services.fund_entry_add(
        actor=sec, alliance=alliance, kind="raised", amount="1000.50", reason="共建资金", member=alliance.m_ent
    )
    e2 = services.fund_entry_add(actor=sec, alliance=alliance, kind="spent", amount=Decimal("400.25"), reason="器材")
    assert e2.balance_after == Decimal("600.25")
    before = (FundEntry.objects.count(), AuditLog.objects.count())
    for bad in (
        {"kind": "spent", "amount": "600.26", "reason": "too much"},
        {"kind": "raised", "amount": "-5", "reason": "neg"},
        {"kind": "raised", "amount": "1.234", "reason": "cents"},
        {"kind": "raised", "amount": "abc", "reason": "nan"},
        {"kind": "raised", "amount": "NaN", "reason": "nan"},
        {"kind": "gift", "amount": "1", "reason": "kind"},
        {"kind": "raised", "amount": "1", "reason": "  "},
    ):
        with pytest.raises(ValidationError):
            services.fund_entry_add(actor=sec, alliance=alliance, **bad)
    assert (FundEntry.objects.count(), AuditLog.objects.count()) == before
    assert services.fund_totals(alliance) == {
        "raised": Decimal("1000.50"),
        "spent": Decimal("400.25"),
        "balance": Decimal("600.25"),
    }
    with pytest.raises(PermissionError):
        e2.reason = "changed"
        e2.save()
    with pytest.raises(PermissionError):
        FundEntry.objects.filter(pk=e2.pk).update(reason="x")
    with pytest.raises(PermissionError):
        FundEntry.objects.all().delete()
    with pytest.raises(PermissionDenied):
        services.fund_entry_add(
            actor=tree.users["secretary_a1"].__class__.objects.get(username="grid_a"),
            alliance=alliance,
            kind="raised",
            amount="1",
            reason="x",
        )


def test_problem_to_work_order_and_solved(tree, alliance):
    from linli.workorders.models import Case, Source

    sec = tree.users["secretary_a1"]
    p = services.problem_create(
        actor=sec,
        alliance=alliance,
        title="路灯不亮",
        description="3栋路灯坏了",
        place=tree.building_a1,
        raised_by=alliance.m_ent,
    )
    case = services.problem_to_case(actor=sec, problem=p)
    p.refresh_from_db()
    assert p.case_id == case.pk and p.status == ProblemStatus.RECTIFYING
    assert case.source == Source.ALLIANCE and case.origin == f"alliance.problem:{p.pk}"
    assert case.place_id == tree.building_a1.pk
    with pytest.raises(ValidationError):
        services.problem_to_case(actor=sec, problem=p)
    assert Case.objects.count() == 1
    p = services.problem_solve(actor=sec, problem=p, solution="已更换灯具")
    assert p.status == ProblemStatus.SOLVED and p.solved_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.problem_solve(actor=sec, problem=p, solution="again")


def test_problem_bad_input(tree, alliance):
    sec = tree.users["secretary_a1"]
    with pytest.raises(ValidationError) as e:
        services.problem_create(actor=sec, alliance=alliance, title="x", description="y", place=tree.building_a2)
    assert "place" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.problem_create(actor=sec, alliance=alliance, title="", description="y")
    p = services.problem_create(actor=sec, alliance=alliance, title="x", description="y")
    with pytest.raises(ValidationError):
        services.problem_solve(actor=sec, problem=p, solution=" ")
    with pytest.raises(ValidationError):
        services.problem_solve(actor=sec, problem=p, solution="ok", solved_on=p.found_on - dt.timedelta(days=1))
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.OPEN


def test_wishes_partners_projects(tree, alliance):
    sec = tree.users["secretary_a1"]
    claim = services.wish_claim_record(actor=sec, member=alliance.m_ent, title="为独居老人换热水器")
    claim = services.wish_claim_fulfil(actor=sec, claim=claim)
    assert claim.fulfilled_on
    with pytest.raises(ValidationError):
        services.wish_claim_fulfil(actor=sec, claim=claim)
    with pytest.raises(ValidationError):
        services.partner_add(actor=sec, alliance=alliance, organisation=tree.dept)  # a department is no enterprise
    partner = services.partner_add(actor=sec, alliance=alliance, organisation=alliance.enterprise)
    with pytest.raises(ValidationError):
        services.partner_add(actor=sec, alliance=alliance, organisation=alliance.enterprise)
    proj = services.project_add(actor=sec, partner=partner, title="助餐点")
    with pytest.raises(ValidationError) as e:
        services.project_update(actor=sec, project=proj, status="completed")
    assert "finished_on" in e.value.message_dict
    proj = services.project_update(actor=sec, project=proj, status="in_progress")
    assert proj.started_on == timezone.localdate()
