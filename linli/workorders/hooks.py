"""What apps above work orders add to its pages, registered from their own ``registrations.py`` (the layer rule:
work orders imports none of them).

* ``case_panels`` — a panel on the staff case page, above "What you can do" (the assistant: the routing
  suggestion the dispatcher accepts in one click or overrides).

An app that is not installed registers nothing, and its panel is simply not there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CasePanel:
    """``context(request, case) -> dict | None``: the panel's template context, or None to show nothing."""

    key: str
    template: str
    context: Callable
    order: int = 100


case_panels: list[CasePanel] = []


def add_case_panel(panel: CasePanel) -> None:
    if any(p.key == panel.key for p in case_panels):
        return
    case_panels.append(panel)
    case_panels.sort(key=lambda p: p.order)


def panels_for(request, case) -> list[dict]:
    """[{"key", "template", "ctx"}] of the panels that have something to show on this case for this user."""
    shown = []
    for panel in case_panels:
        ctx = panel.context(request, case)
        if ctx is not None:
            shown.append({"key": panel.key, "template": panel.template, "ctx": ctx})
    return shown
