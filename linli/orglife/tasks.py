"""Background work of organisational life (Django tasks API)."""

from django_tasks import task

from linli.core.context import acting_as


@task()
def compliance_reminders(today: str | None = None) -> dict:
    """Notify branch secretaries of the items due this period and not yet held (once per month each)."""
    import datetime as dt

    from . import reminders

    with acting_as("task"):
        return reminders.run(dt.date.fromisoformat(today) if today else None)
