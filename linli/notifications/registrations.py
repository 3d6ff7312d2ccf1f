from django.utils.translation import gettext_lazy as _

from linli.core.registry import MenuItem, ShellValue, registry

registry.add_menu(
    MenuItem("workbench", _("Notifications"), "notifications:inbox", model="notifications.notification", order=5)
)


def _unread(user):
    import functools

    from .services import unread_count

    # Called (one COUNT query) only by templates that show it: the bell in the header.
    return functools.partial(unread_count, user)


registry.add_shell_value(ShellValue("notification_count", _unread))
