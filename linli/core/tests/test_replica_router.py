"""The read-replica router's decisions (linli.core.replica), on SQLite and PostgreSQL: only reads that asked for it,
outside a write's transaction, in a request that has not written, of models that may lag, go to ``replica``.
The real streaming replica is exercised by bench/faults/replica.py (make replica-check)."""

import pytest
from django.db import transaction
from django.test import RequestFactory

from linli.accounts.models import User
from linli.core import replica
from linli.core.models import AuditLog
from linli.workorders.models import Case

router = replica.ReplicaRouter()


def _request_scope(fn, cookies=None):
    """Run ``fn`` as the view of a request passing through the pin middleware; return (its result, response)."""
    seen = {}

    def view(request):
        from django.http import HttpResponse

        seen["result"] = fn()
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    response = replica.ReplicaPinMiddleware(view)(request)
    return seen["result"], response


def test_only_reads_that_asked_for_it_go_to_the_replica():
    def decide():
        plain = router.db_for_read(Case)
        with replica.replica_reads():
            asked = router.db_for_read(Case)
            fresh = router.db_for_read(User), router.db_for_read(AuditLog)
        return plain, asked, fresh

    (plain, asked, fresh), response = _request_scope(decide)
    assert plain == "default" and asked == "replica"
    assert fresh == ("default", "default")  # accounts and the core's plumbing are always fresh
    assert replica.PIN_COOKIE not in response.cookies  # nothing was written


@pytest.mark.django_db(transaction=True)  # no test transaction around it: the test opens its own
def test_reads_inside_a_write_transaction_and_after_a_write_stay_on_the_primary():
    def decide():
        with replica.replica_reads():
            with transaction.atomic():
                inside = router.db_for_read(Case)
            before = router.db_for_read(Case)
            assert router.db_for_write(Case) == "default"
            after = router.db_for_read(Case)
        return inside, before, after

    (inside, before, after), response = _request_scope(decide)
    assert (inside, before, after) == ("default", "replica", "default")
    assert response.cookies[replica.PIN_COOKIE]["max-age"] == 5  # the next few seconds read their own write

    # The next request of that client (the page after the POST) is pinned to the primary …
    def read():
        with replica.replica_reads():
            return router.db_for_read(Case)

    assert _request_scope(read, cookies={replica.PIN_COOKIE: "1"})[0] == "default"
    # … and a request without the pin starts clean again: a write of an earlier request does not leak.
    assert _request_scope(read)[0] == "replica"


def test_related_rows_of_a_primary_row_come_from_the_primary_and_migrations_run_there_only():
    case = Case(title="x")
    case._state.db = "default"
    with replica.replica_reads():
        assert router.db_for_read(Case, instance=case) == "default"
        case._state.db = "replica"
        assert router.db_for_read(Case, instance=case) == "replica"
    assert router.allow_migrate("default", "workorders") and not router.allow_migrate("replica", "workorders")
    assert replica.reads_from_replica(lambda: router.db_for_read(Case))() == "replica"
