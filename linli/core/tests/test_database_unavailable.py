"""While the database cannot be reached the app answers 503 with a short translated body (HTML for people, the API's
error body for /api/), and answers normally again by itself once it is back (linli/core/unavailable.py).

No mock of the driver: requests go through Django's real WSGI handler (the path granian calls, with the
request_started/finished signals that close broken connections and health-check persistent ones) in a thread of their
own, so they have their own connection, which the test points at a PostgreSQL port nobody listens on (or, on
SQLite, at a file that cannot exist) while the test's own connection and transaction stay where they are.
"""

import json
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def _port_nobody_listens_on() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppThread:
    """The app, called through WSGIHandler in one worker thread (one connection, persistent across calls)."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.handler = WSGIHandler()

    def run(self, fn, *args):
        return self.pool.submit(fn, *args).result(timeout=60)

    def get(self, path, **headers):
        def call():
            environ = RequestFactory().get(path, **headers).environ
            started = []
            result = self.handler(environ, lambda status, hdrs, exc_info=None: started.append((status, hdrs)))
            try:
                body = b"".join(result)
            finally:
                result.close()  # request_finished: close_old_connections, as a real server does
            status, hdrs = started[0]
            return int(status.split()[0]), dict(hdrs), body.decode()

        return self.run(call)

    def point_database_away(self):
        def away():
            conn = connections["default"]
            # SQLite ignores close() on its shared in-memory test database; this thread's connection can go (the
            # main thread's keeps the database alive).
            BaseDatabaseWrapper.close(conn)
            if conn.vendor == "postgresql":
                conn.settings_dict = {**conn.settings_dict, "HOST": "127.0.0.1", "PORT": _port_nobody_listens_on()}
            else:
                conn.settings_dict = {**conn.settings_dict, "NAME": "/nonexistent-linli-dir/linli.sqlite3"}

        self.run(away)

    def point_database_back(self):
        def back():
            connections["default"].settings_dict = connection_settings

        connection_settings = connection.settings_dict  # the main thread's (the test database)
        self.run(back)

    def backend_pid(self) -> int:
        return self.run(lambda: connections["default"].connection.info.backend_pid)

    def close(self):
        self.run(lambda: connections["default"].close())
        self.pool.shutdown()


@pytest.fixture
def app():
    app = AppThread()
    yield app
    app.point_database_back()
    app.close()


def test_pages_and_api_answer_503_while_the_database_is_away_and_recover_by_themselves(app):
    assert app.get("/healthz")[0] == 200
    app.point_database_away()

    status, headers, body = app.get("/", HTTP_COOKIE="sessionid=abcdefghijklmnopqrstuvwxyz012345")
    assert status == 503, body
    assert headers["Content-Type"].startswith("text/html")
    assert "服务暂时不可用" in body and "无法连接数据库" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert headers["Retry-After"] == "5"

    status, headers, body = app.get("/api/v1/workorders/cases", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert status == 503, body
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "unavailable"
    assert "无法连接数据库" in json.loads(body)["error"]["message"]

    status, _headers, body = app.get("/healthz")
    assert status == 503 and "服务暂时不可用" in body

    app.point_database_back()  # the database is back: the next requests answer normally, nothing restarted
    assert app.get("/healthz")[0] == 200
    assert app.get("/api/v1/workorders/cases", HTTP_AUTHORIZATION="Bearer not-a-token")[0] == 401


def test_the_500_handler_answers_503_when_a_middleware_met_the_missing_database(app):
    """Errors raised outside the view (e.g. saving the session after it) reach handler500, not process_exception."""
    from linli.core import errors

    app.point_database_away()

    def fail_in_a_middleware():
        request = RequestFactory().get("/registry/")
        try:
            connections["default"].ensure_connection()
        except Exception:
            return errors.server_error(request)
        raise AssertionError("the database should not have answered")

    response = app.run(fail_in_a_middleware)
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="backend connections are terminated on PostgreSQL")
def test_a_persistent_connection_killed_between_requests_is_replaced_before_the_next_one(app):
    """A PostgreSQL restart kills every connection: CONN_HEALTH_CHECKS replaces the dead one, and while the server is
    still away the answer is the 503, not a 500."""
    assert app.get("/api/v1/workorders/cases", HTTP_AUTHORIZATION="Bearer not-a-token")[0] == 401
    pid = app.backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert app.get("/api/v1/workorders/cases", HTTP_AUTHORIZATION="Bearer not-a-token")[0] == 401
    assert app.backend_pid() != pid

    # The same with the server gone for a while: 503 meanwhile, then a fresh connection.
    pid = app.backend_pid()
    dead_port = _port_nobody_listens_on()
    app.run(lambda: setattr(connections["default"], "settings_dict", {**connection.settings_dict, "PORT": dead_port}))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert app.get("/api/v1/workorders/cases", HTTP_AUTHORIZATION="Bearer not-a-token")[0] == 503
    app.point_database_back()
    assert app.get("/api/v1/workorders/cases", HTTP_AUTHORIZATION="Bearer not-a-token")[0] == 401
