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


def _token_user(raw):
    from .services import token_authenticate

    return token_authenticate(raw)


# The API's bearer auth (linli.core.api) asks who holds a token; core imports no domain app.
registry.add_token_authenticator(_token_user)
