"""No module outside tests and migrations passes 600 lines (issue #13 item 4; docs/architecture.md, "Module size").

A module that grows past the limit is split by aggregate into a package of the same name (``views/``,
``services/``, ``models/``) whose ``__init__`` re-exports its public names. Lines are counted as ``wc -l`` does,
on the ruff-formatted tree.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LIMIT = 600

# Modules over the limit that have not been split yet. Each entry is a debt: split the module, then delete its
# line here (the last test fails while an entry is no longer needed, so the list only shrinks).
EXCEPTIONS: set[str] = set()


def line_count(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def oversized(root: Path, limit: int = LIMIT) -> dict[str, int]:
    """Every ``.py`` module under ``root/linli`` outside ``tests/`` and ``migrations/`` with more than ``limit``
    lines, as {path relative to root: lines}."""
    found = {}
    for path in sorted((root / "linli").rglob("*.py")):
        rel = path.relative_to(root)
        if {"tests", "migrations"} & set(rel.parts[:-1]):
            continue
        lines = line_count(path)
        if lines > limit:
            found[rel.as_posix()] = lines
    return found


def test_no_module_over_the_limit():
    over = {path: n for path, n in oversized(ROOT).items() if path not in EXCEPTIONS}
    assert not over, (
        f"modules over {LIMIT} lines (split each by aggregate into a package; docs/architecture.md): {over}"
    )


def test_the_check_finds_a_long_module_and_skips_tests_and_migrations(tmp_path):
    app = tmp_path / "linli" / "someapp"
    for folder in ("", "tests", "migrations", "views"):
        (app / folder).mkdir(parents=True, exist_ok=True)
    long_text = "x = 1\n" * (LIMIT + 1)
    (app / "services.py").write_text(long_text)
    (app / "views" / "cases.py").write_text(long_text)
    (app / "tests" / "test_big.py").write_text(long_text)
    (app / "migrations" / "0001_initial.py").write_text(long_text)
    (app / "models.py").write_text("x = 1\n" * LIMIT)  # exactly at the limit: allowed
    assert oversized(tmp_path) == {
        "linli/someapp/services.py": LIMIT + 1,
        "linli/someapp/views/cases.py": LIMIT + 1,
    }


def test_every_exception_is_still_needed():
    over = oversized(ROOT)
    stale = sorted(path for path in EXCEPTIONS if path not in over)
    assert not stale, f"these modules are within {LIMIT} lines now; delete them from EXCEPTIONS: {stale}"
