"""The transactional outbox (linli.core.events, linli.core.outbox): declared events only, written with the change,
delivered once through retries, in order per aggregate, dead letters replayed from the administrator's page."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from linli.core import events, outbox
from linli.core.models import AuditLog, DeliveryStatus, EventDelivery, OutboxEvent

from . import outbox_probe as probe

pytestmark = pytest.mark.django_db

LINLI = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _probe():
    probe.reset()
    yield
    probe.reset()


def publish(n: int, key: str = ""):
    return events.publish(probe.EVENT, {"n": n, "key": key})


def effects(event: OutboxEvent) -> int:
    """Committed effects of the probe's deliveries of ``event``."""
    return AuditLog.objects.filter(action="outbox_probe", object_id=str(event.uuid)).count()


def later(seconds: float = 7200):
    return timezone.now() + dt.timedelta(seconds=seconds)


# --- the catalogue ---------------------------------------------------------------------------------------------


def test_an_undeclared_event_cannot_be_published_or_subscribed_to():
    with pytest.raises(events.UndeclaredEvent):
        events.publish("workorders.case.archived", {"case_id": 1, "from": "a", "to": "b"})  # typo of .archive
    with pytest.raises(events.UndeclaredEvent):
        events.subscribe("points.credit", lambda payload: None)  # typo of points.credited
    assert not OutboxEvent.objects.exists()


def test_a_subscription_to_an_undeclared_event_stops_the_start_up(monkeypatch):
    monkeypatch.setattr(events, "_sealed", False)  # as during start-up, before the check

    def handler(payload):
        pass

    events.subscribe("alliance.problem.solvd", handler)
    try:
        with pytest.raises(events.UndeclaredEvent, match=r"alliance\.problem\.solvd"):
            events.seal()
    finally:
        events.unsubscribe("alliance.problem.solvd", handler)
        events._subscribers.pop("alliance.problem.solvd", None)
    events.seal()  # the real catalogue is consistent


def test_a_payload_must_match_its_declaration():
    with pytest.raises(events.EventPayloadError, match="missing keys"):
        events.publish(probe.EVENT, {"n": 1})
    with pytest.raises(events.EventPayloadError, match="undeclared keys"):
        events.publish(probe.EVENT, {"n": 1, "key": "", "extra": 2})
    assert not OutboxEvent.objects.exists()


def test_every_published_name_is_declared():
    """Every literal ``events.publish("…")`` in the code, and each step of the dynamic names, is in the catalogue —
    so a typo at a publish site fails this test, not a user."""
    declared = events.catalogue()
    names = set()
    for path in LINLI.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "publish"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "events"
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
            # ``_create(actor, obj, event="alliance.…")`` publishes its ``event`` argument
            for kw in getattr(node, "keywords", ()):
                if kw.arg == "event" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    names.add(kw.value.value)
        if path.name == "services.py" and path.parent.name == "workorders":
            names |= {f"workorders.case.{s}" for s in re.findall(r'_transition\(\s*\w+,\s*"(\w+)"', source)}
    from linli.orglife.services import EVAL_STEPS

    names |= {f"orglife.evaluation.{s}" for s in EVAL_STEPS}
    assert len(names) > 60
    assert sorted(names - set(declared)) == []


def test_the_existing_subscribers_are_in_the_catalogue():
    assert "linli.points.handlers.on_case_closed" in events.catalogue()["workorders.case.evaluate"].subscribers
    assert "linli.alliance.handlers.on_case_archived" in events.catalogue()["workorders.case.archive"].subscribers


# --- writing with the change ---------------------------------------------------------------------------------------


def test_the_event_is_written_in_the_publishers_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(1)
        raise RuntimeError("the change fails")
    assert not OutboxEvent.objects.exists() and not EventDelivery.objects.exists()
    event = publish(2, key="a")
    assert event.aggregate == "core.probe:a" and event.payload == {"n": 2, "key": "a"}
    assert list(event.deliveries.values_list("subscriber", "status")) == [(probe.SUBSCRIBER, "pending")]


def test_an_event_without_subscribers_is_still_kept_for_later_readers():
    event = events.publish("areas.place.created", {"id": 1, "path": "110101"})
    assert event.aggregate == "areas.place:1" and not event.deliveries.exists()


def test_the_eager_attempt_after_commit_delivers_with_the_event_id(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = publish(1)
    assert probe.event_ids == [str(event.uuid)]
    assert event.deliveries.get().status == DeliveryStatus.DONE and effects(event) == 1


# --- retries, dead letters -----------------------------------------------------------------------------------------


def test_a_handler_failing_twice_then_succeeding_is_delivered_exactly_once(django_capture_on_commit_callbacks):
    probe.fail[1] = 2
    with django_capture_on_commit_callbacks(execute=True):
        event = publish(1)
    delivery = event.deliveries.get()
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1 and "probe failure" in delivery.last_error
    assert effects(event) == 0  # the failed attempt's write was rolled back with its savepoint
    assert outbox.run(once=True) == 0  # not due yet: the back-off holds it
    assert outbox.deliver_batch(now=later()) == 1  # the worker's second attempt fails too
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at > timezone.now()
    assert outbox.deliver_batch(now=later(3 * 7200)) == 1  # the third succeeds
    assert outbox.deliver_batch(now=later(9 * 7200)) == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("done", 3, "")
    assert effects(event) == 1 and probe.delivered == [1]


def test_the_back_off_doubles_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert outbox.backoff(30).total_seconds() == 3600


@override_settings(LINLI_OUTBOX_MAX_ATTEMPTS=2, LINLI_OUTBOX_EAGER=False)
def test_after_the_last_attempt_a_delivery_is_a_dead_letter():
    probe.fail[1] = 5
    event = publish(1)
    assert outbox.deliver_batch() == 1
    assert outbox.deliver_batch(now=later()) == 1
    delivery = event.deliveries.get()
    assert (delivery.status, delivery.attempts) == ("dead", 2)
    assert outbox.deliver_batch(now=later(10**6)) == 0  # dead letters wait for a replay
    assert outbox.counts() == {"pending": 0, "dead": 1}


@override_settings(LINLI_OUTBOX_EAGER=False)
def test_a_subscriber_missing_from_the_worker_fails_and_is_retried():
    event = publish(1)
    EventDelivery.objects.filter(event=event).update(subscriber="linli.gone.handlers.on_it")
    assert outbox.deliver_batch() == 1
    delivery = event.deliveries.get()
    assert delivery.status == "pending" and "no subscriber" in delivery.last_error


# --- order per aggregate -------------------------------------------------------------------------------------------


@override_settings(LINLI_OUTBOX_EAGER=False)
def test_an_aggregates_later_event_waits_while_an_earlier_one_is_pending():
    probe.fail[1] = 1
    publish(1, key="A")
    publish(2, key="A")
    publish(3, key="B")
    publish(4, key="A")
    publish(5)  # no aggregate: no order to keep
    assert outbox.deliver_batch(limit=100) == 3  # 1 (fails), 3 and 5; 2 and 4 wait behind 1
    assert probe.delivered == [3, 5]
    assert outbox.deliver_batch(limit=100) == 0  # 1 is not due yet, so A stays held
    while outbox.deliver_batch(limit=100, now=later()):
        pass
    assert probe.delivered == [3, 5, 1, 2, 4]
    assert not EventDelivery.objects.exclude(status="done").exists()


# --- the administrator's page: dead letters and replay ---------------------------------------------------------


@override_settings(LINLI_OUTBOX_MAX_ATTEMPTS=1, LINLI_OUTBOX_EAGER=True)
def test_dead_letters_are_listed_and_replayed_from_the_page(client, tree, django_capture_on_commit_callbacks):
    probe.fail[7] = 1
    with django_capture_on_commit_callbacks(execute=True):
        event = publish(7)
    delivery = event.deliveries.get()
    assert delivery.status == "dead"
    url = reverse("portal:outbox")

    client.force_login(tree.users["secretary_a1"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"delivery": delivery.pk}).status_code == 403

    client.force_login(tree.users["district_admin"])
    page = client.get(url + "?status=dead").content.decode()
    assert probe.EVENT in page and "probe failure for event 7" in page and f'value="{delivery.pk}"' in page
    home = client.get(reverse("portal:home")).content.decode()
    assert 'data-figure="core.outbox_dead"' in home

    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url + "?status=dead", {"delivery": [delivery.pk]})
    assert resp.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "done" and effects(event) == 1
    row = AuditLog.objects.get(action="outbox_replay")
    assert row.actor == tree.users["district_admin"] and row.object_id == str(delivery.pk)
    assert row.before == {"status": "dead", "attempts": 1}
    # Replaying a delivered row does nothing.
    assert outbox.replay(actor=tree.users["district_admin"], deliveries=[delivery.pk]) == 0


def test_only_administrators_may_replay(tree):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        outbox.replay(actor=tree.users["secretary_a1"], deliveries=[])


# --- purge ---------------------------------------------------------------------------------------------------------


@override_settings(LINLI_OUTBOX_EAGER=False)
def test_purge_removes_old_delivered_events_and_keeps_what_waits():
    done, waiting, bare = publish(1), publish(2), events.publish("areas.place.created", {"id": 1, "path": "1"})
    outbox.deliver_batch(ids=list(done.deliveries.values_list("pk", flat=True)))
    OutboxEvent.objects.update(created_at=timezone.now() - dt.timedelta(days=40))
    assert outbox.purge_delivered(days=30) == 2
    assert list(OutboxEvent.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert bare.pk not in OutboxEvent.objects.values_list("pk", flat=True)


# --- the worker's two entry points ---------------------------------------------------------------------------------


@override_settings(LINLI_OUTBOX_EAGER=False)
def test_the_worker_command_and_the_periodic_task_drain_what_is_due():
    from io import StringIO

    from django.core.management import call_command

    from linli.core.tasks import drain_outbox

    first, second = publish(1), publish(2)
    out = StringIO()
    call_command("outbox_worker", "--once", "--batch", "1", stdout=out)
    assert "2" in out.getvalue() and probe.delivered == [1, 2]
    third = publish(3)
    assert drain_outbox.call() == 1
    assert probe.delivered == [1, 2, 3]
    assert {e.deliveries.get().status for e in (first, second, third)} == {"done"}
