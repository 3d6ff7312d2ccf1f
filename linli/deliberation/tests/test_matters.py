"""Matter services: raise, agenda, solve on the spot, hand to a work order, put to an owners' vote, decline —
every transition and bad input, nothing half-written; the archive subscriber, redelivered, is idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from linli.core import dates, events
from linli.core.models import AuditLog, OutboxEvent

from .. import handlers, services
from ..models import AgendaItem, Matter, MatterSource, MatterState, Outcome
from . import factories as f

pytestmark = pytest.mark.django_db


def counts():
    return (Matter.objects.count(), AgendaItem.objects.count(), AuditLog.objects.count(), OutboxEvent.objects.count())


def has_chinese(exc, field):
    return any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(exc.value.message_dict[field]))


def test_staff_and_residents_raise_matters(tree):
    m = f.matter(tree)
    assert m.source == MatterSource.STAFF and m.state == MatterState.RAISED and m.compound == tree.compound_a1
    r = f.matter(tree, actor=tree.users["resident_a1"], place=tree.house_a1, title="电梯经常坏")
    assert r.source == MatterSource.RESIDENT and r.compound == tree.compound_a1 and r.scope_path == tree.house_a1.path
    assert OutboxEvent.objects.filter(name="deliberation.matter.raised").count() == 2
    assert AuditLog.objects.filter(object_type="deliberation.matter", action="create").count() == 2


def test_bad_matters_are_refused_and_write_nothing(tree):
    before = counts()
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            f.matter(tree, place=tree.comm_a1)
        assert has_chinese(exc, "place")
        with pytest.raises(ValidationError) as exc:
            f.matter(tree, title="")
        assert has_chinese(exc, "title")
        with pytest.raises(ValidationError) as exc:  # a resident says what it is about
            f.matter(tree, actor=tree.users["resident_a1"], place=tree.house_a1, description="")
        assert has_chinese(exc, "description")
    with pytest.raises(PermissionDenied):  # a resident raises only from their home
        f.matter(tree, actor=tree.users["resident_a1"], place=tree.compound_a1)
    with pytest.raises(PermissionDenied):
        f.matter(tree, actor=tree.users["secretary_a1"], place=tree.building_a2.parent)
    assert counts() == before


def test_agenda_then_solved_on_the_spot(tree):
    sec = tree.users["secretary_a1"]
    matter = f.matter(tree)
    m = f.meeting(tree)
    services.agenda_add(actor=sec, meeting=m, matter=matter)
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.state == MatterState.DISCUSSING
    with pytest.raises(ValidationError) as exc:
        services.agenda_add(actor=sec, meeting=m, matter=matter)
    assert "matter" in exc.value.message_dict
    # not yet held: cannot be solved at it
    with pytest.raises(ValidationError) as exc:
        services.matter_solve(actor=sec, matter=matter, meeting=m, resolution="清理")
    assert "meeting" in exc.value.message_dict
    f.three_seats(tree, m)
    services.meeting_hold(actor=sec, meeting=m, held_on=dates.today(), minutes="纪要")
    other = f.held(tree)
    before = counts()
    with pytest.raises(ValidationError) as exc:  # not on that meeting's agenda
        services.matter_solve(actor=sec, matter=matter, meeting=other, resolution="清理")
    with pytest.raises(ValidationError) as exc:
        services.matter_solve(actor=sec, matter=matter, meeting=m, resolution=" ")
    assert "resolution" in exc.value.message_dict
    assert counts() == before
    matter = services.matter_solve(actor=sec, matter=matter, meeting=m, resolution="物业三日内清理")
    assert matter.state == MatterState.SOLVED and matter.outcome == Outcome.MEETING and matter.solved_at == m
    assert matter.closed_on == dates.today()
    assert AuditLog.objects.filter(action="matter_solve", object_id=str(matter.pk)).exists()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.matter_decline(actor=sec, matter=matter, reason="重复")
    assert has_chinese(exc, "state")


def test_matter_of_another_compound_stays_off_the_agenda(tree):
    admin = tree.users["district_admin"]
    matter = f.matter(tree, actor=admin, place=tree.building_a2.parent)
    m = f.meeting(tree, actor=admin)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.agenda_add(actor=admin, meeting=m, matter=matter)
    assert "matter" in exc.value.message_dict
    assert counts() == before


def test_decline_needs_a_reason(tree):
    sec = tree.users["secretary_a1"]
    matter = f.matter(tree)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.matter_decline(actor=sec, matter=matter, reason="")
    assert "reason" in exc.value.message_dict
    assert counts() == before
    matter = services.matter_decline(actor=sec, matter=matter, reason="属于个人纠纷，已引导调解")
    assert matter.state == MatterState.DECLINED and matter.closed_on == dates.today()
    with pytest.raises(PermissionDenied):
        services.matter_decline(actor=tree.users["grid_a"], matter=f.matter(tree), reason="x")


def test_put_to_an_owners_vote_creates_a_linked_draft_decision(tree):
    from linli.votes.models import Decision, DecisionState

    sec = tree.users["secretary_a1"]
    matter = f.matter(tree)
    before = counts()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.matter_to_vote(actor=sec, matter=matter, matter_type=10)
    assert has_chinese(exc, "matter_type")
    assert counts() == before and not Decision.objects.exists()
    with pytest.raises(PermissionDenied):
        services.matter_to_vote(actor=tree.users["grid_a"], matter=matter, matter_type=8)
    decision = services.matter_to_vote(actor=sec, matter=matter, matter_type=8)
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.state == MatterState.VOTING and matter.decision == decision and matter.is_open
    assert decision.state == DecisionState.DRAFT and decision.title == matter.title and decision.matter_type == 8
    assert decision.compound == matter.compound
    assert OutboxEvent.objects.filter(name="deliberation.matter.to_vote").exists()
    with pytest.raises(ValidationError):
        services.matter_to_vote(actor=sec, matter=matter, matter_type=8)


def test_published_decision_solves_the_matter_once(tree, monkeypatch, django_capture_on_commit_callbacks):
    from linli.votes import services as votes
    from linli.votes.tests import factories as vf

    sec = tree.users["secretary_a1"]
    e = vf.estate(tree, [("100.00", "a"), ("100.00", "b"), ("100.00", "c")])
    matter = f.matter(tree, place=e.compound)
    decision = services.matter_to_vote(actor=sec, matter=matter, matter_type=4)
    opens = dates.today() + dt.timedelta(days=votes.notice_days())
    decision = votes.decision_notice(actor=sec, decision=decision, opens_on=opens, closes_on=opens)
    vf.shift(monkeypatch, opens)
    decision = votes.decision_open(actor=sec, decision=decision)
    for key in ("a", "b"):
        votes.ballot_cast_online(actor=vf.login(e, key), decision=decision, choice="yes")
    decision = votes.decision_close(actor=sec, decision=decision)
    with django_capture_on_commit_callbacks(execute=True):
        decision = votes.decision_publish(actor=sec, decision=decision)
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.state == MatterState.SOLVED and matter.outcome == Outcome.VOTE and decision.passed
    assert matter.closed_on == opens and decision.title in matter.resolution
    row = AuditLog.objects.filter(object_type="deliberation.matter", object_id=str(matter.pk)).latest("pk")
    event = OutboxEvent.objects.filter(name="votes.decision.published").latest("pk")
    n_events = OutboxEvent.objects.count()
    events.deliver_to(
        "votes.decision.published", events.subscriber_name(handlers.on_decision_published), event.payload, event.uuid
    )
    handlers.on_decision_published({"decision_id": decision.pk, "path": decision.scope_path, "passed": True})
    handlers.on_decision_published({})
    assert AuditLog.objects.filter(object_type="deliberation.matter", object_id=str(matter.pk)).latest("pk") == row
    assert OutboxEvent.objects.count() == n_events


def walk_to_archived(tree, case):
    from linli.workorders import services as wo

    u = tree.users
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.dept)
    wo.case_sign(actor=u["dept_staff"], case=case)
    wo.case_start(actor=u["dept_staff"], case=case)
    wo.case_complete(actor=u["dept_staff"], case=case, reply="已清理楼道")
    wo.case_evaluate(actor=u["secretary_a1"], case=case, verdict="satisfied")
    wo.case_archive(actor=u["secretary_a1"], case=case)


def test_hand_over_creates_the_case_and_archiving_solves_the_matter(tree, django_capture_on_commit_callbacks):
    sec = tree.users["secretary_a1"]
    matter = f.matter(tree)
    case = services.matter_hand_over(actor=sec, matter=matter)
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.state == MatterState.HANDED and matter.case == case
    assert case.source == "deliberation" and case.origin == f"deliberation.matter:{matter.pk}"
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.matter_hand_over(actor=sec, matter=matter)
    assert "case" in exc.value.message_dict
    assert counts() == before
    with django_capture_on_commit_callbacks(execute=True):
        walk_to_archived(tree, case)
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.state == MatterState.SOLVED and matter.outcome == Outcome.WORKORDER
    assert matter.resolution == "已清理楼道" and matter.closed_on == dates.today()
    row = AuditLog.objects.filter(object_type="deliberation.matter", object_id=str(matter.pk)).latest("pk")
    assert row.actor is None and "archived" in row.note
    # Redelivery (a retry, a replayed dead letter) through the outbox's delivery path changes nothing.
    event = OutboxEvent.objects.filter(name="workorders.case.archive").latest("pk")
    n_events = OutboxEvent.objects.count()
    events.deliver_to(
        "workorders.case.archive", events.subscriber_name(handlers.on_case_archived), event.payload, event.uuid
    )
    handlers.on_case_archived({"case_id": case.pk})
    assert AuditLog.objects.filter(object_type="deliberation.matter", object_id=str(matter.pk)).latest("pk") == row
    assert OutboxEvent.objects.count() == n_events


def test_archive_of_an_unrelated_case_changes_nothing(tree):
    before = counts()
    handlers.on_case_archived({"case_id": 987654})
    handlers.on_case_archived({})
    assert counts() == before


def test_matter_from_a_work_order(tree):
    from linli.workorders import services as wo

    sec = tree.users["secretary_a1"]
    case = wo.case_create(
        actor=sec,
        category="other",
        title="小区停车难",
        description="晚上没有车位",
        place=tree.building_a1,
        source="counter",
        reporter_name="张三",
    )
    matter = services.matter_raise(actor=sec, place=None, title="停车位规划", from_case=case)
    assert matter.source == MatterSource.WORKORDER and matter.from_case == case and matter.compound == tree.compound_a1
    with pytest.raises(ValidationError):
        services.matter_raise(actor=sec, place=None, title="again", from_case=case)
    with pytest.raises(PermissionDenied):
        services.matter_raise(
            actor=tree.users["secretary_a1"].__class__.objects.get(username="nobody"),
            place=None,
            title="x",
            from_case=case,
        )
