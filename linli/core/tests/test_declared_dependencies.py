"""Every third-party package that the running app imports is declared in ``pyproject.toml``'s runtime dependencies.

A production install takes ``.[serve]`` without the dev extra (docs/deployment.md); a module that imports a package
which only arrived with the dev extra, or as someone else's dependency, fails there on import (``markdown_it`` was one).
Test code (``tests/`` folders, ``testing.py``, ``conftest.py``) may use the dev extra."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FIRST_PARTY = {"linli", "config"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return {_canonical(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0]) for spec in specs}


def runtime_modules() -> list[Path]:
    files = [*ROOT.glob("linli/**/*.py"), *ROOT.glob("config/**/*.py")]
    return [
        f
        for f in files
        if "tests" not in f.parts and "migrations" not in f.parts and f.name not in {"testing.py", "conftest.py"}
    ]


def top_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def undeclared_imports() -> dict[str, list[str]]:
    runtime = declared() | declared("serve")
    owners = importlib.metadata.packages_distributions()
    missing: dict[str, list[str]] = {}
    for path in runtime_modules():
        for name in top_level_imports(path):
            if name in FIRST_PARTY or name in sys.stdlib_module_names or name == "__future__":
                continue
            dists = {_canonical(d) for d in owners.get(name, [name])}
            if not dists & runtime:
                missing.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return missing


def test_every_runtime_import_is_a_declared_dependency():
    missing = undeclared_imports()
    assert not missing, "imported at run time but not in [project].dependencies: " + "; ".join(
        f"{name} ({', '.join(sorted(paths)[:3])})" for name, paths in sorted(missing.items())
    )


def test_the_check_sees_an_undeclared_import(tmp_path, monkeypatch):
    """The rule can fail: a module importing a dev-only package is reported."""
    fake = tmp_path / "linli" / "fake" / "mod.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("import factory\nfrom django.db import models\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert undeclared_imports() == {"factory": ["linli/fake/mod.py"]}
