from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DemoSeeder, MenuItem, TodoSource, registry

registry.add_place_path_field("owners.ownerscommittee", "scope_path")
registry.add_place_path_field("owners.committeeseat", "scope_path")

registry.add_menu(
    MenuItem(
        "management", _("Owners' committees"), "owners:list", model="owners.ownerscommittee", order=40, audience="staff"
    )
)


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


# After the party seeder (200): some seats go to party members so their badge shows.
registry.add_demo_seeder(DemoSeeder("owners", _seed, order=240))


def _todos(user):
    from .todos import collect

    return collect(user)


registry.add_todo_source(TodoSource("owners", _todos, order=65))


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare(
    "owners.committee.created",
    publisher="owners",
    keys=("committee_id", "path"),
    aggregate=("owners.committee", "committee_id"),
)
events.declare(
    "owners.seat.added",
    publisher="owners",
    keys=("seat_id", "committee_id", "resident_id"),
    aggregate=("owners.committee", "committee_id"),
)
events.declare(
    "owners.seat.ended",
    publisher="owners",
    keys=("seat_id", "committee_id"),
    aggregate=("owners.committee", "committee_id"),
)


def _party_hooks() -> None:
    """This domain's badges, sheet sections and panels on the party's pages (``party_hooks.py``)."""
    from django.apps import apps

    if apps.is_installed("linli.party"):
        from .party_hooks import register

        register()


_party_hooks()
