"""Realistic telemetry for the demo district's devices, published over MQTT (``manage.py iot_simulate``).

Each device type gets plausible values around its normal state; ``falling`` devices (hydrants) lose pressure
linearly to ``floor`` over the run — the walk "hydrant pressure falls → alarm → case".
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field

from .models import Device
from .mqtt import Publisher, topic_for


def normal_values(kind: str, rng: random.Random, seq: int) -> dict:
    if kind == "hydrant":
        return {"pressure": round(rng.gauss(0.32, 0.01), 3)}
    if kind == "water_level":
        return {"level": round(rng.gauss(2.0, 0.05), 2)}
    if kind == "smoke":
        return {"smoke": round(abs(rng.gauss(0.5, 0.2)), 2), "battery": 87}
    if kind == "elevator":
        return {"trapped": 0, "fault": 0, "floor": seq % 18 + 1, "door_open": seq % 2}
    if kind == "ebike_cabinet":
        return {"temperature": round(rng.gauss(28, 1.5), 1), "current": round(abs(rng.gauss(6, 2)), 1), "smoke": 0}
    if kind == "door":
        return {"online_readers": 2, "tamper": 0}
    if kind == "camera":
        return {"cpu_temp": round(rng.gauss(55, 2), 1), "cameras_online": 4}
    if kind == "water_meter":
        return {"total": round(1000 + seq * 0.001, 3), "flow": round(abs(rng.gauss(0.05, 0.02)), 3)}
    return {}


@dataclass
class Run:
    devices: list  # (ident, kind)
    rate: float  # messages per second, all devices together
    duration: float
    falling: set = field(default_factory=set)
    start_pressure: float = 0.32
    floor: float = 0.05
    seed: int = 1
    id_prefix: str = ""

    def messages(self):
        """(ident, payload) in publishing order, paced by ``rate``; message ids ``<prefix><seq>`` per device."""
        prefix = self.id_prefix or f"{int(time.time()):x}-"
        rng = random.Random(self.seed)  # noqa: S311 — simulated readings, not secrets
        total = int(self.rate * self.duration)
        seqs = dict.fromkeys((d for d, _k in self.devices), 0)
        for i in range(total):
            ident, kind = self.devices[i % len(self.devices)]
            seqs[ident] += 1
            seq = seqs[ident]
            if ident in self.falling:
                share = min(1.0, i / max(1, total - len(self.devices)))
                values = {"pressure": round(self.start_pressure - (self.start_pressure - self.floor) * share, 3)}
            else:
                values = normal_values(kind, rng, seq)
            msg = {"id": f"{prefix}{seq}", "ts": int(time.time() * 1000), "values": values}
            yield ident, json.dumps(msg, separators=(",", ":")).encode()


def devices_for(*, count: int, kinds: list[str] | None = None, idents: list[str] | None = None) -> list:
    qs = Device.objects.filter(is_active=True).select_related("device_type").order_by("pk")
    if idents:
        qs = qs.filter(ident__in=idents)
    if kinds:
        qs = qs.filter(device_type__kind__in=kinds)
    return [(d.ident, d.device_type.kind) for d in qs[:count]]


def simulate(run: Run, *, host="127.0.0.1", port=1883, window=2000, client_id="linli-iot-sim") -> dict:
    pub = Publisher(host=host, port=port, window=window, client_id=client_id)
    started = time.monotonic()
    sent = 0
    try:
        for ident, payload in run.messages():
            pub.publish(topic_for(ident), payload)
            sent += 1
            ahead = sent / run.rate - (time.monotonic() - started)
            if ahead > 0.01:
                time.sleep(ahead)
        pub.drain(60)
    finally:
        pub.close()
    return {"sent": sent, "acked": pub.acked, "failed": pub.failed, "seconds": time.monotonic() - started}
