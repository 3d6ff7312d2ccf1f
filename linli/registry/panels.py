"""The resident 360° page is assembled from panels that domains register (``linli.core.registry``).

A domain adds a panel in its ``registrations.py``::

    registry.add_resident_panel(ResidentPanel(
        key="workorders", title=_("Work orders"), template="workorders/_resident_panel.html",
        context=resident_panel_context, order=50, model="workorders.workorder"))

``context(user, resident)`` reads through ``restrict``/selectors and returns the template's context (or None
to hide the panel for this resident). The data centre's own panels are below.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Action, can, may_any, restrict
from linli.core.registry import ResidentPanel, registry

from . import selectors
from .forms import EndForm, TagAssignForm
from .models import Household, HouseholdMember, Occupancy


@dataclass
class RenderedPanel:
    key: str
    title: str
    html: str


def _model_visible(user, label: str | None) -> bool:
    if not label:
        return True
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return may_any(user, model, Action.VIEW)


def panels_for(request, resident) -> list[RenderedPanel]:
    """Every registered panel the user may see, rendered in order."""
    user = request.user
    rendered = []
    for panel in list(registry.resident_panels):
        if not _model_visible(user, panel.model):
            continue
        ctx = panel.context(user, resident) if panel.context else {}
        if ctx is None:
            continue
        html = render_to_string(panel.template, {**ctx, "resident": resident, "panel": panel}, request=request)
        rendered.append(RenderedPanel(panel.key, str(panel.title), html))
    return rendered


# -- the data centre's own panels ---------------------------------------------------------------------


def household_context(user, resident) -> dict:
    memberships = list(
        restrict(HouseholdMember.objects.filter(resident=resident), user, Action.VIEW)
        .select_related("household", "household__house")
        .order_by("-since", "-id")
    )
    current = next((m for m in memberships if m.until is None), None)
    others = []
    if current is not None:
        others = list(selectors.members(user, current.household, current_only=True).exclude(resident=resident))
    return {
        "memberships": memberships,
        "current": current,
        "others": others,
        "may_add_household": resident.home_id is not None and current is None and may_any(user, Household, Action.ADD),
    }


def occupancy_context(user, resident) -> dict:
    rows = list(
        restrict(Occupancy.objects.filter(resident=resident), user, Action.VIEW)
        .select_related("house")
        .order_by("until", "-since")
    )
    return {"occupancies": rows}


def tags_context(user, resident) -> dict:
    rows = list(selectors.assignments(user).filter(resident=resident).order_by("until", "tag__name", "since"))
    may_change = can(user, Action.CHANGE, resident)
    tags = []
    if may_change:
        held = {r.tag_id for r in rows if r.until is None}
        tags = [t for t in selectors.visible_tags(user) if t.pk not in held]
    return {
        "assignments": rows,
        "may_change": may_change,
        "assign_form": TagAssignForm(tags=tags) if tags else None,
        "end_form": EndForm(),
    }


def register_default_panels() -> None:
    registry.add_resident_panel(
        ResidentPanel(
            key="household",
            title=_("Household and members"),
            template="registry/panels/household.html",
            context=household_context,
            order=10,
            model="registry.householdmember",
        )
    )
    registry.add_resident_panel(
        ResidentPanel(
            key="occupancy",
            title=_("Homes owned or rented"),
            template="registry/panels/occupancy.html",
            context=occupancy_context,
            order=20,
            model="registry.occupancy",
        )
    )
    registry.add_resident_panel(
        ResidentPanel(
            key="care_groups",
            title=_("Care groups"),
            template="registry/panels/care_groups.html",
            context=tags_context,
            order=30,
            model="registry.residenttag",
        )
    )
