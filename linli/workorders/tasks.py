"""Background work for cases (Django tasks API; database worker by default)."""

from django_tasks import task

from linli.core.context import acting_as


@task()
def check_deadlines() -> dict:
    from . import deadlines

    with acting_as("task"):
        return deadlines.run()
