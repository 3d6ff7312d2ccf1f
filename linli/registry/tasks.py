"""Background work of the data centre (Django tasks API: the database worker in production, immediate in tests).

Tasks call services only; each runs under its own request id so its audit rows group together.
"""

from django_tasks import task

from linli.core import context


@task()
def validate_import(job_id: int) -> str:
    """Check every row of an uploaded import (``importing.services.run_validation``)."""
    from .importing import services

    with context.acting_as("task"):
        return services.run_validation(job_id)


@task()
def commit_import(job_id: int) -> str:
    """Write a checked import in one transaction, or nothing (``importing.services.run_commit``)."""
    from .importing import services

    with context.acting_as("task"):
        return services.run_commit(job_id)


@task()
def purge_import_files(days: int = 7) -> int:
    """Daily: drop the stored files of imports left unimported for a week (they hold personal numbers)."""
    from .importing import services

    with context.acting_as("task"):
        return services.purge_old_files(days)
