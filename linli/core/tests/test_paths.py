"""Place-path helpers: one set in ``linli.core.paths``, and no domain cuts a path by a hard-coded length."""

from __future__ import annotations

import ast
from pathlib import Path

from linli.core.paths import (
    BUILDING,
    COMMUNITY,
    DISTRICT,
    HOUSE,
    PATH_LENGTHS,
    common_path,
    is_under,
    lineage,
    path_at,
)

ROOT = Path(__file__).resolve().parents[2]
DISTRICT_P = "340504"
STREET_P = DISTRICT_P + "001"
COMMUNITY_P = STREET_P + "002"
HOUSE_P = COMMUNITY_P + "003" + "004" + "01" + "0101"


def test_path_lengths_by_level():
    assert [len(p) for p in lineage(HOUSE_P)] == [PATH_LENGTHS[level] for level in range(DISTRICT, HOUSE + 1)]
    assert lineage("") == []


def test_path_at_cuts_and_leaves_a_shallower_path_whole():
    assert path_at(HOUSE_P, COMMUNITY) == COMMUNITY_P
    assert path_at(HOUSE_P, BUILDING) == HOUSE_P[:18]
    assert path_at(STREET_P, COMMUNITY) == STREET_P  # never widened to "" (which would be everything)


def test_is_under_includes_the_root():
    assert is_under(HOUSE_P, COMMUNITY_P) and is_under(COMMUNITY_P, COMMUNITY_P) and is_under(COMMUNITY_P, "")
    assert not is_under(STREET_P, COMMUNITY_P) and not is_under(DISTRICT_P + "002", STREET_P)


def test_common_path_stops_at_a_whole_level():
    other_house = COMMUNITY_P + "003" + "005" + "01" + "0101"
    assert common_path([HOUSE_P, other_house]) == COMMUNITY_P + "003"  # same compound, different buildings
    assert common_path([HOUSE_P, STREET_P[:-1] + "9"]) == DISTRICT_P  # the digits "00" shared are no street
    assert common_path([HOUSE_P, "", HOUSE_P]) == HOUSE_P
    assert common_path([HOUSE_P, "340505001"]) == "" and common_path([]) == ""


# -- the project rule ---------------------------------------------------------------------------------------


def _violations(path: Path) -> list[str]:
    """``something_path[:12]``: a place path cut by a literal level length, or a second ``common_path``."""
    lengths = set(PATH_LENGTHS.values())
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and node.name == "common_path":
            found.append("def common_path")
        if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)):
            continue
        cut = node.slice
        if cut.lower is None and isinstance(cut.upper, ast.Constant) and cut.upper.value in lengths:
            name = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
            if "path" in name.lower():
                found.append(ast.unparse(node))
    return found


def test_no_place_path_is_cut_by_hand():
    """Use ``path_at(path, COMMUNITY)`` (and friends) from linli.core.paths, not ``path[:12]``."""
    here = ROOT / "core" / "paths.py"
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == here or "tests" in path.parts or "migrations" in path.parts:
            continue
        bad += [f"{path.relative_to(ROOT.parent)}: {item}" for item in _violations(path)]
    assert not bad, "use linli.core.paths (path_at, common_path), not: " + ", ".join(bad)


def test_the_project_rule_catches_a_hand_cut(tmp_path):
    sample = tmp_path / "exporting.py"
    sample.write_text(
        "a = case.scope_path[:12]\nb = path[:18]\nc = rows[:12]\nd = path[:n]\ndef common_path(p):\n    pass\n"
    )
    assert _violations(sample) == ["def common_path", "case.scope_path[:12]", "path[:18]"]
