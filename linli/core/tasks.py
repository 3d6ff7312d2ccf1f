"""Background work of the core (Django tasks API; the database worker runs it by default)."""

from django_tasks import task

from . import audit, context


@task()
def purge_expired_audit() -> int:
    """Daily: remove audit rows past retention (≥ 180 days)."""
    with context.acting_as("task"):
        return audit.purge_expired()
