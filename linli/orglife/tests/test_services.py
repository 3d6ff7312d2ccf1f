"""Recording organisational life: the 条例's rules, bad input changing nothing, permissions in and out of scope."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.core import dates
from linli.core.models import AuditLog
from linli.orglife import services
from linli.orglife.models import Attendance, Kind, Meeting, MeetingPhoto, Resolution, Status

pytestmark = pytest.mark.django_db


def png(name="p.png", size=(20, 10)):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def yesterday():
    return dates.today() - dt.timedelta(days=1)


def assembly(party, actor, present: int, **kw):
    att = {m.pk: ("present" if i < present else "absent") for i, m in enumerate(party.full)}
    return services.meeting_record(
        actor=actor,
        org=party.branch,
        kind=Kind.GENERAL_ASSEMBLY,
        held_on=yesterday(),
        topic="支部党员大会",
        attendance=att,
        **kw,
    )


def test_general_assembly_expects_the_full_members(party, secretary):
    m = assembly(party, secretary, present=15)
    assert (m.entitled_count, m.present_count, m.quorum_met) == (21, 15, True)
    assert Attendance.objects.filter(meeting=m).count() == 21
    assert Attendance.objects.filter(meeting=m, status="absent").count() == 6
    assert AuditLog.objects.filter(object_type="orglife.meeting", object_id=str(m.pk), action="create").exists()


@pytest.mark.parametrize(("yes", "passed"), [(10, False), (11, True)])
def test_resolution_needs_yes_from_more_than_half_of_expected(party, secretary, yes, passed):
    """21 expected, 15 present: 10 yes is a majority of those present but not of 应到 → failed."""
    m = assembly(
        party,
        secretary,
        present=15,
        resolutions=[{"title": "关于接收预备党员的决议", "yes": yes, "no": 15 - yes, "abstain": 0}],
    )
    res = Resolution.objects.get(meeting=m)
    assert (res.base, res.passed) == (21, passed)


def test_vote_without_quorum_is_refused_with_a_clear_message(party, secretary):
    before = (Meeting.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationError) as exc:
        assembly(party, secretary, present=10, resolutions=[{"title": "决议", "yes": 10, "no": 0, "abstain": 0}])
    text = " ".join(exc.value.message_dict["resolutions"])
    assert "10" in text and "21" in text and "11" in text
    assert (Meeting.objects.count(), AuditLog.objects.count()) == before
    # Recorded without a vote, the meeting has no quorum, and a later vote is refused too.
    m = assembly(party, secretary, present=10)
    assert m.quorum_met is False
    with pytest.raises(ValidationError):
        services.resolution_add(actor=secretary, meeting=m, title="决议", yes=10, no=0, abstain=0)


def test_more_votes_than_present_refused(party, secretary):
    with pytest.raises(ValidationError) as exc:
        assembly(party, secretary, present=12, resolutions=[{"title": "决议", "yes": 12, "no": 1, "abstain": 0}])
    assert "resolutions" in exc.value.message_dict


def test_future_meeting_cannot_be_recorded_as_held(party, secretary):
    tomorrow = dates.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            actor=secretary,
            org=party.branch,
            kind=Kind.THEME_DAY,
            held_on=tomorrow,
            topic="x",
            attendance={party.full[0].pk: "present"},
        )
    assert "held_on" in exc.value.message_dict
    assert Meeting.objects.count() == 0
    planned = services.meeting_record(
        actor=secretary,
        org=party.branch,
        kind=Kind.THEME_DAY,
        held_on=tomorrow,
        topic="计划中的主题党日",
        status=Status.PLANNED,
    )
    assert planned.status == Status.PLANNED
    with pytest.raises(ValidationError):
        services.meeting_mark_held(actor=secretary, meeting=planned, attendance={})


def test_attendance_above_expected_refused(party, secretary):
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            actor=secretary, org=party.branch, kind=Kind.COMMITTEE, held_on=yesterday(), topic="支委会", present_count=6
        )
    assert "attendance" in exc.value.message_dict
    assert Meeting.objects.count() == 0


def test_non_member_attendee_refused(party, secretary):
    # A member of another branch is not entitled. (A probationary member at a 党员大会 attends without a vote, 列席:
    # test_observers.py.)
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            actor=secretary,
            org=party.branch,
            kind=Kind.GENERAL_ASSEMBLY,
            held_on=yesterday(),
            topic="x",
            attendance={party.full[0].pk: "present", party.outsider.pk: "present"},
        )
    assert "attendance" in exc.value.message_dict
    assert Meeting.objects.count() == 0 and Attendance.objects.count() == 0


def test_committee_quorum_counts_seats(party, secretary):
    att = {m.pk: "present" for m in party.committee[:3]}
    m = services.meeting_record(
        actor=secretary, org=party.branch, kind=Kind.COMMITTEE, held_on=yesterday(), topic="支委会", attendance=att
    )
    assert (m.entitled_count, m.present_count, m.quorum_met) == (5, 3, True)
    att = {m.pk: "present" for m in party.committee[:2]}
    m2 = services.meeting_record(
        actor=secretary, org=party.branch, kind=Kind.COMMITTEE, held_on=yesterday(), topic="支委会", attendance=att
    )
    assert m2.quorum_met is False
    # A non-committee member is not entitled to a committee meeting.
    with pytest.raises(ValidationError):
        services.meeting_record(
            actor=secretary,
            org=party.branch,
            kind=Kind.COMMITTEE,
            held_on=yesterday(),
            topic="支委会",
            attendance={party.full[10].pk: "present"},
        )


def test_group_meeting_only_for_groups_and_their_members(party, secretary):
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            actor=secretary, org=party.branch, kind=Kind.GROUP_MEETING, held_on=yesterday(), topic="x", attendance={}
        )
    assert "kind" in exc.value.message_dict
    m = services.meeting_record(
        actor=secretary,
        org=party.group,
        kind=Kind.GROUP_MEETING,
        held_on=yesterday(),
        topic="党小组会",
        attendance={party.group_members[0].pk: "present"},
    )
    assert m.entitled_count == 4 and m.present_count == 1


def test_theme_day_expects_every_member_and_keeps_photos_without_exif(party, secretary):
    att = {m.pk: "present" for m in party.full + party.probationary}
    att[party.full[3].pk] = ("leave", "出差")
    m = services.meeting_record(
        actor=secretary,
        org=party.branch,
        kind=Kind.THEME_DAY,
        held_on=yesterday(),
        topic="主题党日",
        attendance=att,
        photo_files=[png()],
    )
    assert (m.entitled_count, m.present_count) == (23, 22)
    assert Attendance.objects.get(meeting=m, member=party.full[3]).reason == "出差"
    photo = MeetingPhoto.objects.get(meeting=m)
    assert photo.content_type == "image/png" and photo.size > 0


def test_a_meeting_photo_loses_its_gps_and_comment(party, secretary):
    """The JPEG comment once survived re-encoding here (only workorders cleared it); one sanitiser now."""
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    buf = io.BytesIO()
    Image.new("RGB", (30, 20)).save(buf, "JPEG", exif=exif, comment=b"secretary's home")
    m = services.meeting_record(
        actor=secretary,
        org=party.branch,
        kind=Kind.THEME_DAY,
        held_on=yesterday(),
        topic="主题党日",
        attendance={},
        photo_files=[SimpleUploadedFile("IMG_1.jpg", buf.getvalue(), content_type="image/jpeg")],
    )
    photo = MeetingPhoto.objects.get(meeting=m)
    with photo.file.open("rb") as fh:
        data = fh.read()
    assert photo.original_name == "IMG_1.jpg" and photo.content_type == "image/jpeg"
    assert b"PhoneMaker" not in data and b"Exif" not in data and b"secretary's home" not in data


def test_fake_photo_refused_and_nothing_written(party, secretary):
    fake = SimpleUploadedFile("evil.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            actor=secretary,
            org=party.branch,
            kind=Kind.THEME_DAY,
            held_on=yesterday(),
            topic="x",
            attendance={},
            photo_files=[fake],
        )
    assert "photos" in exc.value.message_dict
    assert Meeting.objects.count() == 0 and MeetingPhoto.objects.count() == 0


def test_permissions_in_and_out_of_scope(party, tree):
    kwargs = {"kind": Kind.THEME_DAY, "held_on": yesterday(), "topic": "x", "attendance": {}}
    services.meeting_record(actor=tree.users["street_a"], org=party.branch, **kwargs)
    services.meeting_record(actor=tree.users["district_admin"], org=party.branch_b, **kwargs)
    for name in ("secretary_a1", "social_a1", "grid_a", "resident_a1", "dept_staff", "nobody"):
        with pytest.raises(PermissionDenied):
            services.meeting_record(actor=tree.users[name], org=party.branch_b, **kwargs)
    for name in ("social_a1", "grid_a", "resident_a1"):
        with pytest.raises(PermissionDenied):
            services.meeting_record(actor=tree.users[name], org=party.branch, **kwargs)


def test_talk_between_two_members(party, secretary):
    t = services.talk_record(
        actor=secretary,
        org=party.branch,
        held_on=yesterday(),
        member_a=party.full[0],
        member_b=party.full[1],
        topic="谈心",
    )
    assert t.scope_path == party.branch.scope_path
    with pytest.raises(ValidationError):
        services.talk_record(
            actor=secretary,
            org=party.branch,
            held_on=yesterday(),
            member_a=party.full[0],
            member_b=party.full[0],
            topic="谈心",
        )
    with pytest.raises(ValidationError):
        services.talk_record(
            actor=secretary,
            org=party.branch,
            held_on=yesterday(),
            member_a=party.outsider,
            member_b=party.full[0],
            topic="谈心",
        )


def test_evaluation_walks_its_stages_to_a_grade_per_member(party, secretary):
    from linli.orglife.models import EvalState

    year = dates.today().year
    ev = services.evaluation_start(actor=secretary, org=party.branch, year=year)
    entries = list(ev.entries.all())
    assert len(entries) == 23 and ev.state == EvalState.SELF_REVIEW
    services.evaluation_entry_update(actor=secretary, entry=entries[0], self_assessment="认真学习")
    with pytest.raises(ValidationError):  # grades are given at the poll, not during self-assessment
        services.evaluation_entry_update(actor=secretary, entry=entries[0], grade="excellent")
    with pytest.raises(ValidationError):  # skipping a stage
        services.evaluation_advance(actor=secretary, evaluation=ev, step="rate")
    ev = services.evaluation_advance(actor=secretary, evaluation=ev, step="start_peer_review")
    services.evaluation_entry_update(actor=secretary, entry=entries[0], peer_comments="好")
    ev = services.evaluation_advance(actor=secretary, evaluation=ev, step="start_poll")
    with pytest.raises(ValidationError):  # more poll votes than members
        services.evaluation_entry_update(actor=secretary, entry=entries[0], votes_qualified=30)
    with pytest.raises(ValidationError) as exc:  # not everyone graded yet
        services.evaluation_advance(actor=secretary, evaluation=ev, step="rate")
    assert "23" in " ".join(exc.value.messages)
    for e in entries:
        services.evaluation_entry_update(actor=secretary, entry=e, votes_qualified=20, grade="qualified")
    ev = services.evaluation_advance(actor=secretary, evaluation=ev, step="rate")
    assert ev.state == EvalState.RATED and ev.rated_on == dates.today()
    with pytest.raises(ValidationError):
        services.evaluation_start(actor=secretary, org=party.branch, year=year)
    with pytest.raises(PermissionDenied):
        services.evaluation_advance(actor=tree_user(party, "social_a1"), evaluation=ev, step="rate")


def test_evaluation_cannot_be_rated_without_poll_votes(party, secretary):
    """评定 needs the 民主测评 done: a grade needs the member's poll votes, the evaluation is not rated while a member
    has none, and no grade is ever suggested without votes (it used to default)."""
    from linli.orglife.models import EvalState

    ev = services.evaluation_start(actor=secretary, org=party.branch, year=dates.today().year)
    ev = services.evaluation_advance(actor=secretary, evaluation=ev, step="start_peer_review")
    ev = services.evaluation_advance(actor=secretary, evaluation=ev, step="start_poll")
    entries = list(ev.entries.all())
    with pytest.raises(ValidationError) as exc:  # a grade with no votes behind it
        services.evaluation_entry_update(actor=secretary, entry=entries[0], grade="excellent")
    assert "grade" in exc.value.message_dict
    assert services.suggested_grade(entries[0]) == ""
    # Grades written straight to the rows (an import, an old client) still do not get past 评定 without votes.
    ev.entries.update(grade="excellent")
    with pytest.raises(ValidationError) as exc:
        services.evaluation_advance(actor=secretary, evaluation=ev, step="rate")
    assert "23" in " ".join(exc.value.messages)
    ev.refresh_from_db()
    assert ev.state == EvalState.POLL
    for e in entries[1:]:
        services.evaluation_entry_update(actor=secretary, entry=e, votes_qualified=12, votes_excellent=3)
    with pytest.raises(ValidationError):  # one member still has no votes
        services.evaluation_advance(actor=secretary, evaluation=ev, step="rate")
    services.evaluation_entry_update(actor=secretary, entry=entries[0], votes_basic=10, grade="basic")
    assert services.suggested_grade(ev.entries.get(pk=entries[1].pk)) == "qualified"
    ev = services.evaluation_advance(actor=secretary, evaluation=ev, step="rate")
    assert ev.state == EvalState.RATED


def tree_user(party, name):
    return party.tree.users[name]
