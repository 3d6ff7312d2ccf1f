from django.utils.translation import gettext_lazy as _

from linli.core.registry import DemoSeeder, MenuItem, TodoSource, registry

from .builtin import register_builtin

register_builtin()

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
