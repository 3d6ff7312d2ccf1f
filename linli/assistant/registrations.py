from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DailyJob, DemoSeeder, MenuItem, registry
from linli.workorders import hooks

from . import handlers

registry.add_place_path_field("assistant.suggestion", "scope_path")

registry.add_menu(
    MenuItem("government", _("Routing suggestions"), "assistant:accuracy", model="assistant.routingmodel", order=24)
)

registry.add_audit_actions(
    {
        "suggestion_accept": _("Suggestion accepted"),
        "suggestion_override": _("Suggestion overridden"),
        "model_promote": _("Model version put in use"),
        "model_retire": _("Model version retired"),
        "model_reject": _("Model version rejected"),
    }
)


def _panel(request, case):
    from .views.panel import panel_context

    return panel_context(request, case)


# The suggestion on the staff case page, where the dispatcher accepts it or dispatches otherwise. It is made
# when the case page is first shown to staff (not on every report: reporting stays as cheap as it was).
hooks.add_case_panel(hooks.CasePanel("assistant", "assistant/_panel.html", _panel, order=10))

events.subscribe("workorders.case.dispatch", handlers.on_case_dispatched)


def _harvest() -> str:
    from .services import harvest_cases

    return f"routing examples gathered: {harvest_cases()}"


registry.add_daily_job(DailyJob("assistant.harvest", _harvest, order=80))


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


# After work orders (400): the categories are wired to departments by then.
registry.add_demo_seeder(DemoSeeder("assistant", _seed, order=420))
