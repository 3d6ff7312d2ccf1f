from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, MenuItem, registry

from .models import SCOPED_MODELS

for _model in SCOPED_MODELS:
    registry.add_place_path_field(_model._meta.label_lower, "scope_path")

registry.add_menu(MenuItem("services", _("Trust accounts"), "trust:accounts", model="trust.trustaccount", order=47))

registry.add_audit_actions(
    {
        "trust_post": _("Journal entry posted"),
        "trust_bill": _("Fees billed"),
        "trust_collect": _("Fee collected"),
        "trust_expense": _("Expenditure recorded"),
        "trust_remuneration": _("Remuneration paid"),
        "trust_reverse": _("Entry reversed"),
        "trust_close": _("Month closed, statement published"),
    }
)


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("trust", _seed, order=260))

events.declare(
    "trust.statement.published",
    publisher="trust",
    keys=("statement_id", "path", "month", "head"),
    aggregate=("trust.statement", "statement_id"),
)
