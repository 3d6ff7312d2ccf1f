import pytest


@pytest.fixture(scope="session")
def _tree_snapshot(django_db_setup, django_db_blocker):
    """``build_tree()`` once per test process (rolled back), its rows kept for :func:`tree` to replay."""
    from linli.accounts.testing import TreeSnapshot

    with django_db_blocker.unblock():
        return TreeSnapshot.take()


@pytest.fixture
def tree(db, _tree_snapshot):
    """The small place tree with one user per role (``linli.accounts.testing.build_tree``), fresh in every test:
    replayed from the process's snapshot (a few INSERTs) instead of built again through the services."""
    return _tree_snapshot.tree()


@pytest.fixture(scope="session")
def _small_demo_snapshot(django_db_setup, django_db_blocker):
    """``seed_demo --small`` once per test process (rolled back), its rows kept for :func:`small_demo`."""
    from io import StringIO

    from django.core.management import call_command

    from linli.core.testing import RowSnapshot

    def seed():
        out = StringIO()
        call_command("seed_demo", "--small", stdout=out)
        return out.getvalue()

    with django_db_blocker.unblock():
        return RowSnapshot.take(seed)


@pytest.fixture
def small_demo(db, _small_demo_snapshot):
    """The demo district as ``seed_demo --small`` leaves it (every domain's seeder), replayed from the process's
    snapshot; returns what the command printed."""
    snapshot, output = _small_demo_snapshot
    snapshot.replay()
    return output


@pytest.fixture
def api_client():
    from django.test import Client

    return Client()


@pytest.fixture
def token_for(client):
    """Issue a bearer token for a username through the real endpoint; returns request headers."""
    from linli.accounts.testing import PASSWORD

    def _token(username):
        resp = client.post(
            "/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json"
        )
        assert resp.status_code == 201, resp.content
        return {"HTTP_AUTHORIZATION": f"Bearer {resp.json()['token']}"}

    return _token


@pytest.fixture(autouse=True)
def _flushable_audit_log(request):
    """Let pytest-django flush the database after a live_server test on SQLite.

    The audit table refuses DELETE of rows younger than 180 days with a trigger (core migration 0002); the trust
    ledger refuses every UPDATE and DELETE (trust migration 0002).
    Flushing after a ``transactional_db`` test is ``DELETE FROM`` on SQLite (``TRUNCATE`` on PostgreSQL, which
    row triggers do not see), so there the test's own audit rows would stop the flush. Before the flush, this
    removes them with the triggers briefly dropped, then puts the triggers back exactly as they were.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    live = {"transactional_db", "live_server"} & set(request.fixturenames)
    if not transactional and not live:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so torn down (flushed) after this teardown
    yield
    from django.core.management.color import no_style
    from django.core.management.sql import sql_flush
    from django.db import connection, transaction

    if connection.vendor != "sqlite":
        return
    # Every append-only table (the audit trail, the trust ledger, …) guards itself with triggers; empty the whole
    # database with them briefly dropped, in one transaction, so the flush that follows finds nothing to refuse.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for statement in sql_flush(no_style(), connection, allow_cascade=False):
            cursor.execute(statement)
        for _name, sql in triggers:
            cursor.execute(sql)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Transactional and live-server tests restore the migrations' reference data after their flush.

    Data migrations seed reference rows (the statutory calendar, work-order categories and time limits, …).
    A transactional test ends with a flush that empties every table, so the next transactional test would start
    without them; ``serialized_rollback`` makes pytest-django reload the post-migration contents first.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and marker.kwargs.get("transaction", False)
        if transactional or "live_server" in getattr(item, "fixturenames", ()):
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents_for_every_connection(django_db_setup, django_db_blocker):
    """Make the serialized post-migration contents reachable from every connection object, not just the first.

    Django keeps the reference data for ``serialized_rollback`` on the connection object that created the test
    database (``connection._test_serialized_contents``). Once Playwright's sync API has started, the thread has
    a running event loop, so Django's connection handler (an asgiref ``Local`` with ``thread_critical=True``)
    hands out a *different* connection object per context. That one lacks the attribute, and
    ``TransactionTestCase`` then silently skips the restore: every later transactional test started from a
    flushed, empty database (no categories, no calendar, no points rules). Putting the contents on the
    connection class restores them whichever object the test gets.
    """
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        contents = getattr(conn, "_test_serialized_contents", None)
        if contents is not None:
            type(conn)._test_serialized_contents = contents
    yield


@pytest.fixture(scope="session", autouse=True)
def _flush_only_tables_with_rows(django_db_setup):
    """On PostgreSQL, the flush after a transactional test truncates only the tables that hold rows.

    Django's flush is one ``TRUNCATE`` of every table (~200); each truncated table and index gets new files, which
    took 5–10 s per transactional test on this machine. One query finds the tables that hold a row (a
    ``LIMIT 1`` probe per table) and only those are truncated, ``CASCADE`` taking the tables that refer to them
    along: every table is empty afterwards, as before. With ``reset_sequences`` the whole list is kept.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        tables = list(tables)
        if not tables or reset_sequences:
            return original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        probe = " UNION ALL ".join(
            f"(SELECT {i} FROM {self.quote_name(table)} LIMIT 1)"  # noqa: S608 -- Django's own table names
            for i, table in enumerate(tables)
        )
        with self.connection.cursor() as cursor:
            cursor.execute(probe)
            holding = [tables[i] for (i,) in cursor.fetchall()]
        return original(self, style, holding, allow_cascade=True) if holding else []

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original
