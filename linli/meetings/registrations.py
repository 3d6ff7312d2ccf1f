from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, MenuItem, TodoSource, registry

for label in ("meetings.meeting", "meetings.agendaitem", "meetings.invitee", "meetings.vote"):
    registry.add_place_path_field(label, "scope_path")

registry.add_menu(MenuItem("workbench", _("Micro-meetings"), "meetings:list", model="meetings.meeting", order=40))


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("meetings", _seed, order=230))


def _todos(user):
    from .todos import collect

    return collect(user)


registry.add_todo_source(TodoSource("meetings", _todos, order=40))


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare(
    "meetings.meeting.created", publisher="meetings", keys=("id", "path"), aggregate=("meetings.meeting", "id")
)
events.declare(
    "meetings.meeting.scheduled", publisher="meetings", keys=("id", "path"), aggregate=("meetings.meeting", "id")
)
events.declare(
    "meetings.meeting.opened", publisher="meetings", keys=("id", "path"), aggregate=("meetings.meeting", "id")
)
events.declare(
    "meetings.meeting.closed", publisher="meetings", keys=("id", "path"), aggregate=("meetings.meeting", "id")
)
