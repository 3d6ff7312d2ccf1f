from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, MenuItem, registry

for label in ("learning.course", "learning.question", "learning.assignment", "learning.quizattempt"):
    registry.add_place_path_field(label, "scope_path")

registry.add_menu(MenuItem("workbench", _("My courses"), "learning:mine", model="learning.assignment", order=41))
registry.add_menu(
    MenuItem(
        "party",
        _("Micro-learning"),
        "learning:courses",
        model="learning.course",
        order=50,
        audience="staff",
        action="add",
    )
)


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("learning", _seed, order=220))


def _scorecards() -> None:
    from django.apps import apps

    if apps.is_installed("linli.scorecards"):
        from .scorecard import register

        register()


_scorecards()


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare(
    "learning.course.created", publisher="learning", keys=("id", "path"), aggregate=("learning.course", "id")
)
events.declare(
    "learning.course.completed",
    publisher="learning",
    keys=("assignment", "user", "course"),
    aggregate=("learning.assignment", "assignment"),
)
