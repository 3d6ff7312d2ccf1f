"""The shell: 工作台 (workbench) and the four section pages, assembled from the registry."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from linli.areas.models import Level, Place
from linli.core.context_processors import SECTION_LABELS, is_staff_user
from linli.core.permissions import Action, bindings_for, restrict
from linli.core.workbench import figures_for, todos_for


@login_required
def home(request):
    user = request.user
    if not is_staff_user(user):
        return _resident_home(request)
    places = restrict(Place.objects.filter(is_active=True), user, Action.VIEW)
    counts = {row["level"]: row["n"] for row in _level_counts(places)}
    stats = [
        (Level(level).label, counts.get(level, 0))
        for level in (Level.COMMUNITY, Level.COMPOUND, Level.BUILDING, Level.HOUSE)
    ]
    return render(
        request,
        "portal/home.html",
        {
            "section": "workbench",
            "bindings": bindings_for(user),
            "stats": stats,
            "todos": todos_for(user),
            "figures": figures_for(user),
        },
    )


def _resident_home(request):
    """A resident's (or a volunteer's) home on the phone: where they live and big buttons for what they can do.

    No place counters and no staff registers; the buttons are the menu entries meant for them
    (``MenuItem.audience``), services first.
    """
    homes = [b.place for b in bindings_for(request.user) if b.place_id]
    return render(
        request, "portal/home_resident.html", {"section": "workbench", "homes": homes, "todos": todos_for(request.user)}
    )


def _level_counts(qs):
    from django.db.models import Count

    return qs.order_by().values("level").annotate(n=Count("id"))


@login_required
def section(request, key: str):
    if key not in SECTION_LABELS or key == "workbench":
        raise Http404
    return render(
        request,
        "portal/section.html",
        {
            "section": key,
            "section_label": SECTION_LABELS[key],
            "todos": todos_for(request.user, key),
            "figures": figures_for(request.user, key),
        },
    )


@require_POST
def large_text(request):
    """Toggle the large-text mode (适老化) for this browser."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    on = request.COOKIES.get("linli_large_text") != "1"
    response.set_cookie("linli_large_text", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax")
    return response
