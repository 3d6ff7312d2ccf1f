"""Place paths: fixed-width digit strings whose prefixes are subtrees.

A district's path is the first 6 digits of its 12-digit statistical code, a street's the first 9,
a community's all 12; compounds, buildings, units and houses append 3, 3, 2 and 4 digits.
"Everything under X" is the half-open range ``[X, X + ":")`` — ":" sorts right after "9" —
which a plain B-tree index answers on SQLite and PostgreSQL alike (a LIKE prefix needs special
operator classes or collations on each engine; a range needs nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

# the levels, as ``linli.areas.models.Level`` numbers them (core cannot import areas; a test there checks they agree)
DISTRICT, STREET, COMMUNITY, COMPOUND, BUILDING, UNIT, HOUSE = range(1, 8)

# level -> (total path length, width of this level's own segment)
PATH_LENGTHS = {1: 6, 2: 9, 3: 12, 4: 15, 5: 18, 6: 20, 7: 24}
SEGMENT_WIDTHS = {1: 6, 2: 3, 3: 3, 4: 3, 5: 3, 6: 2, 7: 4}
UPPER = ":"


def subtree_q(field: str, prefix: str) -> Q:
    """Rows whose ``field`` lies in the subtree rooted at ``prefix`` (the root included)."""
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + UPPER})


def any_subtree_q(field: str, prefixes: Iterable[str]) -> Q | None:
    q = None
    for prefix in minimal_prefixes(prefixes):
        part = subtree_q(field, prefix)
        q = part if q is None else q | part
    return q


def minimal_prefixes(prefixes: Iterable[str]) -> list[str]:
    """Drop prefixes already covered by a shorter one, so filters stay short."""
    kept: list[str] = []
    for prefix in sorted(set(prefixes), key=lambda p: (len(p), p)):
        if prefix and not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return sorted(kept)


def is_within(path: str, prefixes: Iterable[str]) -> bool:
    return any(path.startswith(p) for p in prefixes if p)


def ancestor_paths(path: str) -> list[str]:
    """The paths of every ancestor level of ``path`` (not ``path`` itself), shortest first."""
    return [path[:n] for n in sorted(PATH_LENGTHS.values()) if n < len(path)]


def lineage(path: str) -> list[str]:
    """``path`` and the paths of all its ancestors, shortest first."""
    return [*ancestor_paths(path), path] if path else []


def path_at(path: str, level: int) -> str:
    """``path`` cut at ``level``: the path of its ancestor at that level (a path not that deep is returned whole)."""
    return path[: PATH_LENGTHS[level]]


def is_under(path: str, root: str) -> bool:
    """``path`` lies in the subtree rooted at ``root`` (the root itself included; "" is the root of everything)."""
    return path.startswith(root)


def common_path(paths: Iterable[str]) -> str:
    """The deepest place path above all of ``paths`` ("" when they share no district)."""
    paths = [p for p in paths if p]
    if not paths:
        return ""
    lo, hi = min(paths), max(paths)
    n = 0
    while n < min(len(lo), len(hi)) and lo[n] == hi[n]:
        n += 1
    lengths = [length for length in PATH_LENGTHS.values() if length <= n]
    return lo[: max(lengths)] if lengths else ""
