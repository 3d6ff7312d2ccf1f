from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, FigureSource, MenuItem, RecordLinks, registry

from . import handlers
from .models import SCOPED_MODELS

for _model in SCOPED_MODELS:
    if _model.scope_field == "scope_path":
        registry.add_place_path_field(_model._meta.label_lower, "scope_path")

registry.add_menu(
    MenuItem("management", _("Rectification campaigns"), "campaigns:list", model="campaigns.campaign", order=47)
)
registry.add_menu(
    MenuItem("management", _("Property complaint rate"), "campaigns:complaints", model="campaigns.campaign", order=48)
)

registry.add_audit_actions(
    {
        "campaign_start": _("Campaign started"),
        "campaign_close": _("Campaign closed"),
        "finding_to_case": _("Finding turned into a work order"),
        "finding_rectified": _("Finding rectified"),
    }
)


def _figures(user):
    from .figures import collect

    return collect(user)


registry.add_figure_source(FigureSource("campaigns", _figures, order=67))


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


# After work orders and the data centre: findings become cases, some of them archived.
registry.add_demo_seeder(DemoSeeder("campaigns", _seed, order=410))

# A finding turned into a work order is rectified when the case is archived (the last step of the closed loop).
events.subscribe("workorders.case.archive", handlers.on_case_archived)

for _name in ("started", "closed"):
    events.declare(
        f"campaigns.campaign.{_name}",
        publisher="campaigns",
        keys=("campaign_id", "path"),
        aggregate=("campaigns.campaign", "campaign_id"),
    )
events.declare(
    "campaigns.inspection.recorded",
    publisher="campaigns",
    keys=("inspection_id", "campaign_id", "path"),
    aggregate=("campaigns.campaign", "campaign_id"),
)
for _name in ("case_opened", "rectified"):
    events.declare(
        f"campaigns.finding.{_name}",
        publisher="campaigns",
        keys=("finding_id", "case_id", "path"),
        aggregate=("campaigns.finding", "finding_id"),
    )


def _case_links(user, cases) -> dict:
    """The case page links back to the finding it came from (its inspection page), for those who see it."""
    from .records import case_links

    return case_links(user, cases)


registry.add_record_links(RecordLinks("workorders.case", "campaigns", _case_links, order=40))
