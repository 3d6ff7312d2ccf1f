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


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare("alliance.created", publisher="alliance", keys=("id", "path"), aggregate=("alliance.alliance", "id"))
events.declare("alliance.member.added", publisher="alliance", keys=("id", "path"), aggregate=("alliance.member", "id"))
events.declare(
    "alliance.meeting.recorded", publisher="alliance", keys=("id", "path"), aggregate=("alliance.meeting", "id")
)
events.declare(
    "alliance.commitment.created", publisher="alliance", keys=("id", "path"), aggregate=("alliance.commitment", "id")
)
events.declare(
    "alliance.wish.claimed", publisher="alliance", keys=("id", "path"), aggregate=("alliance.wishclaim", "id")
)
events.declare(
    "alliance.activity.recorded", publisher="alliance", keys=("id", "path"), aggregate=("alliance.activity", "id")
)
events.declare(
    "alliance.problem.created", publisher="alliance", keys=("id", "path"), aggregate=("alliance.problem", "id")
)
events.declare(
    "alliance.problem.case_opened", publisher="alliance", keys=("id", "case_id"), aggregate=("alliance.problem", "id")
)
events.declare(
    "alliance.problem.solved",
    publisher="alliance",
    keys=("id",),
    optional=("case_id",),
    aggregate=("alliance.problem", "id"),
)
events.declare("alliance.fund.entry", publisher="alliance", keys=("id", "path"), aggregate=("alliance.fundentry", "id"))
events.declare(
    "alliance.partner.added", publisher="alliance", keys=("id", "path"), aggregate=("alliance.partner", "id")
)
events.declare(
    "alliance.project.added", publisher="alliance", keys=("id", "path"), aggregate=("alliance.project", "id")
)
events.declare(
    "alliance.project.claimed", publisher="alliance", keys=("id", "path"), aggregate=("alliance.projectclaim", "id")
)
events.declare(
    "alliance.project.released", publisher="alliance", keys=("id", "path"), aggregate=("alliance.projectclaim", "id")
)


def _scorecards() -> None:
    """This domain's score-card subjects and providers (``scorecard.py``), when score cards are installed."""
    from django.apps import apps

    if apps.is_installed("linli.scorecards"):
        from .scorecard import register

        register()


_scorecards()


def _party_hooks() -> None:
    """This domain's badges, sheet sections and panels on the party's pages (``party_hooks.py``)."""
    from django.apps import apps

    if apps.is_installed("linli.party"):
        from .party_hooks import register

        register()


_party_hooks()


def _problem_ref(user, pk):
    from .records import problem_ref

    return problem_ref(user, pk)


# Other domains point at a problem without importing this app (deliberation raises a matter from it).
registry.add_record_source("alliance.problem", _problem_ref)
