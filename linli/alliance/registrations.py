from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, MenuItem, registry

from . import handlers
from .models import SCOPED_MODELS

for _model in SCOPED_MODELS:
    registry.add_place_path_field(_model._meta.label_lower, "scope_path")

registry.add_menu(
    MenuItem("party", _("Party-building alliances"), "alliance:list", model="alliance.alliance", order=70)
)


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("alliance", _seed, order=260))

# A work order made from a problem-list item closes the item when archived (the work-order domain publishes
# ``workorders.case.<transition>`` from its ``_transition``; "archive" is the last step of the closed loop).
events.subscribe("workorders.case.archive", handlers.on_case_archived)
# 双报到: an in-service member's project claims end with their registration.
events.subscribe("party.inservice.ended", handlers.on_inservice_ended)
