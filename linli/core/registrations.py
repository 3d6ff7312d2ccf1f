from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.registry import DailyJob, Figure, FigureSource, MenuItem, registry


def _purge_audit() -> str:
    from linli.core.audit import purge_expired

    return _("%(n)s expired audit rows removed") % {"n": purge_expired()}


registry.add_daily_job(DailyJob("core.purge_audit", _purge_audit, order=900))

registry.add_menu(
    MenuItem(
        "management",
        gettext_lazy("Working-day calendar"),
        "portal:calendar",
        model="core.calendarday",
        order=85,
        audience="staff",
    )
)


def _purge_outbox() -> str:
    from linli.core.outbox import purge_delivered

    return _("%(n)s delivered events removed from the outbox") % {"n": purge_delivered()}


registry.add_daily_job(DailyJob("core.purge_outbox", _purge_outbox, order=910))


def _purge_idempotency() -> str:
    from linli.core.idempotency import purge_expired

    return _("%(n)s expired idempotency keys removed") % {"n": purge_expired()}


registry.add_daily_job(DailyJob("core.purge_idempotency", _purge_idempotency, order=920))

registry.add_menu(
    MenuItem(
        "management",
        gettext_lazy("Event deliveries"),
        "portal:outbox",
        model="core.eventdelivery",
        order=95,
        audience="staff",
    )
)


def _outbox_figures(user) -> list[Figure]:
    """For those who may see the outbox (district administrators): events waiting, and dead letters."""
    from django.urls import reverse

    from linli.core.models import EventDelivery
    from linli.core.outbox import counts
    from linli.core.permissions import may_any

    if not may_any(user, EventDelivery):
        return []
    n = counts()
    url = reverse("portal:outbox")
    return [
        Figure("core.outbox_pending", gettext_lazy("Events waiting for delivery"), n["pending"], "management", url),
        Figure(
            "core.outbox_dead",
            gettext_lazy("Dead letters (events not delivered)"),
            n["dead"],
            "management",
            f"{url}?status=dead",
            hint=gettext_lazy("replay them once the cause is fixed") if n["dead"] else "",
        ),
    ]


registry.add_figure_source(FigureSource("core.outbox", _outbox_figures, order=95))
registry.add_audit_actions({"outbox_replay": gettext_lazy("Event delivery replayed")})
