from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DailyJob, DemoSeeder, MenuItem, ResidentPanel, TodoSource, registry

for label in (
    "party.partyorg",
    "party.partymember",
    "party.committeeseat",
    "party.centerhousehold",
    "party.inservicemember",
    "party.employerregistration",
    "party.servicepost",
    "party.postclaim",
    "party.servicerecord",
):
    registry.add_place_path_field(label, "scope_path")


def in_party_work(user) -> bool:
    """Staff, or a resident login whose resident record is a registered or in-service party member: the party
    entries of the menu are not shown to every resident (one query per page for residents, none for staff)."""
    from linli.core.context_processors import is_staff_user

    from .models import InServiceMember, PartyMember

    if is_staff_user(user):
        return True
    cached = getattr(user, "_linli_in_party", None)
    if cached is None:
        cached = (
            PartyMember.objects.filter(is_active=True, resident__account_id=user.pk).exists()
            or InServiceMember.objects.filter(is_active=True, resident__account_id=user.pk).exists()
        )
        user._linli_in_party = cached
    return cached


# A member's own page (membership, 双报到 registration, service hours): every login that may see party members —
# residents see only their own rows there.
registry.add_menu(
    MenuItem("party", _("My party membership"), "party:mine", model="party.partymember", order=5, check=in_party_work)
)
registry.add_menu(
    MenuItem("party", _("Party organisations"), "party:tree", model="party.partyorg", order=10, audience="staff")
)
registry.add_menu(
    MenuItem(
        "party", _("Registered members"), "party:member_list", model="party.partymember", order=11, audience="staff"
    )
)
registry.add_menu(
    MenuItem(
        "party",
        _("In-service members"),
        "party:inservice_list",
        model="party.inservicemember",
        order=12,
        audience="staff",
    )
)
registry.add_menu(
    MenuItem(
        "party",
        _("Co-building organisations"),
        "party:employer_list",
        model="party.employerregistration",
        order=13,
        audience="staff",
    )
)
registry.add_menu(
    MenuItem("party", _("Service posts"), "party:post_list", model="party.servicepost", order=14, audience="staff")
)


def _panel_context(user, resident):
    from .panels import resident_panel_context

    return resident_panel_context(user, resident)


registry.add_resident_panel(
    ResidentPanel(
        key="party",
        title=_("Party membership"),
        template="party/_resident_panel.html",
        context=_panel_context,
        order=40,
        model="party.partymember",
    )
)


def _term_reminders() -> str:
    from . import reminders

    counts = reminders.term_reminders()
    return "term reminders: {organisations} organisations ({messages} messages)".format(**counts)


def _stale_reminders() -> str:
    from . import reminders

    counts = reminders.stale_reminders()
    return "stale 双报到: {communities} communities ({messages} messages)".format(**counts)


registry.add_daily_job(DailyJob("party.term_reminders", _term_reminders, order=40))
registry.add_daily_job(DailyJob("party.stale_reminders", _stale_reminders, order=41))


def _demo(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_demo_seeder(DemoSeeder("party", _demo, order=200))


def _todos(user):
    from .todos import collect

    return collect(user)


registry.add_todo_source(TodoSource("party", _todos, order=25))


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare("party.org.created", publisher="party", keys=("id", "path", "kind"), aggregate=("party.org", "id"))
events.declare("party.org.moved", publisher="party", keys=("id", "path"), aggregate=("party.org", "id"))
events.declare("party.org.archived", publisher="party", keys=("id", "path"), aggregate=("party.org", "id"))
events.declare("party.org.elected", publisher="party", keys=("id",), aggregate=("party.org", "id"))
events.declare("party.seat.added", publisher="party", keys=("id", "org"), aggregate=("party.org", "org"))
events.declare("party.member.added", publisher="party", keys=("id", "org", "path"), aggregate=("party.member", "id"))
events.declare(
    "party.member.transferred", publisher="party", keys=("old", "new", "to"), aggregate=("party.member", "old")
)
events.declare("party.member.ended", publisher="party", keys=("id", "path"), aggregate=("party.member", "id"))
events.declare(
    "party.employer.registered",
    publisher="party",
    keys=("id", "organisation", "path"),
    aggregate=("party.employer", "id"),
)
events.declare("party.inservice.reported", publisher="party", keys=("id", "path"), aggregate=("party.inservice", "id"))
events.declare("party.inservice.ended", publisher="party", keys=("id", "path"), aggregate=("party.inservice", "id"))
events.declare("party.post.claimed", publisher="party", keys=("id", "post", "member"), aggregate=("party.post", "post"))
events.declare(
    "party.service.recorded", publisher="party", keys=("id", "member", "hours"), aggregate=("party.inservice", "member")
)


def _scorecards() -> None:
    """This domain's score-card subjects and providers (``scorecard.py``), when score cards are installed."""
    from django.apps import apps

    if apps.is_installed("linli.scorecards"):
        from .scorecard import register

        register()


_scorecards()
