"""``registry.selectors.resident_of``: the one answer to "which resident record is this login", and no copies."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from linli.accounts.testing import system_user
from linli.registry import services as reg
from linli.registry.models import Resident
from linli.registry.selectors import resident_of

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_linked_record_or_none(tree):
    login = tree.users["resident_a1"]
    assert resident_of(None) is None and resident_of(AnonymousUser()) is None
    assert resident_of(login) is None  # a login without a record
    record = reg.resident_create(actor=system_user(), name="张秀英", home=tree.house_a1)
    Resident.objects.filter(pk=record.pk).update(account=login)
    login.refresh_from_db()
    assert resident_of(login) == record
    assert resident_of(tree.users["secretary_a1"]) is None


# -- the project rule ---------------------------------------------------------------------------------------


def _violations(path: Path) -> list[str]:
    """A second selector (``def resident_of``/``_own_resident``…) or a hand-read ``user.resident`` link."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and node.name.strip("_") in ("resident_of", "own_resident"):
            found.append(f"def {node.name}")
        elif isinstance(node, ast.Attribute) and node.attr == "resident":
            base = node.value
            if (isinstance(base, ast.Name) and base.id in ("user", "actor")) or (
                isinstance(base, ast.Attribute) and base.attr == "user"
            ):
                found.append(ast.unparse(node))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") in ("getattr", "hasattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "resident"
        ):
            found.append(ast.unparse(node))
    return found


def test_no_second_resident_of():
    here = ROOT / "registry" / "selectors.py"
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == here or "tests" in path.parts or "migrations" in path.parts:
            continue
        bad += [f"{path.relative_to(ROOT.parent)}: {item}" for item in _violations(path)]
    assert not bad, "use linli.registry.selectors.resident_of, not: " + ", ".join(bad)


def test_the_project_rule_catches_a_copy(tmp_path):
    sample = tmp_path / "services.py"
    sample.write_text(
        "def _own_resident(user):\n    return user.resident\n"
        "r = getattr(request.user, 'resident', None)\ns = request.user.resident\nt = case.resident\n"
    )
    assert len(_violations(sample)) == 4
