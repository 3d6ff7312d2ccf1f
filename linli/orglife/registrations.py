from django.utils.translation import gettext_lazy as _

from linli.core import dates, events
from linli.core.registry import DailyJob, DemoSeeder, FigureSource, MenuItem, TodoSource, registry
from linli.party.registrations import in_party_work

for label in ("orglife.meeting", "orglife.evaluation", "orglife.talk"):
    registry.add_place_path_field(label, "scope_path")

# Residents see these only when their resident record is a party member (their branch's records).
registry.add_menu(
    MenuItem(
        "party", _("Organisational life"), "orglife:overview", model="orglife.meeting", order=20, check=in_party_work
    )
)
registry.add_menu(
    MenuItem(
        "party", _("Meeting records"), "orglife:meeting_list", model="orglife.meeting", order=21, check=in_party_work
    )
)


def _reminders() -> str:
    from . import reminders

    today = dates.today()
    # Items of a period that is over and were never held: every day (each closed period is reminded once).
    missed = "missed periods: {organisations} organisations ({messages} messages)".format(
        **reminders.run_missing(today)
    )
    if today.day < reminders.remind_from_day():
        return f"{missed}; due items not yet (reminders from day {reminders.remind_from_day()} of the month)"
    counts = reminders.run(today)
    return f"{missed}; " + "due items: reminded {organisations} organisations ({messages} messages)".format(**counts)


registry.add_daily_job(DailyJob("orglife.reminders", _reminders, order=30))


def _demo(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("orglife", _demo, order=210))


def _todos(user):
    from .todos import collect

    return collect(user)


def _figures(user):
    from .todos import figures

    return figures(user)


registry.add_todo_source(TodoSource("orglife", _todos, order=30))
registry.add_figure_source(FigureSource("orglife", _figures, order=30))


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare(
    "orglife.meeting.recorded",
    publisher="orglife",
    keys=("id", "org", "kind", "path"),
    aggregate=("orglife.meeting", "id"),
)
events.declare(
    "orglife.resolution.recorded",
    publisher="orglife",
    keys=("id", "meeting", "passed"),
    aggregate=("orglife.meeting", "meeting"),
)
events.declare(
    "orglife.evaluation.start_peer_review",
    publisher="orglife",
    keys=("id", "org", "year"),
    aggregate=("orglife.evaluation", "id"),
)
events.declare(
    "orglife.evaluation.start_poll",
    publisher="orglife",
    keys=("id", "org", "year"),
    aggregate=("orglife.evaluation", "id"),
)
events.declare(
    "orglife.evaluation.rate", publisher="orglife", keys=("id", "org", "year"), aggregate=("orglife.evaluation", "id")
)


def _scorecards() -> None:
    """This domain's score-card subjects and providers (``scorecard.py``), when score cards are installed."""
    from django.apps import apps

    if apps.is_installed("linli.scorecards"):
        from .scorecard import register

        register()


_scorecards()
