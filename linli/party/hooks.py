"""What other domains add to the party's pages, registered from their own ``registrations.py``: the party domain
imports none of them (the layer rule, docs/architecture.md), they import this module.

* ``member_badges`` — a badge on 在册党员 rows and a value of the members list's 身份 filter that another domain
  knows about (owners: 业委会 seats);
* ``sheet_sections`` — a section of the 在职党员 quarterly service record sheet (alliance: claimed projects; wishes:
  micro-wishes claimed on the board), counted in the sheet's summary line;
* ``inservice_panels`` — a panel of the 在职党员 page (alliance: claimed projects, with the claim button).

A domain that is not installed registers nothing, and its badge, section or panel is simply not there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Badge:
    """One badge shown on a member: ``key`` is its ``data-badge`` (and filter value), ``title`` its tooltip."""

    key: str
    label: str | Promise
    title: str = ""
    css: str = "blue"


@dataclass(frozen=True)
class MemberBadge:
    """A kind of badge another domain gives party members, by their resident record.

    ``badges(resident_ids: set[int]) -> {resident id: [Badge, …]}`` for a page of members, one query whatever the
    page size; ``holders() -> QuerySet`` of the resident ids holding it now (a subquery for the list's filter);
    ``label`` names the filter choice ("Owners' committee members"). Both are unscoped: callers pass residents
    (and filter members) the user already sees.
    """

    key: str
    label: str | Promise
    badges: Callable
    holders: Callable
    order: int = 100


@dataclass(frozen=True)
class SheetSection:
    """A section of the quarterly service record sheet, between the claimed posts and the service records.

    ``collect(user, members, start, end) -> {member pk: [item, …]}`` reads the items the members held or claimed at
    some time in [start, end] through ``restrict``; ``headers`` are the section's four column titles,
    ``row(item) -> [4 cells]``, and ``summary(items) -> str`` its part of the summary line (e.g. "项目 1 个").
    """

    key: str
    title: str | Promise
    headers: tuple
    collect: Callable
    row: Callable
    summary: Callable
    order: int = 100


@dataclass(frozen=True)
class InServicePanel:
    """A panel of the 在职党员 page: ``template`` rendered with ``member`` and ``panel`` (this object) plus
    ``context(user, member) -> dict`` (None leaves the panel out for this member)."""

    key: str
    template: str
    context: Callable
    order: int = 100


class _Hooks:
    def __init__(self):
        self.member_badges: list[MemberBadge] = []
        self.sheet_sections: list[SheetSection] = []
        self.inservice_panels: list[InServicePanel] = []

    @staticmethod
    def _put(items: list, item) -> None:
        items[:] = [i for i in items if i.key != item.key]
        items.append(item)
        items.sort(key=lambda i: (i.order, i.key))

    def add_member_badge(self, badge: MemberBadge) -> None:
        self._put(self.member_badges, badge)

    def add_sheet_section(self, section: SheetSection) -> None:
        self._put(self.sheet_sections, section)

    def add_inservice_panel(self, panel: InServicePanel) -> None:
        self._put(self.inservice_panels, panel)

    def member_badge(self, key: str) -> MemberBadge | None:
        return next((b for b in self.member_badges if b.key == key), None)


hooks = _Hooks()
