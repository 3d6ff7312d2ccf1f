"""The organisation's queue (接单) reads its own assignment rows: the queue columns must follow every step."""

import pytest
from django.urls import reverse

from linli.core.permissions import restrict
from linli.workorders import services as wo
from linli.workorders.models import (
    ACTIVE_STATES,
    AssignmentStatus,
    Case,
    CaseAssignment,
    QueueRank,
)
from linli.workorders.selectors import org_queue_assignments

pytestmark = pytest.mark.django_db


def report(tree, title="楼顶违章搭建"):
    return wo.case_create(
        actor=tree.users["resident_a1"],
        place=tree.building_a1,
        case_type="complaint",
        category="illegal-building",
        title=title,
        description="3栋楼顶有人在搭彩钢棚",
    )


def expected(a: CaseAssignment):
    case = a.case
    if case.state not in ACTIVE_STATES or a.status in (AssignmentStatus.WITHDRAWN, AssignmentStatus.RETURNED):
        return QueueRank.OFF, None
    if a.status == AssignmentStatus.PENDING:
        return QueueRank.TO_SIGN, case.sign_due
    return QueueRank.IN_HAND, case.handle_due


def check_all(step: str):
    for a in CaseAssignment.objects.select_related("case"):
        assert (a.queue_rank, a.due_at) == expected(a), (step, a, a.status, a.case.state)


def test_queue_columns_follow_every_step(tree):
    u = tree.users
    case = report(tree)
    wo.case_whistle(actor=u["secretary_a1"], case=case, note="需区级协调")
    wo.case_dispatch(actor=u["dispatcher"], case=case, lead_org=tree.dept_other, co_orgs=[tree.dept])
    check_all("dispatch")
    wo.assignment_sign(actor=u["dept_staff"], case=case)
    check_all("co-sign")
    wo.case_return(actor=u["dept_other_staff"], case=case, reason="不属于本部门职责")
    check_all("return")
    assert not org_queue_assignments(u["dept_other_staff"]).exists()  # returned: out of the old lead's queue
    wo.case_dispatch(actor=u["dispatcher"], case=case, lead_org=tree.dept)
    check_all("re-dispatch")
    wo.case_sign(actor=u["dept_staff"], case=case)
    check_all("sign")
    ext = wo.extension_request(actor=u["dept_staff"], case=case, days=3, reason="需采购配件")
    wo.extension_decide(actor=u["dispatcher"], extension=ext, approve=True)
    check_all("extension")
    wo.case_start(actor=u["dept_staff"], case=case)
    wo.case_complete(actor=u["dept_staff"], case=case, reply="已拆除")
    check_all("complete")
    wo.case_evaluate(actor=u["resident_a1"], case=case, verdict="unsatisfied", reasons=["问题未解决"])
    check_all("reopen")
    assert CaseAssignment.objects.get(case=case, organisation=tree.dept).queue_rank == QueueRank.TO_SIGN
    wo.case_sign(actor=u["dept_staff"], case=case)
    wo.case_complete(actor=u["dept_staff"], case=case, reply="已拆除完毕")
    wo.case_evaluate(actor=u["resident_a1"], case=case, verdict="satisfied")
    check_all("evaluate")
    assert not org_queue_assignments(u["dept_staff"]).exists()

    other = report(tree, title="另一件")
    wo.case_dispatch(actor=u["secretary_a1"], case=other, lead_org=tree.property_co)
    wo.case_cancel(actor=u["secretary_a1"], case=other, reason="居民已自行解决")
    check_all("cancel")


def test_queue_order_and_scope(client, tree):
    u = tree.users
    late, soon, signed = (report(tree, title=t) for t in ("晚", "早", "已签"))
    for c in (late, soon, signed):
        wo.case_dispatch(actor=u["secretary_a1"], case=c, lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=signed)
    Case.objects.filter(pk=soon.pk).update(sign_due=late.sign_due.replace(year=late.sign_due.year - 1))
    wo.sync_queue(Case.objects.get(pk=soon.pk))
    # to sign for first, the nearest signing deadline first (overdue ones lead); then those in hand
    assert [a.case_id for a in org_queue_assignments(u["property_staff"])] == [soon.pk, late.pk, signed.pk]
    # only the organisation's own rows, through the chokepoint
    assert not org_queue_assignments(u["dept_staff"]).exists()
    assert not restrict(CaseAssignment.objects.all(), u["secretary_a1"]).exists()  # not granted: no queue rows
    client.force_login(u["property_staff"])
    resp = client.get(reverse("workorders:org_queue"))
    assert [c.pk for c in resp.context["object_list"]] == [soon.pk, late.pk, signed.pk]
    resp = client.get(reverse("workorders:org_queue"), {"state": "signed"})
    assert [c.pk for c in resp.context["object_list"]] == [signed.pk]
