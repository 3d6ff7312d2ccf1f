"""The suggestion waits on a new case; the dispatcher accepts it in one click or dispatches otherwise — both
recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.assistant.models import Decision, Suggestion
from linli.assistant.services import suggestion_accept, suggestion_for
from linli.core.models import AuditLog
from linli.workorders import services as wo
from linli.workorders.models import Case, Category, State

from . import factories as f

pytestmark = pytest.mark.django_db


def test_a_case_gets_its_suggestion_once(tree):
    case = f.case(tree, text="楼道里有人飞线充电，电线从三楼窗户拉下来", category="other")
    s = suggestion_for(case)
    assert suggestion_for(case) == s and Suggestion.objects.filter(case=case).count() == 1
    assert s.category.code == "flying-wire" and s.decision == Decision.PENDING
    assert s.scope_path == case.scope_path and "飞线" in s.reasons


def test_accept_in_one_click_recategorises_and_dispatches(tree):
    case = f.case(tree, text="1栋电梯坏了三天，老人下不了楼", category="other")
    dispatcher = tree.users["dispatcher"]
    s = suggestion_accept(actor=dispatcher, case=case)
    case.refresh_from_db()
    assert s.decision == Decision.ACCEPTED and s.decided_by == dispatcher
    assert case.state == State.DISPATCHED
    assert case.category == Category.objects.get(code="elevator") == s.final_category
    assert case.lead_org == tree.property_co == s.final_organisation
    assert case.events.filter(action="recategorise").exists()
    assert AuditLog.objects.filter(action="suggestion_accept", object_id=str(s.pk)).exists()
    with pytest.raises((ValidationError, PermissionDenied)):
        suggestion_accept(actor=dispatcher, case=case)


def test_dispatching_otherwise_records_the_override(tree, django_capture_on_commit_callbacks):
    case = f.case(tree, text="1栋电梯坏了三天，老人下不了楼", category="elevator")
    suggestion_for(case)
    with django_capture_on_commit_callbacks(execute=True):
        wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.dept)
    s = Suggestion.objects.get(case=case)
    assert s.decision == Decision.OVERRIDDEN
    assert s.final_organisation == tree.dept and s.final_category.code == "elevator"
    assert s.decided_by == tree.users["secretary_a1"]


def test_dispatching_as_suggested_counts_as_accepted(tree, django_capture_on_commit_callbacks):
    case = f.case(tree, text="1栋电梯坏了三天", category="elevator")
    s = suggestion_for(case)
    with django_capture_on_commit_callbacks(execute=True):
        wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=s.organisation)
    s.refresh_from_db()
    assert s.decision == Decision.ACCEPTED


def test_only_the_queue_owner_accepts(tree):
    case = f.case(tree, text="路灯不亮", category="other")
    for name in ("resident_a1", "dept_staff", "grid_a"):
        with pytest.raises(PermissionDenied):
            suggestion_accept(actor=tree.users[name], case=case)
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED
    assert not Suggestion.objects.filter(case=case).exclude(decision=Decision.PENDING).exists()


def test_markup_in_a_stored_case_is_cleaned_not_refused(tree):
    case = f.case(tree, text="<script>alert(1)</script>楼道里有人飞线充电\x00", category="other")
    s = suggestion_for(case)
    assert s.category.code == "flying-wire"
