"""Background work of organisational life (Django tasks API)."""

from django_tasks import task

from linli.core.context import acting_as


@task()
def compliance_reminders(today: str | None = None) -> dict:
    """Notify branch secretaries of the items due this period and not yet held (once per month each), and of
    the items of the periods that just ended that were never held (once per period)."""
    import datetime as dt

    from . import reminders

    day = dt.date.fromisoformat(today) if today else None
    with acting_as("task"):
        missed = reminders.run_missing(day)
        counts = reminders.run(day)
    return {**counts, "missed_organisations": missed["organisations"], "missed_messages": missed["messages"]}
