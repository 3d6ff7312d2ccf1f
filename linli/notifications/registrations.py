from django.utils.translation import gettext_lazy as _

from linli.core.registry import MenuItem, registry

registry.add_menu(
    MenuItem("workbench", _("Notifications"), "notifications:inbox", model="notifications.notification", order=5)
)
