"""Meeting services: every step, every bad input refused with a translated error and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from linli.core import dates
from linli.core.models import AuditLog, OutboxEvent

from .. import services
from ..models import Kind, Meeting, MeetingPhoto, MeetingState, Participant, Rhythm, Seat
from . import factories as f

pytestmark = pytest.mark.django_db


def counts():
    return (Meeting.objects.count(), Participant.objects.count(), Rhythm.objects.count(), AuditLog.objects.count())


def test_plan_a_meeting_audits_and_publishes(tree):
    m = f.meeting(tree)
    assert m.state == MeetingState.PLANNED and m.scope_path == tree.compound_a1.path
    assert AuditLog.objects.filter(object_type="deliberation.meeting", object_id=str(m.pk), action="create").exists()
    assert OutboxEvent.objects.filter(name="deliberation.meeting.created").count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"compound": "community"}, "compound"),
        ({"kind": "party"}, "kind"),
        ({"title": "  "}, "title"),
        ({"scheduled_on": None}, "scheduled_on"),
        ({"scheduled_on": "far"}, "scheduled_on"),
    ],
)
def test_bad_meeting_input_is_refused_in_chinese_and_writes_nothing(tree, change, field):
    args = {"compound": tree.compound_a1, "kind": Kind.TRIPARTITE, "title": "议事", "scheduled_on": dates.today()}
    if change.get("compound") == "community":
        change = {"compound": tree.comm_a1}
    if change.get("scheduled_on") == "far":
        change = {"scheduled_on": dates.today() + dt.timedelta(days=800)}
    args.update(change)
    before = counts()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.meeting_create(actor=tree.users["secretary_a1"], **args)
    assert field in exc.value.message_dict
    message = " ".join(exc.value.message_dict[field])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert counts() == before


def test_out_of_scope_and_view_only_users_may_not_plan(tree):
    other_compound = tree.building_a2.parent
    for user, compound in (
        ("secretary_a1", other_compound),
        ("grid_a", tree.compound_a1),
        ("resident_a1", tree.compound_a1),
    ):
        with pytest.raises(PermissionDenied):
            f.meeting(tree, actor=tree.users[user], compound=compound)
    assert Meeting.objects.count() == 0


def test_seats_must_match_their_records(tree):
    m = f.meeting(tree)
    sec = tree.users["secretary_a1"]
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.participant_add(actor=sec, meeting=m, seat=Seat.PARTY, name="x", organisation=tree.property_co)
    assert "organisation" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.participant_add(actor=sec, meeting=m, seat="boss", name="x")
    assert "seat" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.participant_add(actor=sec, meeting=m, seat=Seat.PROPERTY, name="", organisation=tree.property_co)
    assert "name" in exc.value.message_dict
    other = f.meeting(tree, compound=tree.building_a2.parent, actor=tree.users["district_admin"])
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.participant_add(
            actor=tree.users["district_admin"],
            meeting=other,
            seat=Seat.PROPERTY,
            name="x",
            organisation=tree.property_co,
        )
    assert "organisation" in exc.value.message_dict
    assert counts() == before


def test_hold_needs_seats_a_past_day_and_known_absentees(tree):
    m = f.meeting(tree)
    sec = tree.users["secretary_a1"]
    with pytest.raises(ValidationError) as exc:
        services.meeting_hold(actor=sec, meeting=m, held_on=dates.today(), minutes="纪要")
    assert "absent" in exc.value.message_dict
    f.three_seats(tree, m)
    before = counts()
    for kwargs, field in (
        ({"held_on": dates.today() + dt.timedelta(days=1), "minutes": "纪要"}, "held_on"),
        ({"held_on": dates.today(), "minutes": ""}, "minutes"),
        ({"held_on": dates.today(), "minutes": "纪要", "absent": [999999]}, "absent"),
        ({"held_on": m.scheduled_on.replace(day=1) - dt.timedelta(days=1), "minutes": "纪要"}, "held_on"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.meeting_hold(actor=sec, meeting=m, **kwargs)
        assert field in exc.value.message_dict
    assert counts() == before
    absent = Participant.objects.get(meeting=m, seat=Seat.COMMITTEE)
    m = services.meeting_hold(actor=sec, meeting=m, held_on=dates.today(), minutes="纪要", absent=[absent.pk])
    assert m.state == MeetingState.HELD and m.held_on == dates.today()
    absent.refresh_from_db()
    assert absent.present is False
    assert AuditLog.objects.filter(action="meeting_hold", object_id=str(m.pk)).exists()
    assert OutboxEvent.objects.filter(name="deliberation.meeting.held").count() == 1
    with pytest.raises(ValidationError):
        services.meeting_hold(actor=sec, meeting=m, held_on=dates.today(), minutes="再来")
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=sec, meeting=m, reason="x")


def test_cancel_needs_a_reason(tree):
    m = f.meeting(tree)
    sec = tree.users["secretary_a1"]
    with pytest.raises(ValidationError) as exc:
        services.meeting_cancel(actor=sec, meeting=m, reason=" ")
    assert "reason" in exc.value.message_dict
    assert Meeting.objects.get(pk=m.pk).state == MeetingState.PLANNED
    m = services.meeting_cancel(actor=sec, meeting=m, reason="台风")
    assert m.state == MeetingState.CANCELLED and m.cancel_reason == "台风"
    with pytest.raises(ValidationError):
        services.participant_add(actor=sec, meeting=m, seat=Seat.PARTY, name="x")


def test_decisions_only_after_the_meeting(tree):
    sec = tree.users["secretary_a1"]
    m = f.meeting(tree)
    item = services.agenda_add(actor=sec, meeting=m, title="停车收费")
    with pytest.raises(ValidationError) as exc:
        services.item_decide(actor=sec, item=item, decision="同意")
    assert "decision" in exc.value.message_dict
    f.three_seats(tree, m)
    services.meeting_hold(actor=sec, meeting=m, held_on=dates.today(), minutes="纪要")
    item = services.item_decide(actor=sec, item=item, decision="同意试行三个月")
    assert item.decision == "同意试行三个月"


def test_photos_are_sanitised_and_bad_files_refused(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = f.meeting(tree)
    sec = tree.users["secretary_a1"]
    with pytest.raises(ValidationError) as exc:
        services.photos_add(actor=sec, meeting=m, files=[])
    assert "photos" in exc.value.message_dict
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        services.photos_add(actor=sec, meeting=m, files=[f.png(), SimpleUploadedFile("x.jpg", b"<html>", "image/jpeg")])
    assert MeetingPhoto.objects.count() == 0
    (photo,) = services.photos_add(actor=sec, meeting=m, files=[f.png()])
    assert photo.content_type.startswith("image/") and photo.size > 0


def test_rhythm_is_one_row_per_compound_and_kind(tree):
    sec = tree.users["secretary_a1"]
    with pytest.raises(ValidationError) as exc:
        services.rhythm_set(actor=sec, compound=tree.compound_a1, kind=Kind.TRIPARTITE, interval_months=5)
    assert "interval_months" in exc.value.message_dict
    services.rhythm_set(actor=sec, compound=tree.compound_a1, kind=Kind.TRIPARTITE, interval_months=2)
    r = services.rhythm_set(actor=sec, compound=tree.compound_a1, kind=Kind.TRIPARTITE, interval_months=3)
    assert Rhythm.objects.count() == 1 and r.interval_months == 3
    with pytest.raises(PermissionDenied):
        services.rhythm_set(actor=tree.users["grid_a"], compound=tree.compound_a1, kind=Kind.JOINT, interval_months=1)
