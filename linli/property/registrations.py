from django.utils.translation import gettext_lazy as _

from linli.core.registry import DemoSeeder, MenuItem, registry

for label in ("property.servicecontract", "property.evaluationround"):
    registry.add_place_path_field(label, "scope_path")

registry.add_menu(
    MenuItem(
        "services",
        _("Property service"),
        "property:manage",
        model="property.servicecontract",
        order=60,
        audience="staff",
    )
)


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("property", _seed, order=330))

registry.add_place_path_field("property.mediationcase", "scope_path")
registry.add_audit_actions(
    {
        "mediation_session": _("Mediation session recorded"),
        "mediation_agree": _("Mediation agreement reached"),
        "mediation_refer": _("Dispute referred"),
    }
)
