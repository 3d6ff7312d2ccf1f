"""物业纠纷调解: open → sessions → agreement, or a referral (a work order filed through workorders' services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.accounts.testing import system_user
from linli.core.models import AuditLog
from linli.property import mediation
from linli.property.models import MediationCase, MediationState
from linli.registry import services as reg


def dispute(tree, actor="secretary_a1", **kw):
    owner = reg.resident_create(actor=system_user(), name="李明", home=tree.house_a1, phone="13900002222")
    attrs = {
        "compound": tree.compound_a1,
        "owner": owner,
        "company": tree.property_co,
        "subject": "车位收费争议",
        "committee_involved": True,
    }
    attrs.update(kw)
    return mediation.dispute_open(actor=tree.users[actor], **attrs)


def test_session_then_agreement_is_audited(tree):
    case = dispute(tree)
    with pytest.raises(ValidationError):  # no agreement before a session
        mediation.dispute_agree(actor=tree.users["secretary_a1"], case=case, agreement="退还多收费用")
    mediation.session_record(
        actor=tree.users["secretary_a1"], case=case, held_on=dt.date(2026, 11, 3), note="三方到场，陈述意见"
    )
    with pytest.raises(ValidationError):
        mediation.dispute_agree(actor=tree.users["secretary_a1"], case=case, agreement="  ")
    case = mediation.dispute_agree(actor=tree.users["secretary_a1"], case=case, agreement="退还多收费用")
    assert case.state == MediationState.AGREED and case.sessions.count() == 1
    actions = set(AuditLog.objects.filter(object_type="property.mediationcase").values_list("action", flat=True))
    assert {"create", "mediation_session", "mediation_agree"} <= actions
    with pytest.raises(ValidationError):  # closed
        mediation.dispute_refer(actor=tree.users["secretary_a1"], case=case, to="court")


def test_referral_to_a_work_order_files_one(tree):
    case = dispute(tree)
    case = mediation.dispute_refer(
        actor=tree.users["secretary_a1"],
        case=case,
        to="work_order",
        note="地库照明长期损坏",
        category="property-repair",
    )
    assert case.state == MediationState.REFERRED and case.work_order is not None
    assert case.work_order.category.code == "property-repair"


def test_referral_to_people_mediation_and_bad_target(tree):
    case = dispute(tree)
    with pytest.raises(ValidationError):
        mediation.dispute_refer(actor=tree.users["secretary_a1"], case=case, to="mayor")
    assert MediationCase.objects.get().state == MediationState.OPEN
    case = mediation.dispute_refer(actor=tree.users["secretary_a1"], case=case, to="people_mediation")
    assert case.referral == "people_mediation" and case.work_order is None


def test_bad_parties_and_scope(tree):
    before = (MediationCase.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationError):
        dispute(tree, company=tree.dept)
    with pytest.raises(ValidationError):
        dispute(tree, subject="")
    assert MediationCase.objects.count() == before[0]
    with pytest.raises(PermissionDenied):
        dispute(tree, actor="dept_staff")


def test_api_lists_disputes_in_scope(client, tree, token_for):
    case = dispute(tree)
    data = client.get("/api/v1/property/disputes", **token_for("secretary_a1")).json()
    assert [d["id"] for d in data["results"]] == [case.pk]
    assert client.get("/api/v1/property/disputes", **token_for("dept_staff")).json()["count"] == 0
