"""Background work runs through Django's tasks API on the database worker and, to scale out, on Redis (RQ)."""

import socket

import pytest
from django.test import override_settings

from linli.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)  # the worker closes the connection, as a real worker would
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_database_worker_runs_the_audit_purge():
    from django.core.management import call_command

    from linli.core.tasks import purge_expired_audit

    result = purge_expired_audit.enqueue()
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    result.refresh()
    assert result.status == "SUCCESSFUL", result.status
    assert result.return_value == 0


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_run_daily_enqueues_every_job_for_the_database_worker(capsys):
    """The daily timer only enqueues; the worker runs the deadline checks, reminders and purges."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from linli.core.registry import registry

    call_command("run_daily")
    out = capsys.readouterr().out
    keys = [j.key for j in registry.daily_jobs]
    assert "workorders.deadlines" in keys and all(k in out for k in keys)
    rows = DBTaskResult.objects.filter(task_path="linli.core.tasks.run_daily_job")
    assert rows.count() == len(keys) and {r.status for r in rows} == {"READY"}  # nothing ran in the command
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    assert {r.status for r in rows.all()} == {"SUCCESSFUL"}, [(r.args_kwargs, r.status) for r in rows.all()]
    assert sorted(r.args_kwargs["args"][0] for r in rows.all()) == sorted(keys)


def test_run_daily_refuses_unknown_job_keys(capsys):
    from django.core.management import call_command

    with pytest.raises(SystemExit):
        call_command("run_daily", "--only", "no.such.job")
    assert "no.such.job" in capsys.readouterr().err


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379 (redis-server --daemonize yes)")
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    RQ_QUEUES={"default": {"URL": "redis://127.0.0.1:6379/15", "DEFAULT_TIMEOUT": 60}},
)
def test_rq_worker_runs_the_audit_purge():
    import django_rq
    from django_tasks_rq import Job

    from linli.core.tasks import purge_expired_audit

    queue = django_rq.get_queue("default")
    queue.empty()
    result = purge_expired_audit.enqueue()
    worker = django_rq.get_worker("default", job_class=Job)  # = manage.py rqworker --job-class django_tasks_rq.Job
    worker.work(burst=True)
    result.refresh()
    assert result.status == "SUCCESSFUL", result.status
    queue.empty()


@override_settings(LINLI_TRUST_X_FORWARDED_FOR=True)
def test_client_ip_from_nginx_when_trusted(tree, client):
    client.force_login(tree.users["secretary_a1"])
    client.patch(
        f"/api/v1/places/{tree.building_a1.code}",
        {"floors": 8},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9",
        REMOTE_ADDR="127.0.0.1",
    )
    # nginx appends the peer it saw; whatever the client put before it is not believed
    assert AuditLog.objects.filter(action="update").first().ip == "203.0.113.9"
