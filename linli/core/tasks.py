"""Background work of the core (Django tasks API; the database worker runs it by default)."""

from django_tasks import task

from . import audit, context


@task()
def purge_expired_audit() -> int:
    """Daily: remove audit rows past retention (≥ six calendar months, at least 184 days)."""
    with context.acting_as("task"):
        return audit.purge_expired()


@task()
def run_daily_job(key: str) -> str:
    """One registered daily job (work-order deadlines and escalation, reminders, releases, purges) on the worker.

    ``manage.py run_daily`` (the once-a-day timer) enqueues one of these per job, so the work runs on the task
    workers — the database worker by default, RQ on Redis when scaled out — with its result and any error kept
    by the tasks backend.
    """
    from .registry import registry

    job = next((j for j in registry.daily_jobs if j.key == key), None)
    if job is None:
        raise LookupError(f"no daily job {key!r}")
    with context.acting_as("task"):
        return job.run() or ""


@task()
def drain_outbox() -> int:
    """Deliver what is due in the outbox (retries of failed deliveries; the eager attempt after each commit does the
    rest). Enqueue it every minute from the scheduler when no ``manage.py outbox_worker`` runs."""
    from . import outbox

    with context.acting_as("task"):
        return outbox.run(once=True)
