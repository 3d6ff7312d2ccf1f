from django.utils.translation import gettext_lazy as _

from linli.core.registry import DailyJob, DemoSeeder, MenuItem, registry

from .models import SCOPED_MODELS

for _model in SCOPED_MODELS:
    registry.add_place_path_field(_model._meta.label_lower, "scope_path")

registry.add_menu(MenuItem("management", _("Door access"), "access:doors", model="access.door", order=60))
registry.add_menu(MenuItem("services", _("My door access"), "access:mine", model="access.visitorpass", order=60))

registry.add_audit_actions(
    {
        "door_rotate_secret": _("Door controller secret renewed"),
        "credential_revoke": _("Access credential revoked"),
        "pass_revoke": _("Visitor pass revoked"),
        "access_events_read": _("Access records read for a stated purpose"),
        "access_purge": _("Access records past retention purged"),
    }
)


def _purge():
    from .services import purge_expired

    return f"{purge_expired()} access events past retention purged"


registry.add_daily_job(DailyJob("access.purge", _purge, order=800))


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("access", _seed, order=260))
