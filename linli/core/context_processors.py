"""What every page's shell needs: the navigation the user may see, and display preferences."""

import functools

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from linli.core import dates

from .permissions import may_any
from .registry import SECTIONS, registry

SECTION_LABELS = {
    "workbench": _("Workbench"),
    "party": _("Party affairs"),
    "government": _("Government affairs"),
    "management": _("Management"),
    "services": _("Services"),
}


def is_staff_user(user) -> bool:
    """Holds a role other than resident (or is a superuser): sees the staff side of the menu."""
    from .permissions import bindings_for

    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(b.role != "resident" for b in bindings_for(user))


def visible_menu(user) -> dict[str, list[dict]]:
    from django.apps import apps

    menu: dict[str, list[dict]] = {s: [] for s in SECTIONS}
    if not getattr(user, "is_authenticated", False):
        return menu
    staff = is_staff_user(user)
    for item in sorted(registry.menu, key=lambda i: (i.section, i.order)):
        if item.superuser_only and not user.is_superuser:
            continue
        if (item.audience == "staff" and not staff) or (item.audience == "residents" and staff):
            continue
        if item.model and not may_any(user, apps.get_model(item.model), item.action):
            continue
        if item.check is not None and not item.check(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        menu[item.section].append({"label": item.label, "url": url})
    return menu


def provisional_calendar_years(user) -> list[int]:
    """For those who keep the calendar: this or next year with no State Council arrangement entered yet."""
    import datetime as dt

    from .models import CalendarDay
    from .workdays import provisional_years

    if not getattr(user, "is_authenticated", False) or not may_any(user, CalendarDay, "change"):
        return []
    year = dates.today().year
    return provisional_years(dt.date(year, 1, 1), dt.date(year + 1, 12, 31))


def shell(request):
    user = getattr(request, "user", None)
    return {
        # What domains show in the shell, e.g. ``notification_count`` (notifications' registrations.py: a callable,
        # one COUNT query only where a template shows it).
        **{v.key: v.value(user) for v in registry.shell_values},
        # Called (one query) only by templates that show it: the banner of a provisional calendar year.
        "calendar_provisional": functools.partial(provisional_calendar_years, user),
        "nav_sections": [(s, SECTION_LABELS[s]) for s in SECTIONS],
        "nav_menu": visible_menu(user),
        "large_text": request.COOKIES.get("linli_large_text") == "1",
    }
