"""Smoke test of the production-like stack (`make stack-smoke`, after `make stack`): everything through nginx.

Checks, each printed with ok/FAIL (exit 1 on any failure):
  1. both app processes answer /healthz on their own ports, and nginx answers it;
  2. secure headers, once each, on a page and on a static file;
  3. a static file (hashed name from collectstatic) is served by nginx itself (no X-Request-ID: the app never saw it),
     gzipped, with a 30-day cache lifetime;
  4. pages are gzipped through the proxy;
  5. log in through the login form (CSRF cookie and token, session cookie);
  6. create a case through the API (bearer token from /api/v1/auth/token; a category and a community from the API);
     read it back;
  7. SSE pass-through: /healthz/stream sends three events a second apart; they must arrive apart (nginx buffering
     would deliver them together at the end), not gzipped, as text/event-stream;
  8. nginx spread the requests over both app processes (its access log records the upstream of each request).

Standard library only. Reads the URL and the stack-admin password from var/stack/stack.env (or LINLI_STACK_DIR).
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
STACK = Path(os.environ.get("LINLI_STACK_DIR", ROOT / "var" / "stack"))
SECURE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def read_env() -> dict:
    env = {}
    for line in (STACK / "stack.env").read_text().splitlines():
        key, _, value = line.partition("=")
        env[key] = value
    return env


class Client:
    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None, stream=False):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        for value in resp.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        if stream:
            return resp
        raw = resp.read()
        conn.close()
        body = gzip.decompress(raw) if resp.headers.get("Content-Encoding") == "gzip" else raw
        return resp, raw, body


class Smoke:
    def __init__(self):
        self.results: list[tuple[str, bool, str]] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.results.append((name, bool(ok), detail))
        print(f"{'ok  ' if ok else 'FAIL'}  {name}{'  — ' + detail if detail else ''}", flush=True)
        return bool(ok)

    def headers_once(self, where: str, resp) -> None:
        for name, value in SECURE_HEADERS.items():
            got = resp.headers.get_all(name) or []
            self.check(f"{where}: {name}", got == [value], f"got {got}")


def main() -> int:
    env = read_env()
    base = env["LINLI_STACK_URL"]
    s = Smoke()
    c = Client(base)
    print(f"smoke test of {base}")

    # 1. every process answers
    for port in (os.environ.get("LINLI_STACK_APP_1", "18001"), os.environ.get("LINLI_STACK_APP_2", "18002")):
        resp, _raw, body = Client(f"http://127.0.0.1:{port}").request("GET", "/healthz")
        s.check(f"app process :{port} /healthz", resp.status == 200 and b'"ok"' in body, f"{resp.status}")
    resp, _raw, body = c.request("GET", "/healthz")
    s.check("nginx → app /healthz", resp.status == 200 and b'"ok"' in body, f"{resp.status}")

    # 2 + 4. a page: secure headers once, gzip through the proxy
    resp, raw, body = c.request("GET", "/accounts/login/", headers={"Accept-Encoding": "gzip"})
    s.check("login page through nginx", resp.status == 200, f"{resp.status}")
    s.headers_once("page", resp)
    s.check(
        "page gzipped through the proxy",
        resp.headers.get("Content-Encoding") == "gzip" and len(raw) < len(body),
        f"{len(body)} → {len(raw)} bytes",
    )
    s.check("page answered by the app", bool(resp.headers.get("X-Request-ID")), resp.headers.get("X-Request-ID", ""))
    page = body.decode()

    # 3. a static file from nginx
    css = re.search(r'href="(/static/[^"]+\.css)"', page)
    if s.check("page links a hashed static stylesheet", css and re.search(r"\.[0-9a-f]{12}\.css$", css.group(1))):
        resp, raw, body = c.request("GET", css.group(1), headers={"Accept-Encoding": "gzip"})
        s.check("static file served", resp.status == 200 and b"{" in body, f"{resp.status} {css.group(1)}")
        s.check("static file served by nginx, not the app", resp.headers.get("X-Request-ID") is None)
        s.check("static file gzipped", resp.headers.get("Content-Encoding") == "gzip", f"{len(body)} → {len(raw)}")
        s.check("static file cached 30 days", "max-age=2592000" in (resp.headers.get("Cache-Control") or ""))
        s.headers_once("static", resp)

    # 5. log in through the form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    form = {"username": "stack-admin", "password": env["LINLI_STACK_ADMIN_PASSWORD"]}
    form["csrfmiddlewaretoken"] = token.group(1) if token else ""
    resp, _raw, _body = c.request(
        "POST",
        "/accounts/login/",
        body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{base}/accounts/login/"},
    )
    s.check("log in through the form", resp.status == 302 and "sessionid" in c.cookies, f"{resp.status}")
    resp, _raw, body = c.request("GET", "/")
    s.check("workbench after login", resp.status == 200 and b"stack-admin" in body, f"{resp.status}")

    # 6. a case through the API
    api = Client(base)
    resp, _raw, body = api.request(
        "POST",
        "/api/v1/auth/token",
        body=json.dumps({"username": "stack-admin", "password": env["LINLI_STACK_ADMIN_PASSWORD"]}),
        headers={"Content-Type": "application/json"},
    )
    bearer = {"Authorization": f"Bearer {json.loads(body).get('token', '')}"} if resp.status == 201 else {}
    s.check("API token", resp.status == 201, f"{resp.status}")
    resp, _raw, body = api.request("GET", "/api/v1/workorders/categories", headers=bearer)
    categories = json.loads(body) if resp.status == 200 else []
    resp, _raw, body = api.request("GET", "/api/v1/places?level=3", headers=bearer)
    places = json.loads(body) if resp.status == 200 else {}
    places = places.get("results", places) if isinstance(places, dict) else places
    if s.check("categories and communities from the API", categories and places, f"{len(categories)}, {len(places)}"):
        case = {
            "category": categories[0]["code"],
            "title": "路灯不亮（冒烟测试）",
            "description": f"smoke test {time.strftime('%Y-%m-%d %H:%M:%S')}",
            "place": places[0]["code"],
            "source": "counter",
        }
        headers = {**bearer, "Content-Type": "application/json"}
        resp, _raw, body = api.request("POST", "/api/v1/workorders/cases", body=json.dumps(case), headers=headers)
        created = json.loads(body) if resp.status == 201 else {}
        said = created.get("number", body[:200])
        s.check("create a case through the API", resp.status == 201, f"{resp.status} {said}")
        if created:
            resp, _raw, body = api.request("GET", f"/api/v1/workorders/cases/{created['id']}", headers=bearer)
            s.check("read the case back", resp.status == 200 and json.loads(body)["number"] == created["number"])

    # 7. SSE pass-through
    started = time.monotonic()
    headers = {"Accept": "text/event-stream", "Accept-Encoding": "gzip"}
    resp = c.request("GET", "/healthz/stream", headers=headers, stream=True)
    arrivals = []
    if s.check("event stream answers", resp.status == 200, f"{resp.status}"):
        s.check("event stream type", (resp.headers.get("Content-Type") or "").startswith("text/event-stream"))
        s.check("event stream not gzipped", resp.headers.get("Content-Encoding") is None)
        while len(arrivals) < 3:
            line = resp.readline()
            if not line:
                break
            if line.startswith(b"data:"):
                arrivals.append(time.monotonic() - started)
        spread = arrivals[-1] - arrivals[0] if len(arrivals) == 3 else 0.0
        s.check(
            "events arrive as sent, not buffered (3 events 1 s apart)",
            len(arrivals) == 3 and spread >= 1.5,
            "arrived at " + ", ".join(f"{t:.2f} s" for t in arrivals),
        )

    # 8. both upstreams served requests
    log = STACK / "log" / "nginx-access.log"
    if log.exists():
        upstreams = set(re.findall(r"upstream=(127\.0\.0\.1:\d+)", log.read_text()[-200_000:]))
        s.check("nginx used both app processes", len(upstreams) >= 2, ", ".join(sorted(upstreams)))

    failed = [name for name, ok, _ in s.results if not ok]
    summary = f"\n{len(s.results) - len(failed)} of {len(s.results)} checks passed"
    print(summary + (f"; failed: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
