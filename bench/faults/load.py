"""The clients of a fault run: N threads creating cases through nginx, each with its own Idempotency-Key, retrying
the same request (same key, same body) after a connection error, a 502/504 from nginx or a 503 from the app, as a
careful mobile client would. What they saw is counted; what exists is counted afterwards in the database."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

URL = "/api/v1/workorders/cases"


@dataclass
class Load:
    port: int
    token: str
    place: str
    run: str
    clients: int = 32
    per_client: int = 8
    pause: float = 0.0  # seconds between one client's creates (spreads a run over a fault)
    give_up_after: float = 90.0
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    accepted: dict = field(default_factory=dict)  # key → case id answered with 201
    replayed: int = 0
    conn_errors: int = 0
    bad_bodies: list = field(default_factory=list)  # 5xx answers that were not the error body (a traceback page…)
    unanswered: list = field(default_factory=list)  # keys never answered 201 before giving up
    answers: list = field(default_factory=list)  # (monotonic time, status) of every answer
    lock: threading.Lock = field(default_factory=threading.Lock)

    def key(self, i: int, j: int) -> str:
        return f"{self.run}-{i:02d}-{j:03d}"

    def body(self, key: str) -> bytes:
        return json.dumps(
            {
                "category": "noise",
                "title": "夜间施工噪音",
                "description": f"22点后仍在施工 [{key}]",
                "place": self.place,
                "case_type": "complaint",
            },
            ensure_ascii=False,
        ).encode()

    def _one(self, i: int) -> None:
        conn = None
        for j in range(self.per_client):
            key = self.key(i, j)
            data = self.body(key)
            started = time.monotonic()
            while True:
                if time.monotonic() - started > self.give_up_after:
                    with self.lock:
                        self.unanswered.append(key)
                    break
                with self.lock:
                    self.sent += 1
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    conn.request(
                        "POST",
                        URL,
                        body=data,
                        headers={
                            "Content-Type": "application/json",
                            "Authorization": f"Bearer {self.token}",
                            "Idempotency-Key": key,
                        },
                    )
                    resp = conn.getresponse()
                    payload = resp.read()
                except (OSError, http.client.HTTPException):
                    if conn is not None:
                        conn.close()
                    conn = None
                    with self.lock:
                        self.conn_errors += 1
                    time.sleep(0.2)
                    continue
                now = time.monotonic()
                with self.lock:
                    self.statuses[resp.status] += 1
                    self.answers.append((now, resp.status))
                if resp.status == 201:
                    with self.lock:
                        self.accepted[key] = json.loads(payload)["id"]
                        if resp.getheader("Idempotent-Replayed"):
                            self.replayed += 1
                    break
                if resp.status >= 500:
                    # A 503 must be the error body; a 500 (a traceback page) is never right; 502/504 come
                    # from nginx while an app process is away.
                    if resp.status == 500 or (resp.status == 503 and not _is_error_body(payload, "unavailable")):
                        with self.lock:
                            self.bad_bodies.append((resp.status, payload[:200]))
                    if resp.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                    time.sleep(0.2)
                    continue
                with self.lock:  # 4xx: a request this test did not mean to send
                    self.bad_bodies.append((resp.status, payload[:200]))
                break
            if self.pause:
                time.sleep(self.pause)
        if conn is not None:
            conn.close()

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._one, args=(i,), daemon=True) for i in range(self.clients)]
        for t in threads:
            t.start()
        return threads

    def first_success_after(self, moment: float) -> float | None:
        with self.lock:
            times = [t for t, status in self.answers if status == 201 and t >= moment]
        return min(times) - moment if times else None


def _is_error_body(payload: bytes, code: str) -> bool:
    try:
        return json.loads(payload)["error"]["code"] == code
    except (ValueError, KeyError, TypeError):
        return False


def audit_cases(load: Load) -> dict:
    """What exists: lost = answered 201 but absent (or another case), duplicated = one key, several cases."""
    from linli.workorders.models import Case

    found: dict[str, list[int]] = {}
    for pk, description in Case.objects.filter(description__contains=f"[{load.run}-").values_list("pk", "description"):
        key = description.rsplit("[", 1)[1].rstrip("]")
        found.setdefault(key, []).append(pk)
    lost = [k for k, pk in load.accepted.items() if pk not in found.get(k, [])]
    duplicated = sum(len(pks) - 1 for pks in found.values() if len(pks) > 1)
    orphans = [k for k in found if k not in load.accepted]  # created, but the client never heard 201
    return {"lost": len(lost), "duplicated": duplicated, "orphans": len(orphans), "cases": len(found)}
