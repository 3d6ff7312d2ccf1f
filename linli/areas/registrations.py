from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import MenuItem, registry

registry.add_place_path_field("areas.grid", "scope_path")
registry.add_menu(
    MenuItem("management", _("Places"), "areas:place_list", model="areas.place", order=10, audience="staff")
)
registry.add_menu(MenuItem("management", _("Grids"), "areas:grid_list", model="areas.grid", order=20, audience="staff"))


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare("areas.place.created", publisher="areas", keys=("id", "path"), aggregate=("areas.place", "id"))
events.declare(
    "areas.place.moved", publisher="areas", keys=("id", "old_path", "new_path"), aggregate=("areas.place", "id")
)
