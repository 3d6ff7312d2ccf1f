from django.utils.translation import gettext_lazy as _

from linli.core import events
from linli.core.registry import DailyJob, DemoSeeder, MenuItem, registry

from . import handlers

for label in ("points.pointsaccount", "points.ledgerentry", "points.shopitem", "points.order"):
    registry.add_place_path_field(label, "scope_path")

registry.add_menu(MenuItem("services", _("My points"), "points:mine", model="points.ledgerentry", order=60))
registry.add_menu(MenuItem("services", _("Red supermarket"), "points:shop", model="points.shopitem", order=61))
registry.add_menu(
    MenuItem("services", _("My orders"), "points:my_orders", model="points.order", order=62, audience="residents")
)
registry.add_menu(
    MenuItem(
        "services", _("Shop orders"), "points:orders", model="points.order", order=63, audience="staff", action="change"
    )
)
registry.add_menu(MenuItem("management", _("Earning rules"), "points:rules", model="points.earningrule", order=71))
registry.add_menu(
    MenuItem(
        "management", _("Points accounts"), "points:accounts", model="points.pointsaccount", order=70, audience="staff"
    )
)

events.subscribe("volunteering.hours.confirmed", handlers.on_hours_confirmed)
events.subscribe("wishes.wish.confirmed", handlers.on_wish_confirmed)
# Work orders publish "workorders.case.<transition>"; "evaluate" is the final verdict (see handlers.on_case_closed).
events.subscribe("workorders.case.evaluate", handlers.on_case_closed)


def _expire() -> str:
    from .tasks import expire_points_if_due

    return expire_points_if_due.call()


def _seed(ctx):
    from .demo import seed

    return seed(ctx)


registry.add_daily_job(DailyJob("points.expire", _expire, order=500))
registry.add_demo_seeder(DemoSeeder("points", _seed, order=320))

registry.add_audit_actions(
    {
        "points_credit": _("Points credited"),
        "points_adjust": _("Points adjusted"),
        "points_expire": _("Points expired"),
        "restock": _("Restocked"),
    }
)


# The events this domain publishes (the catalogue: linli.core.events; docs/architecture.md § Events).
events.declare(
    "points.credited",
    publisher="points",
    keys=("account_id", "entry_id", "amount", "reason"),
    aggregate=("points.account", "account_id"),
)
events.declare(
    "points.order.placed",
    publisher="points",
    keys=("order_id", "item_id", "quantity"),
    aggregate=("points.order", "order_id"),
)
events.declare("points.order.fulfilled", publisher="points", keys=("order_id",), aggregate=("points.order", "order_id"))
