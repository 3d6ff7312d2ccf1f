from django.utils.translation import gettext_lazy as _

from linli.core.registry import MenuItem, registry

registry.add_place_path_field("orgs.organisation", "scope_path")
registry.add_menu(
    MenuItem("government", _("Organisations"), "orgs:list", model="orgs.organisation", order=10, audience="staff")
)
