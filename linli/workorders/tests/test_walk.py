"""The closed loop through the services: report → whistle → dispatch (lead + co) → sign → handle → complete →
不满意 → re-done → 满意 → archived; plus refusals, deadlines and concurrency."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.permissions import restrict
from linli.workorders import services as wo
from linli.workorders.models import Case, CaseAssignment, Category, State

pytestmark = pytest.mark.django_db


def report(tree, **kw):
    kw.setdefault("category", "illegal-building")
    kw.setdefault("description", "3栋楼顶有人在搭彩钢棚")
    return wo.case_create(
        actor=tree.users["resident_a1"], title="楼顶违章搭建", place=tree.building_a1, case_type="complaint", **kw
    )


def test_full_loop_with_reopen(tree):
    u = tree.users
    case = report(tree)
    assert case.state == State.ACCEPTED and case.number.endswith(f"{case.pk:06d}")
    assert wo.allowed_actions(case, u["secretary_a1"]) == ["whistle", "dispatch", "cancel", "merge"]
    assert wo.allowed_actions(case, u["resident_a1"]) == ["cancel"]

    wo.case_whistle(actor=u["secretary_a1"], case=case, note="涉及违建拆除，需城管执法")
    assert case.level == "district"
    # The community no longer dispatches it; the dispatch centre does.
    assert "dispatch" not in wo.allowed_actions(case, u["secretary_a1"])
    wo.case_dispatch(actor=u["dispatcher"], case=case, lead_org=tree.dept_other, co_orgs=[tree.dept])
    assert case.state == State.DISPATCHED and case.sign_due and case.handle_due
    assert set(CaseAssignment.objects.filter(case=case).values_list("organisation_id", "role")) == {
        (tree.dept_other.pk, "lead"),
        (tree.dept.pk, "co"),
    }
    # Both departments see it in their queue; another community's secretary does not.
    assert restrict(Case.objects.all(), u["dept_staff"]).filter(pk=case.pk).exists()
    assert restrict(Case.objects.all(), u["dept_other_staff"]).filter(pk=case.pk).exists()
    assert not restrict(Case.objects.all(), u["property_staff"]).filter(pk=case.pk).exists()

    # The co-handler may not sign for the lead.
    with pytest.raises(wo.TransitionRefused):
        wo.case_sign(actor=u["dept_staff"], case=case)
    wo.assignment_sign(actor=u["dept_staff"], case=case)
    wo.case_sign(actor=u["dept_other_staff"], case=case)
    wo.case_start(actor=u["dept_other_staff"], case=case)
    wo.case_note(actor=u["dept_staff"], case=case, note="住建局已核查产权")
    wo.case_complete(actor=u["dept_other_staff"], case=case, reply="已责令拆除")
    assert case.state == State.COMPLETED

    wo.case_evaluate(actor=u["resident_a1"], case=case, verdict="unsatisfied", reasons=["问题未解决"])
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and case.reopen_count == 1 and case.ever_unsatisfied
    wo.case_sign(actor=u["dept_other_staff"], case=case)
    wo.case_complete(actor=u["dept_other_staff"], case=case, reply="已拆除完毕，现场恢复")
    wo.case_evaluate(actor=u["resident_a1"], case=case, verdict="satisfied")
    assert case.state == State.EVALUATED and case.verdict.code == "satisfied"
    wo.case_archive(actor=u["dispatcher"], case=case)
    assert case.state == State.ARCHIVED
    actions = list(case.events.values_list("action", flat=True))
    assert actions == [
        "create",
        "whistle",
        "dispatch",
        "co_sign",
        "sign",
        "start",
        "note",
        "complete",
        "reopen",
        "sign",
        "complete",
        "evaluate",
        "archive",
    ]


def test_transition_not_allowed_names_the_allowed_ones(tree):
    case = report(tree)
    with pytest.raises(wo.TransitionRefused) as err:
        wo.case_complete(actor=tree.users["secretary_a1"], case=case, reply="x")
    assert err.value.allowed == ["whistle", "dispatch", "cancel", "merge"]


def test_reopen_limit_makes_the_verdict_final(tree, settings):
    settings.LINLI_WORKORDER_MAX_REOPENS = 1
    u = tree.users
    case = report(tree)
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
    for _round in range(2):
        wo.case_sign(actor=u["property_staff"], case=case)
        wo.case_complete(actor=u["property_staff"], case=case, reply="已处理")
        wo.case_evaluate(actor=u["resident_a1"], case=case, verdict="unsatisfied")
    assert case.state == State.EVALUATED and case.reopen_count == 1


def test_community_handles_itself_without_lead(tree):
    u = tree.users
    case = report(tree, category="neighbour-dispute")
    wo.case_dispatch(actor=u["social_a1"], case=case)
    wo.case_sign(actor=u["secretary_a1"], case=case)
    assert case.state == State.SIGNED


def test_deadlines_are_working_days(tree):
    case = report(tree)  # complaint: 1 + 10 working days
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    from linli.core.workdays import deadline

    assert case.handle_due == deadline(case.dispatched_at, 10)
    assert case.sign_due == deadline(case.dispatched_at, 1)


def test_bad_input_changes_nothing(tree):
    before = Case.objects.count()
    with pytest.raises(ValidationError):
        report(tree, description="x" * 4001)
    with pytest.raises(ValidationError):
        report(tree, category="no-such")
    with pytest.raises(PermissionDenied):
        wo.case_create(
            actor=tree.users["resident_a1"], category="noise", title="t", description="d", place=tree.building_b1
        )  # another street
    assert Case.objects.count() == before


def test_resident_sees_only_own_reports_and_confidential_reporter_is_hidden(tree):
    from linli.workorders import policy

    case = report(tree, confidentiality="confidential")
    other = wo.case_create(
        actor=tree.users["secretary_a1"],
        category="noise",
        title="噪音",
        description="夜间施工",
        place=tree.building_a1,
        source="patrol",
    )
    seen = restrict(Case.objects.all(), tree.users["resident_a1"])
    assert case in seen and other not in seen
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    assert not policy.sees_reporter(case, tree.users["property_staff"])
    assert policy.sees_reporter(case, tree.users["secretary_a1"])


def test_extension_before_deadline_and_decision(tree):
    u = tree.users
    case = report(tree)
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=case)
    old = case.handle_due
    ext = wo.extension_request(actor=u["property_staff"], case=case, days=3, reason="需采购配件")
    with pytest.raises(ValidationError):
        wo.extension_request(actor=u["property_staff"], case=case, days=2, reason="again")
    with pytest.raises(PermissionDenied):
        wo.extension_decide(actor=u["property_staff"], extension=ext, approve=True)
    wo.extension_decide(actor=u["secretary_a1"], extension=ext, approve=True)
    case.refresh_from_db()
    assert case.handle_due > old
    # Past the deadline an extension can no longer be asked for.
    Case.objects.filter(pk=case.pk).update(handle_due=timezone.now() - dt.timedelta(hours=1))
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        wo.extension_request(actor=u["property_staff"], case=case, days=1, reason="late")


def test_stale_copy_loses(tree):
    """Two people acting on one case: the second, holding a stale copy, is refused."""
    u = tree.users
    case = report(tree)
    stale = Case.objects.get(pk=case.pk)
    wo.case_cancel(actor=u["resident_a1"], case=case, reason="已自行解决")
    with pytest.raises(wo.TransitionRefused):
        wo.case_dispatch(actor=u["secretary_a1"], case=stale, lead_org=tree.property_co)
    assert Case.objects.get(pk=case.pk).state == State.CANCELLED


def test_categories_seeded():
    assert Category.objects.filter(code="flying-wire", name="飞线充电").exists()
