from django.utils.translation import gettext_lazy as _

from linli.core.registry import DailyJob, DemoSeeder, MenuItem, ResidentPanel, registry

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


def _panel(user, resident):
    from linli.core.permissions import Action, may_any

    from .models import AccessCredential
    from .selectors import credentials_of

    can_issue = may_any(user, AccessCredential, Action.ADD)
    return {"creds": list(credentials_of(user, resident)), "can_issue": can_issue}


registry.add_resident_panel(
    ResidentPanel(
        "access", _("Door access"), "access/_panel.html", context=_panel, order=70, model="access.accesscredential"
    )
)
