"""The MQTT side: the topic layout, the ingest worker's loop and the simulator's publisher (paho-mqtt 2.x, MQTT 5).

Topic: ``linli/v1/devices/<device-id>/telemetry`` (QoS 1). The worker keeps a persistent session
(``clean_start=False``, a session expiry), acknowledges nothing itself (``manual_ack``): messages are collected into
a batch, the batch goes through ``services.process`` in one transaction, and only after the commit are their PUBACKs
sent. A worker killed mid-batch leaves the broker holding the unacknowledged messages; it redelivers them to the
restarted worker and the message key turns them into counted duplicates.

The broker must let enough messages be in flight to one client: Mosquitto's default ``max_inflight_messages 20``
caps every batch at 20 messages; ``max_queued_messages`` (default 1000) caps what is kept for a disconnected
worker. docs/domains/iot.md gives the settings (``deploy/mosquitto/linli.conf``).
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import re
import threading
import time

import paho.mqtt.client as mqtt
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from linli.core import dates

from . import services
from .services import storage

log = logging.getLogger("linli.iot")

TOPIC_PREFIX = "linli/v1/devices/"
SUBSCRIPTION = "linli/v1/devices/+/telemetry"
TOPIC_RE = re.compile(r"^linli/v1/devices/([A-Za-z0-9_-]{1,64})/telemetry$")


def topic_for(ident: str) -> str:
    return f"{TOPIC_PREFIX}{ident}/telemetry"


def ident_of(topic: str) -> str:
    m = TOPIC_RE.match(topic)
    return m.group(1) if m else ""


def new_client(client_id: str, *, session_expiry: int = 0, receive_maximum: int = 0, manual_ack=False):
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5, manual_ack=manual_ack
    )
    props = Properties(PacketTypes.CONNECT)
    if session_expiry:
        props.SessionExpiryInterval = session_expiry
    if receive_maximum:
        props.ReceiveMaximum = receive_maximum
    client.max_inflight_messages_set(0)  # no paho limit (it rescans its queue on every ack): callers bound it
    client.max_queued_messages_set(0)
    return client, props


class Worker:
    """``manage.py iot_ingest``: subscribe, batch, process, acknowledge, tick the no-data check every second."""

    def __init__(
        self,
        *,
        host="127.0.0.1",
        port=1883,
        client_id="linli-iot-ingest",
        batch=5000,
        interval=0.2,
        session_expiry=7 * 86400,
        out=None,
    ):
        self.host, self.port, self.batch, self.interval = host, port, batch, interval
        self.out = out
        self.queue: collections.deque = collections.deque()
        self.ready = threading.Event()
        self.stopping = False
        self.connected = threading.Event()
        self.client, self.props = new_client(
            client_id, session_expiry=session_expiry, receive_maximum=65535, manual_ack=True
        )
        self.client.on_connect = self.on_connect
        self.client.on_disconnect = self.on_disconnect
        self.client.on_message = self.on_message
        self.devices = services.DeviceCache()
        self.engine = services.Engine()
        self.totals = collections.Counter()

    def say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text)
            self.out.flush()

    def on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT connect refused: %s", reason_code)
            return
        client.subscribe(SUBSCRIPTION, qos=1)
        self.connected.set()
        self.say(f"connected to {self.host}:{self.port} (session present: {flags.session_present})\n")

    def on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()

    def on_message(self, client, userdata, msg):
        self.queue.append((msg.mid, msg.qos, msg.topic, msg.payload))
        if len(self.queue) >= self.batch:
            self.ready.set()

    def take(self) -> list:
        items = []
        while self.queue and len(items) < self.batch:
            items.append(self.queue.popleft())
        return items

    def handle(self, items: list) -> None:
        raws = [services.Raw(ident_of(topic) or topic[:64], payload, "mqtt") for _mid, _qos, topic, payload in items]
        while not self.stopping:
            try:
                result = services.process(raws, self.devices, self.engine)
                break
            except Exception:  # the database went away: keep the batch (unacknowledged), retry
                log.exception("ingest batch failed; retrying")
                connection.close()
                self.engine.loaded_at = -1e9  # rule states may have rolled back: reload them
                time.sleep(1)
        else:
            return
        for mid, qos, _topic, _payload in items:
            if qos:
                self.client.ack(mid, qos)
        self.totals.update(accepted=result.accepted, duplicate=result.duplicates, **result.quarantined)

    def tick(self) -> None:
        try:
            with transaction.atomic():
                self.engine.check_offline(timezone.now())
        except Exception:
            log.exception("no-data check failed")
            connection.close()

    def partitions(self) -> None:
        try:
            storage.ensure_partitions(dates.today() - dt.timedelta(days=1), 4)
        except Exception:
            log.exception("could not create partitions")
            connection.close()

    def run(self, *, seconds: float | None = None) -> None:
        self.partitions()
        self.client.connect(self.host, self.port, keepalive=30, clean_start=False, properties=self.props)
        self.client.loop_start()
        started = last_tick = last_report = last_partition = time.monotonic()
        try:
            while not self.stopping:
                self.ready.wait(self.interval)
                self.ready.clear()
                while self.queue:
                    self.handle(self.take())
                now = time.monotonic()
                if now - last_tick >= 1:
                    self.tick()
                    last_tick = now
                if now - last_partition >= 3600:
                    self.partitions()
                    last_partition = now
                if now - last_report >= 10:
                    self.say(f"totals {dict(self.totals)}\n")
                    last_report = now
                    close_old_connections()
                if seconds is not None and now - started >= seconds:
                    break
        finally:
            self.client.loop_stop()
            self.client.disconnect()

    def stop(self, *args) -> None:
        self.stopping = True
        self.ready.set()


class Publisher:
    """A QoS-1 publisher with a bounded in-flight window (paho's message ids are 16-bit: never more than
    ``window`` unacknowledged publishes; every ``publish()`` result is checked)."""

    def __init__(self, *, host="127.0.0.1", port=1883, client_id="linli-iot-sim", window=2000):
        self.window = window
        self.inflight = 0
        self.lock = threading.Condition()
        self.acked = 0
        self.failed = 0
        self.client, self.props = new_client(client_id)
        self.client.on_publish = self.on_publish
        self.client.connect(host, port, keepalive=30, clean_start=True, properties=self.props)
        self.client.loop_start()

    def on_publish(self, client, userdata, mid, reason_code, properties):
        with self.lock:
            self.inflight -= 1
            self.acked += 1
            self.lock.notify_all()

    def publish(self, topic: str, payload: bytes, qos: int = 1) -> None:
        with self.lock:
            while self.inflight >= self.window:
                self.lock.wait(1)
            self.inflight += 1
        info = self.client.publish(topic, payload, qos=qos)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            with self.lock:
                self.inflight -= 1
                self.failed += 1
            raise RuntimeError(f"publish failed: {mqtt.error_string(info.rc)}")

    def drain(self, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        with self.lock:
            while self.inflight > 0 and time.monotonic() < deadline:
                self.lock.wait(0.2)
            return self.inflight <= 0

    def close(self) -> None:
        self.drain()
        self.client.loop_stop()
        self.client.disconnect()
