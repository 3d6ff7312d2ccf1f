from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.registry import DailyJob, MenuItem, registry


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
