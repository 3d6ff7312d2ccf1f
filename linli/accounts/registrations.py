from django.utils.translation import gettext_lazy as _

from linli.core.registry import MenuItem, registry

registry.add_place_path_field("accounts.user", "scope_path")
registry.add_place_path_field("accounts.rolebinding", "scope_path")
registry.add_menu(
    MenuItem(
        "management", _("Users and roles"), "accounts:user_list", model="accounts.user", order=30, audience="staff"
    )
)
registry.add_menu(
    MenuItem("management", _("Audit trail"), "accounts:audit_list", model="core.auditlog", order=90, audience="staff")
)
