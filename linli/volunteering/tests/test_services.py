import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core import events
from linli.core.models import AuditLog
from linli.volunteering import selectors, services
from linli.volunteering.models import (
    ActivityStatus,
    CodeUse,
    ServiceRecord,
    SignUp,
    SignUpStatus,
    StarAward,
    StarStatus,
    Volunteer,
)

from .conftest import started

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted on their English msgids (the catalogue translates them to Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- registration -----------------------------------------------------------------------------------------


def test_register_numbers_and_no_personal_numbers_copied(tree, make_volunteer, me):
    v1, v2 = make_volunteer(), make_volunteer()
    year = timezone.localdate().year
    assert {me.number, v1.number, v2.number} == {f"YS{year}00001", f"YS{year}00002", f"YS{year}00003"}
    assert me.community == tree.comm_a1 and me.scope_path == tree.house_a1.path
    field_names = {f.name for f in Volunteer._meta.get_fields()}
    assert not field_names & {"id_number", "phone", "id_cipher", "phone_cipher", "id_masked", "name"}


def test_register_refuses_twice_child_and_out_of_scope(tree, make_resident, me):
    with pytest.raises(ValidationError):
        services.volunteer_register(actor=tree.users["secretary_a1"], resident=me.resident)
    child = make_resident(birth=timezone.localdate().replace(year=timezone.localdate().year - 10))
    with pytest.raises(ValidationError) as exc:
        services.volunteer_register(actor=tree.users["secretary_a1"], resident=child)
    assert "resident" in exc.value.message_dict
    other = make_resident(home=tree.house_b1)
    with pytest.raises(PermissionDenied):
        services.volunteer_register(actor=tree.users["secretary_a1"], resident=other)
    with pytest.raises(PermissionDenied):  # a resident may register only themself
        services.volunteer_register(actor=tree.users["resident_a1"], resident=make_resident())
    assert Volunteer.objects.count() == 1


def test_unknown_skill_refused(tree, make_resident):
    with pytest.raises(ValidationError) as exc:
        services.volunteer_register(actor=tree.users["secretary_a1"], resident=make_resident(), skills=["flying"])
    assert "skills" in exc.value.message_dict
    assert not Volunteer.objects.exists()


def test_team_leader_and_duty_rhythm(tree, make_volunteer):
    actor = tree.users["secretary_a1"]
    v = make_volunteer()
    team = services.team_create(actor=actor, community=tree.comm_a1, name="文明创建督查队", kind="inspection", leader=v)
    assert team.leader == v and team.members.count() == 1
    with pytest.raises(ValidationError):
        services.team_member_remove(actor=actor, member=team.members.get())
    services.duty_log_add(actor=actor, team=team, kind="daily", on=timezone.localdate(), findings="楼道堆物3处")
    rhythm = {r["kind"]: r["done"] for r in selectors.rhythm(team)}
    assert rhythm == {"daily": True, "weekly": False, "monthly": False}
    with pytest.raises(ValidationError):
        services.duty_log_add(
            actor=actor, team=team, kind="weekly", on=timezone.localdate() + dt.timedelta(days=1), findings="x"
        )
    with pytest.raises(PermissionDenied):
        services.team_create(actor=tree.users["secretary_a1"], community=tree.comm_b1, name="x", kind="patrol")


# --- activities: risk, sign-up, waiting list, overlap, age ---------------------------------------------


def test_risky_activity_needs_insurance_to_publish_and_close(tree, make_activity):
    actor = tree.users["secretary_a1"]
    a = make_activity(is_risky=True, publish=False)
    with pytest.raises(ValidationError) as exc:
        services.activity_publish(actor=actor, activity=a)
    assert "insurance_confirmed" in exc.value.message_dict
    a.refresh_from_db()
    assert a.status == ActivityStatus.DRAFT
    services.activity_update(actor=actor, activity=a, insurance_confirmed=True, insurance_note="人保 PICC-1")
    services.activity_publish(actor=actor, activity=a)
    with pytest.raises(ValidationError):
        services.activity_update(actor=actor, activity=a, insurance_confirmed=False)
    services.activity_close_signup(actor=actor, activity=a)
    a.refresh_from_db()
    assert a.status == ActivityStatus.CLOSED


def test_waiting_list_promotion_on_cancellation(tree, make_activity, make_volunteer, me):
    a = make_activity(slots=1)
    first = services.signup_create(actor=tree.users["resident_a1"], activity=a)
    second = services.signup_create(actor=tree.users["secretary_a1"], activity=a, volunteer=make_volunteer())
    third = services.signup_create(actor=tree.users["secretary_a1"], activity=a, volunteer=make_volunteer())
    assert (first.status, second.status, third.status) == ("confirmed", "waiting", "waiting")
    services.signup_cancel(actor=tree.users["resident_a1"], signup=first)
    second.refresh_from_db(), third.refresh_from_db()
    assert second.status == SignUpStatus.CONFIRMED and third.status == SignUpStatus.WAITING
    with pytest.raises(ValidationError):
        services.signup_cancel(actor=tree.users["resident_a1"], signup=first)
    # signing up again after cancelling is allowed: back of the queue
    again = services.signup_create(actor=tree.users["resident_a1"], activity=a)
    assert again.status == SignUpStatus.WAITING


def test_overlap_refused(tree, make_activity, me):
    a = make_activity(start_in=dt.timedelta(days=2))
    b = make_activity(start_in=dt.timedelta(days=2, hours=1), title="义诊")
    c = make_activity(start_in=dt.timedelta(days=2, hours=3), title="后一场")  # starts when a ends
    user = tree.users["resident_a1"]
    services.signup_create(actor=user, activity=a)
    with pytest.raises(ValidationError) as exc:
        services.signup_create(actor=user, activity=b)
    assert "小区清洁日" in exc.value.messages[0]
    assert not SignUp.objects.filter(activity=b).exists()
    services.signup_create(actor=user, activity=c)


def test_age_limits_and_not_open(tree, make_activity, make_volunteer, me):
    staff = tree.users["secretary_a1"]
    a = make_activity(min_age=18, max_age=35)
    with pytest.raises(ValidationError) as exc:
        services.signup_create(actor=tree.users["resident_a1"], activity=a)  # born 1985
    assert "18" in exc.value.messages[0]
    young = make_volunteer(birth=timezone.localdate().replace(year=timezone.localdate().year - 25))
    assert services.signup_create(actor=staff, activity=a, volunteer=young).status == "confirmed"
    draft = make_activity(publish=False)
    with pytest.raises(ValidationError):
        services.signup_create(actor=tree.users["resident_a1"], activity=draft)


def test_signing_up_someone_else_needs_staff(tree, make_activity, make_volunteer, me):
    a = make_activity()
    with pytest.raises(PermissionDenied):
        services.signup_create(actor=tree.users["resident_a1"], activity=a, volunteer=make_volunteer())
    with pytest.raises(PermissionDenied):  # grid workers see activities but do not run them
        services.signup_create(actor=tree.users["grid_a"], activity=a, volunteer=me)


# --- check-in by code ------------------------------------------------------------------------------------


@pytest.fixture
def running(tree, make_activity, me):
    a = make_activity(length=dt.timedelta(hours=2))
    services.signup_create(actor=tree.users["resident_a1"], activity=a)
    return started(a, ago=dt.timedelta(minutes=10))


def _code(tree, activity, action="in"):
    return services.checkin_code(actor=tree.users["secretary_a1"], activity=activity, action=action)[0]


def test_code_check_in_and_out(tree, running):
    user = tree.users["resident_a1"]
    s = services.check_by_code(actor=user, code=_code(tree, running))
    assert s.checked_in_at and s.checked_in_by == "code"
    s = services.check_by_code(actor=user, code=_code(tree, running, "out"))
    assert s.checked_out_at and s.claimed_hours is not None


def test_replayed_code_refused(tree, running):
    user = tree.users["resident_a1"]
    code = _code(tree, running)
    services.check_by_code(actor=user, code=code)
    with pytest.raises(ValidationError) as exc:
        services.check_by_code(actor=user, code=code)
    assert "already been used" in exc.value.messages[0]
    assert CodeUse.objects.count() == 1


def test_expired_code_refused_by_clock(tree, running, settings, monkeypatch):
    import time

    code = _code(tree, running)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 61)
    with pytest.raises(ValidationError) as exc:
        services.check_by_code(actor=tree.users["resident_a1"], code=code)
    assert "expired" in exc.value.messages[0]
    monkeypatch.setattr(time, "time", real)
    assert not SignUp.objects.filter(checked_in_at__isnull=False).exists()


def test_code_scanned_in_time_may_be_confirmed_within_the_grace(tree, running, monkeypatch):
    """A code the server saw valid when scanned stays good for the sign-in grace; never longer, never unscanned."""
    import time

    from django.utils import timezone

    code = _code(tree, running)
    scanned = timezone.now()
    real_time, real_now = time.time, timezone.now

    def later(seconds):
        monkeypatch.setattr(time, "time", lambda: real_time() + seconds)
        monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(seconds=seconds))

    later(90)
    with pytest.raises(ValidationError):
        services.read_code(code)  # not scanned: expired
    with pytest.raises(ValidationError):
        services.read_code(code, scanned_at=scanned - dt.timedelta(seconds=120))  # "scanned" before it existed
    later(services.scan_grace_seconds() + 5)
    with pytest.raises(ValidationError):
        services.read_code(code, scanned_at=scanned)  # past the grace
    later(90)
    signup = services.check_by_code(actor=tree.users["resident_a1"], code=code, scanned_at=scanned)
    assert signup.checked_in_by == "code"


def test_tampered_and_garbage_codes_refused(tree, running):
    user = tree.users["resident_a1"]
    code = _code(tree, running)
    for bad in (code[:-2] + "xx", "", "1.in.x", code.replace(f"{running.pk}.in", f"{running.pk}.out")):
        with pytest.raises(ValidationError):
            services.check_by_code(actor=user, code=bad)


def test_check_out_before_check_in_refused(tree, running):
    with pytest.raises(ValidationError) as exc:
        services.check_by_code(actor=tree.users["resident_a1"], code=_code(tree, running, "out"))
    assert "Check in before" in exc.value.messages[0]
    assert not CodeUse.objects.exists()
    s = SignUp.objects.get()
    with pytest.raises(ValidationError):
        services.check_by_list(actor=tree.users["secretary_a1"], signup=s, action="out")


def test_code_for_someone_not_signed_up(tree, running, make_resident):
    other = tree.users["head_a1"]
    services.volunteer_register(actor=other, resident=make_resident(account=other))
    with pytest.raises(ValidationError) as exc:
        services.check_by_code(actor=other, code=_code(tree, running))
    assert "not signed up" in exc.value.messages[0]


def test_only_organiser_in_scope_shows_codes(tree, running):
    services.checkin_code(actor=tree.users["social_a1"], activity=running, action="in")
    for name in ("resident_a1", "grid_a", "dept_staff"):
        with pytest.raises(PermissionDenied):
            services.checkin_code(actor=tree.users[name], activity=running, action="in")


# --- hours, cap, confirmation, event ---------------------------------------------------------------------


def test_hours_capped_and_confirmed_once_with_event(tree, running, me):
    got = []
    events.subscribe("volunteering.hours.confirmed", got.append)
    staff = tree.users["secretary_a1"]
    s = SignUp.objects.get()
    early = running.starts_at - dt.timedelta(minutes=50)
    late = running.ends_at + dt.timedelta(hours=3)
    SignUp.objects.filter(pk=s.pk).update(checked_in_at=early, checked_out_at=late)
    s.refresh_from_db()
    assert s.claimed_hours == Decimal("2.00")  # capped at the activity's 2 hours
    with pytest.raises(ValidationError):
        services.record_confirm(actor=staff, signup=s, hours="2.5")
    with pytest.raises(ValidationError):
        services.record_confirm(actor=staff, signup=s, hours="abc")
    with pytest.raises(PermissionDenied):
        services.record_confirm(actor=tree.users["resident_a1"], signup=s)
    record = services.record_confirm(actor=staff, signup=s, hours="1.5")
    me.refresh_from_db()
    assert record.hours == Decimal("1.50") and me.total_hours == Decimal("1.50")
    assert record.organiser_name == tree.comm_a1.name and record.content.startswith("小区清洁日")
    with pytest.raises(ValidationError):
        services.record_confirm(actor=staff, signup=s)
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        ServiceRecord.objects.filter(pk=record.pk).update(hours=9)
    assert selectors.hours(me.resident, timezone.localtime(running.starts_at).year) == Decimal("1.50")
    assert selectors.hours(me, 1999) == 0


def test_record_states_place_and_recorder_fixed_at_confirmation(tree, running, me, client):
    """民政部令第67号 Art. 6: the record names the activity and content, date, place, hours, organising body and
    recorder — copied at confirmation, so editing the activity afterwards does not rewrite the record."""
    staff = tree.users["secretary_a1"]
    s = SignUp.objects.get()
    SignUp.objects.filter(pk=s.pk).update(checked_in_at=running.starts_at, checked_out_at=running.ends_at)
    services.activity_update(actor=staff, activity=running, location="3号楼前广场")
    record = services.record_confirm(actor=staff, signup=s)
    assert record.location == f"{tree.compound_a1.name} · 3号楼前广场"
    assert record.recorder == str(staff) and record.recorder
    assert record.content.startswith("小区清洁日") and record.served_on == timezone.localtime(running.starts_at).date()
    assert record.organiser_name == tree.comm_a1.name and record.hours == Decimal("2.00")
    services.activity_update(actor=staff, activity=running, location="社区活动中心")
    record.refresh_from_db()
    assert record.location == f"{tree.compound_a1.name} · 3号楼前广场"
    client.force_login(staff)
    from django.urls import reverse

    page = client.get(reverse("volunteering:volunteer", args=[me.pk])).content.decode()
    row = page.split('data-testid="service-record"', 1)[1].split("</tr>", 1)[0]
    assert "3号楼前广场" in row and str(staff) in row


def test_migration_backfills_place_and_recorder_of_earlier_records(tree, running, me):
    import importlib

    from django.db import connection

    staff = tree.users["secretary_a1"]
    s = SignUp.objects.get()
    SignUp.objects.filter(pk=s.pk).update(checked_in_at=running.starts_at, checked_out_at=running.ends_at)
    record = services.record_confirm(actor=staff, signup=s)
    with connection.cursor() as cur:  # as a record confirmed before the columns existed
        cur.execute(
            f"UPDATE {ServiceRecord._meta.db_table} SET location = '', recorder = '' WHERE id = %s", [record.pk]
        )
    from django.db.migrations.loader import MigrationLoader

    name = "0004_record_place_and_recorder"
    state = MigrationLoader(connection).project_state(("volunteering", name))  # the historical models
    importlib.import_module(f"linli.volunteering.migrations.{name}").backfill(state.apps, None)
    record.refresh_from_db()
    assert record.location == running.where and record.recorder == str(staff)


@pytest.mark.django_db(transaction=True)
def test_event_published_after_commit(tree, make_activity, me):
    got = []
    events.subscribe("volunteering.hours.confirmed", got.append)
    a = make_activity(length=dt.timedelta(hours=1))
    s = services.signup_create(actor=tree.users["resident_a1"], activity=a)
    started(a, ago=dt.timedelta(hours=2))
    staff = tree.users["secretary_a1"]
    SignUp.objects.filter(pk=s.pk).update(checked_in_at=a.starts_at, checked_out_at=a.ends_at)
    record = services.record_confirm(actor=staff, signup=s)
    payload = [p for p in got if p["record_id"] == record.pk]
    assert payload == [
        {
            "record_id": record.pk,
            "volunteer_id": me.pk,
            "resident_id": me.resident_id,
            "hours": "1.00",
            "activity_id": a.pk,
            "confirmed_at": record.confirmed_at.isoformat(),
        }
    ]


def test_list_ticking_and_confirm_all(tree, running, make_volunteer):
    staff = tree.users["secretary_a1"]
    s = SignUp.objects.get()
    services.check_by_list(actor=staff, signup=s, action="in", at=running.starts_at)
    services.check_by_list(actor=staff, signup=s, action="out", at=running.starts_at + dt.timedelta(minutes=45))
    assert services.records_confirm_all(actor=staff, activity=running) == 1
    assert ServiceRecord.objects.get().hours == Decimal("0.75")


# --- certificate -----------------------------------------------------------------------------------------


def test_certificate_content(tree, running, me):
    staff = tree.users["secretary_a1"]
    s = SignUp.objects.get()
    SignUp.objects.filter(pk=s.pk).update(checked_in_at=running.starts_at, checked_out_at=running.ends_at)
    services.record_confirm(actor=staff, signup=s)
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=staff, volunteer=me, person_in_charge="", contact="")
    with pytest.raises(PermissionDenied):
        services.certificate_issue(actor=tree.users["resident_a1"], volunteer=me, person_in_charge="x", contact="y")
    cert = services.certificate_issue(actor=staff, volunteer=me, person_in_charge="李书记", contact="0555-1234567")
    assert cert.hours == Decimal("2.00") and cert.record_count == 1 and cert.content == "小区清洁日"
    assert cert.number.startswith(f"ZM{timezone.localdate().year}") and cert.issuer == tree.comm_a1.name
    assert cert.handler == str(staff)


def test_certificate_request_notifies_staff(tree, me):
    from linli.notifications.models import Notification

    services.certificate_request(actor=tree.users["resident_a1"], volunteer=me)
    assert Notification.objects.filter(user=tree.users["secretary_a1"]).exists()
    with pytest.raises(PermissionDenied):
        services.certificate_request(actor=tree.users["secretary_a1"], volunteer=me)


# --- stars -----------------------------------------------------------------------------------------------


def test_star_thresholds_notice_and_award(tree, make_volunteer, me):
    Volunteer.objects.filter(pk=me.pk).update(total_hours=Decimal("99.99"))
    near = make_volunteer()
    Volunteer.objects.filter(pk=near.pk).update(total_hours=Decimal("300"))
    monday = dt.date(2026, 11, 16)
    assert services.stars_propose(today=monday) == 1
    award = StarAward.objects.get()
    assert award.volunteer == near and award.level == 2 and award.notice_until == dt.date(2026, 11, 23)
    assert services.stars_propose(today=monday) == 0  # one notice at a time
    assert services.stars_finalise(today=dt.date(2026, 11, 23)) == 0  # the notice is still running
    assert services.stars_finalise(today=dt.date(2026, 11, 24)) == 1
    near.refresh_from_db()
    assert near.stars == 2 and near.star_marks == "★★"
    award.refresh_from_db()
    assert award.status == StarStatus.AWARDED


def test_star_withdrawn_during_notice_and_thresholds_configurable(tree, make_volunteer):
    v = make_volunteer()
    Volunteer.objects.filter(pk=v.pk).update(total_hours=Decimal("120"))
    services.stars_propose(today=dt.date(2026, 11, 16))
    award = StarAward.objects.get()
    with pytest.raises(PermissionDenied):
        services.star_withdraw(actor=tree.users["dept_staff"], award=award, note="x")
    services.star_withdraw(actor=tree.users["secretary_a1"], award=award, note="时长有异议")
    assert services.stars_finalise(today=dt.date(2026, 12, 31)) == 0
    with pytest.raises(PermissionDenied):
        services.threshold_set(actor=tree.users["secretary_a1"], level=1, hours="50")
    with pytest.raises(ValidationError):
        services.threshold_set(actor=tree.users["district_admin"], level=1, hours="400")
    services.threshold_set(actor=tree.users["district_admin"], level=1, hours="50")
    assert services.level_for(Decimal("60")) == 1


def test_bad_input_changes_nothing(tree, make_activity, me):
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError):
        services.activity_create(
            actor=tree.users["secretary_a1"],
            community=tree.comm_a1,
            title="x",
            content="y",
            starts_at=timezone.now() + dt.timedelta(days=1),
            ends_at=timezone.now(),
            slots=3,
        )
    with pytest.raises(ValidationError):
        services.activity_create(
            actor=tree.users["district_admin"],
            community=tree.comm_a1,
            place=tree.house_b1,
            title="x",
            content="y",
            starts_at=timezone.now() + dt.timedelta(days=1),
            ends_at=timezone.now() + dt.timedelta(days=1, hours=1),
            slots=3,
        )
    assert AuditLog.objects.count() == before
