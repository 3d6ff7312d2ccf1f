from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, MenuItem, ResidentPanel, TodoSource, registry

for label in ("visits.pairing", "visits.visit", "visits.visitneed", "visits.careevent", "visits.errand"):
    registry.add_place_path_field(label, "scope_path")

registry.add_menu(
    MenuItem("workbench", _("Visits due"), "visits:due", model="visits.visit", order=30, audience="staff", action="add")
)
registry.add_menu(MenuItem("services", _("Visit log"), "visits:list", model="visits.visit", order=55, audience="staff"))
registry.add_menu(
    MenuItem("services", _("Pairings"), "visits:pairings", model="visits.pairing", order=56, audience="staff")
)
registry.add_menu(
    MenuItem("services", _("Errands"), "visits:errands", model="visits.errand", order=57, audience="staff")
)


def _panel_context(user, resident):
    from .panels import visits_context

    return visits_context(user, resident)


registry.add_resident_panel(
    ResidentPanel(
        key="visits",
        title=_("Visits and help"),
        template="visits/_panel.html",
        context=_panel_context,
        order=60,
        model="visits.visit",
    )
)


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("visits", _seed, order=330))

registry.add_audit_actions({"to_wish": _("Turned into a micro-wish"), "to_case": _("Turned into a work order")})


def _todos(user):
    from .todos import collect

    return collect(user)


registry.add_todo_source(TodoSource("visits", _todos, order=45))


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare(
    "visits.pairing.created",
    publisher="visits",
    keys=("pairing_id", "path"),
    aggregate=("visits.pairing", "pairing_id"),
)
events.declare(
    "visits.visit.logged",
    publisher="visits",
    keys=("visit_id", "resident_id", "needs"),
    aggregate=("registry.resident", "resident_id"),
)
events.declare(
    "visits.care_event.recorded",
    publisher="visits",
    keys=("event_id", "kind"),
    aggregate=("visits.careevent", "event_id"),
)
