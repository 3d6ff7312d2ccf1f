"""The workbench (工作台): what waits for the user and the figures of their scope, gathered from what each
domain registers (``registry.todo_sources`` / ``registry.figure_sources``). Core knows no domain."""

from __future__ import annotations

import dataclasses
import datetime

from .registry import Figure, Todo, registry


def _sort_key(todo: Todo):
    due = todo.due_date
    # Overdue work first, then the earliest due date; undated work after everything dated.
    return (0 if todo.overdue else 1, due is None, due or datetime.date.max, str(todo.label))


def todos_for(user, section: str | None = None) -> list[Todo]:
    """Every kind of work waiting for ``user`` (only kinds with something waiting), overdue and soonest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    out = []
    for source in registry.todo_sources:
        out.extend(t for t in source.collect(user) or () if t.count and (section is None or t.section == section))
    return sorted(_mark_provisional(out), key=_sort_key)


def _mark_provisional(todos: list[Todo]) -> list[Todo]:
    """Mark working-day due dates that fall in a provisional calendar year (one query, only when there is one)."""
    if not any(t.workdays and t.due for t in todos):
        return todos
    from .workdays import CalendarRangeError, arranged_years, due_is_provisional

    arranged = arranged_years()

    def provisional(todo: Todo) -> bool:
        try:
            return due_is_provisional(todo.due, arranged)
        except CalendarRangeError:  # a date beyond the calendar's years: nothing to say about 调休
            return False

    return [dataclasses.replace(t, provisional=True) if t.workdays and t.due and provisional(t) else t for t in todos]


def figures_for(user, section: str | None = None) -> list[Figure]:
    if not getattr(user, "is_authenticated", False):
        return []
    out = []
    for source in registry.figure_sources:
        out.extend(f for f in source.collect(user) or () if section is None or f.section == section)
    return out
