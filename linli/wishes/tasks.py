from django_tasks import task

from linli.core.context import acting_as


@task()
def release_overdue_claims() -> int:
    """Release claims not fulfilled by their due date; the wish goes back on the board."""
    from . import services

    with acting_as("task"):
        return services.release_overdue()
