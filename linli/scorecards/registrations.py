from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, MenuItem, TodoSource, registry

for _label in ("scorecards.scorerun", "scorecards.scorecard", "scorecards.objection"):
    registry.add_place_path_field(_label, "scope_path")

registry.add_menu(MenuItem("party", _("Score cards"), "scorecards:list", model="scorecards.scorerun", order=80))


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("scorecards", _seed, order=290))


def _todos(user):
    from .todos import collect

    return collect(user)


registry.add_todo_source(TodoSource("scorecards", _todos, order=35))


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare(
    "scorecards.run.computed", publisher="scorecards", keys=("id", "path"), aggregate=("scorecards.run", "id")
)
events.declare(
    "scorecards.run.publicised", publisher="scorecards", keys=("id", "path"), aggregate=("scorecards.run", "id")
)
events.declare(
    "scorecards.run.finalised", publisher="scorecards", keys=("id", "path"), aggregate=("scorecards.run", "id")
)
events.declare(
    "scorecards.objection.raised", publisher="scorecards", keys=("id", "run"), aggregate=("scorecards.run", "run")
)
