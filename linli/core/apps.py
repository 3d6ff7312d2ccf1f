from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Each app declares its role grants in ``rules.py`` and, in ``registrations.py``, what it puts into
        # core's registry (``linli/core/registry.py``: menu entries, resident panels, place-path fields, to-dos,
        # daily jobs …), its events (``events.declare``/``subscribe``) and its hooks into lower domains. Both
        # modules of every installed app are autodiscovered once here.
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers the development-defaults checks)

        autodiscover_modules("rules")
        autodiscover_modules("registrations")
        # Every subscription names a declared event: a typo stops the start-up here.
        from . import events

        events.seal()
