from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DailyJob, DemoSeeder, FigureSource, MenuItem, ResidentPanel, TodoSource, registry

for label in ("wishes.wish", "wishes.wishclaim", "wishes.wishphoto"):
    registry.add_place_path_field(label, "scope_path")

registry.add_menu(MenuItem("services", _("Micro-wish board"), "wishes:board", model="wishes.wishclaim", order=50))
registry.add_menu(
    MenuItem("services", _("Micro-wishes (review)"), "wishes:list", model="wishes.wish", order=51, audience="staff")
)


def _release() -> str:
    from django.utils.translation import gettext as gt

    from .tasks import release_overdue_claims

    return gt("released %(n)s overdue micro-wish claims") % {"n": release_overdue_claims.call()}


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_daily_job(DailyJob("wishes.release_overdue", _release, order=400))
registry.add_demo_seeder(DemoSeeder("wishes", _seed, order=310))
registry.add_menu(MenuItem("services", _("My wishes and claims"), "wishes:mine", model="wishes.wishclaim", order=52))


def _panel_context(user, resident):
    from .panels import wishes_context

    return wishes_context(user, resident)


registry.add_resident_panel(
    ResidentPanel(
        key="wishes",
        title=_("Micro-wishes"),
        template="wishes/_panel.html",
        context=_panel_context,
        order=65,
        model="wishes.wish",
    )
)


def _todos(user):
    from .todos import collect

    return collect(user)


def _figures(user):
    from .todos import figures

    return figures(user)


registry.add_todo_source(TodoSource("wishes", _todos, order=50))
registry.add_figure_source(FigureSource("wishes", _figures, order=50))


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare(
    "wishes.wish.submitted", publisher="wishes", keys=("wish_id", "path"), aggregate=("wishes.wish", "wish_id")
)
events.declare(
    "wishes.wish.published", publisher="wishes", keys=("wish_id", "path"), aggregate=("wishes.wish", "wish_id")
)
events.declare(
    "wishes.wish.claimed",
    publisher="wishes",
    keys=("wish_id", "claim_id", "share"),
    aggregate=("wishes.wish", "wish_id"),
)
events.declare(
    "wishes.claim.ended",
    publisher="wishes",
    keys=("wish_id", "claim_id", "state"),
    aggregate=("wishes.wish", "wish_id"),
)
events.declare("wishes.wish.fulfilled", publisher="wishes", keys=("wish_id",), aggregate=("wishes.wish", "wish_id"))
events.declare(
    "wishes.wish.confirmed",
    publisher="wishes",
    keys=("wish_id", "path", "value", "claimers"),
    aggregate=("wishes.wish", "wish_id"),
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
