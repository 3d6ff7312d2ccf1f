"""What domains register so that adding a domain edits no other domain.

* ``menu``: entries under 工作台 / 党务 / 政务 / 管务 / 服务;
* ``resident_panels``: panels of the resident 360° page (from the data-centre issue on);
* ``search_providers``: global search;
* ``place_path_fields``: every (model, field) holding a copy of a place path, rewritten when a
  place moves so scoped rows follow their place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

SECTIONS = ("workbench", "party", "government", "management", "services")


@dataclass(frozen=True)
class MenuItem:
    section: str
    label: str | Promise
    url_name: str
    model: str | None = None  # "app_label.model": shown when the user may view it somewhere
    order: int = 100
    superuser_only: bool = False
    icon: str = ""


@dataclass(frozen=True)
class ResidentPanel:
    """One panel of the resident 360° page.

    ``context(user, resident) -> dict`` reads what the panel shows (through ``restrict``/selectors; the
    resident is already one the user may view); ``template`` renders it with that dict plus ``resident``
    and ``panel``. ``model`` ("app_label.model"): the panel is shown only to users who may view that model
    somewhere; a context function may also return None to hide the panel for this resident.
    """

    key: str
    title: str | Promise
    template: str
    context: Callable | None = None
    order: int = 100
    model: str | None = None


@dataclass
class Registry:
    menu: list[MenuItem] = field(default_factory=list)
    resident_panels: list[ResidentPanel] = field(default_factory=list)
    search_providers: list = field(default_factory=list)
    place_path_fields: list[tuple[str, str]] = field(default_factory=list)

    def add_menu(self, item: MenuItem) -> None:
        assert item.section in SECTIONS, item.section
        if item not in self.menu:
            self.menu.append(item)

    def add_resident_panel(self, panel: ResidentPanel) -> None:
        """Register (or replace, by key) a panel of the resident 360° page."""
        self.resident_panels[:] = [p for p in self.resident_panels if p.key != panel.key]
        self.resident_panels.append(panel)
        self.resident_panels.sort(key=lambda p: (p.order, p.key))

    def add_place_path_field(self, model_label: str, field_name: str) -> None:
        pair = (model_label.lower(), field_name)
        if pair not in self.place_path_fields:
            self.place_path_fields.append(pair)


registry = Registry()
