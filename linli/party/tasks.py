"""Background work of party building (Django tasks API; immediate in tests). Tasks call services/reminders only."""

from django_tasks import task

from linli.core import context


@task()
def term_reminders() -> str:
    """Daily: remind the secretary of each organisation whose term ends within 90 days (换届)."""
    from . import reminders

    with context.acting_as("task"):
        counts = reminders.term_reminders()
    return "reminded {organisations} organisations ({messages} messages)".format(**counts)


@task()
def stale_reminders() -> str:
    """Daily (once a month per community): in-service members who have not reported for 6 months."""
    from . import reminders

    with context.acting_as("task"):
        counts = reminders.stale_reminders()
    return "reminded {communities} communities ({messages} messages)".format(**counts)
