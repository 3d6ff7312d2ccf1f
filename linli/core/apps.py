from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Each domain declares its role grants in ``rules.py`` and its menu entries,
        # panels and place-path fields in ``registry.py``; load them once here.
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers the development-defaults checks)

        autodiscover_modules("rules")
        autodiscover_modules("registrations")
        # Every subscription names a declared event: a typo stops the start-up here.
        from . import events

        events.seal()
