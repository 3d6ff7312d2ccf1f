from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DailyJob, DemoSeeder, MenuItem, ResidentPanel, TodoSource, registry

from .models import SCOPED_MODELS

for _model in SCOPED_MODELS:
    registry.add_place_path_field(_model._meta.label_lower, "scope_path")

registry.add_menu(
    MenuItem("services", _("Volunteer activities"), "volunteering:find", model="volunteering.activity", order=40)
)
registry.add_menu(
    MenuItem("services", _("My volunteering"), "volunteering:me", model="volunteering.volunteer", order=41)
)
registry.add_menu(
    MenuItem("services", _("Star notice"), "volunteering:star_notice", model="volunteering.starnotice", order=42)
)
registry.add_menu(
    MenuItem(
        "services",
        _("Volunteers"),
        "volunteering:volunteers",
        model="volunteering.volunteer",
        order=43,
        audience="staff",
    )
)
registry.add_menu(
    MenuItem(
        "services", _("Volunteer teams"), "volunteering:teams", model="volunteering.team", order=44, audience="staff"
    )
)
registry.add_menu(
    MenuItem(
        "services",
        _("Volunteer stars"),
        "volunteering:stars",
        model="volunteering.staraward",
        order=45,
        audience="staff",
    )
)
registry.add_menu(
    MenuItem(
        "management",
        _("Volunteer star levels"),
        "volunteering:star_levels",
        model="volunteering.starthreshold",
        order=72,
        audience="staff",
    )
)


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


def _stars():
    from .tasks import run_stars

    return run_stars()


registry.add_demo_seeder(DemoSeeder("volunteering", _seed, order=300))
registry.add_daily_job(DailyJob("volunteering.stars", _stars, order=300))


def _panel(user, resident):
    from linli.core.permissions import restrict

    from .models import Volunteer

    volunteer = restrict(Volunteer.objects.filter(resident=resident), user).first()
    if volunteer is None:
        return None
    records = volunteer.records.select_related("activity").order_by("-served_on")[:5]
    return {"volunteer": volunteer, "records": records}


registry.add_resident_panel(
    ResidentPanel(
        "volunteering",
        _("Volunteer service"),
        "volunteering/_panel.html",
        context=_panel,
        order=60,
        model="volunteering.volunteer",
    )
)


def _todos(user):
    from .todos import collect

    return collect(user)


registry.add_todo_source(TodoSource("volunteering", _todos, order=55))


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare(
    "volunteering.volunteer.registered",
    publisher="volunteering",
    keys=("id", "resident_id", "path"),
    aggregate=("volunteering.volunteer", "id"),
)
events.declare(
    "volunteering.team.created", publisher="volunteering", keys=("id", "path"), aggregate=("volunteering.team", "id")
)
events.declare(
    "volunteering.activity.created",
    publisher="volunteering",
    keys=("id", "path"),
    aggregate=("volunteering.activity", "id"),
)
events.declare(
    "volunteering.activity.published",
    publisher="volunteering",
    keys=("id", "path"),
    aggregate=("volunteering.activity", "id"),
)
events.declare(
    "volunteering.signup.created",
    publisher="volunteering",
    keys=("id", "activity_id", "volunteer_id", "status"),
    aggregate=("volunteering.activity", "activity_id"),
)
events.declare(
    "volunteering.signup.promoted",
    publisher="volunteering",
    keys=("id", "activity_id"),
    aggregate=("volunteering.activity", "activity_id"),
)
events.declare(
    "volunteering.hours.confirmed",
    publisher="volunteering",
    keys=("record_id", "volunteer_id", "resident_id", "hours", "activity_id", "confirmed_at"),
    aggregate=("volunteering.volunteer", "volunteer_id"),
)
events.declare(
    "volunteering.star.awarded",
    publisher="volunteering",
    keys=("volunteer_id", "level"),
    aggregate=("volunteering.volunteer", "volunteer_id"),
)


def _scorecards() -> None:
    """This domain's score-card subjects and providers (``scorecard.py``), when score cards are installed."""
    from django.apps import apps

    if apps.is_installed("linli.scorecards"):
        from .scorecard import register

        register()


_scorecards()
