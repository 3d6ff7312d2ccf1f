from django.utils.translation import gettext_lazy as _

from linli.core.registry import DemoSeeder, MenuItem, registry

from .models import SCOPED_MODELS

for _model in SCOPED_MODELS:
    registry.add_place_path_field(_model._meta.label_lower, "scope_path")

registry.add_menu(MenuItem("party", _("Party-building alliances"), "alliance:list", model="alliance.alliance",
                           order=70))


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("alliance", _seed, order=260))
