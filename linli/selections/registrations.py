from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, MenuItem, ResidentPanel, TodoSource, registry

registry.add_place_path_field("selections.selection", "scope_path")

registry.add_menu(
    MenuItem(
        "services",
        _("Selections"),
        "selections:list",
        model="selections.selection",
        action="add",
        order=47,
        audience="staff",
    )
)
registry.add_menu(
    MenuItem(
        "services",
        _("Selections in my community"),
        "selections:phone",
        model="selections.selection",
        audience="residents",
        order=47,
    )
)

registry.add_audit_actions(
    {
        "selection_open_vote": _("Selection vote opened"),
        "selection_announce": _("Selection result announced"),
        "selection_finalise": _("Selection result final"),
        "nomination_accept": _("Nomination accepted"),
        "nomination_reject": _("Nomination rejected"),
    }
)


def _panel_context(user, resident):
    from .selectors import honours

    wins = list(honours(user, resident)[:10])
    return {"honours": wins} if wins else None


registry.add_resident_panel(
    ResidentPanel(
        key="selections",
        title=_("Honours (selections)"),
        template="selections/_panel.html",
        context=_panel_context,
        order=68,
        model="selections.nomination",
    )
)


def _todos(user):
    from .todos import collect

    return collect(user)


registry.add_todo_source(TodoSource("selections", _todos, order=67))


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("selections", _seed, order=305))

# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare(
    "selections.selection.created",
    publisher="selections",
    keys=("selection_id", "path", "kind"),
    aggregate=("selections.selection", "selection_id"),
)
for _name in ("voting", "final"):
    events.declare(
        f"selections.selection.{_name}",
        publisher="selections",
        keys=("selection_id", "path"),
        aggregate=("selections.selection", "selection_id"),
    )
events.declare(
    "selections.selection.announced",
    publisher="selections",
    keys=("selection_id", "path", "winners"),
    aggregate=("selections.selection", "selection_id"),
)
