"""Verifiability: the published list, the receipt lookup and the verification file recomputed offline by the
stdlib-only script (run as a separate process, as an owner would)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linli.votes import selectors, services, verify

from . import factories as f

pytestmark = pytest.mark.django_db
SCRIPT = Path(verify.__file__)


def published(tree, monkeypatch, matter_type=4):
    e = f.estate(tree, [("100.00", "a"), ("60.00", "a"), ("90.00", "b"), ("75.00", "c"), ("70.00", "dev")])
    d = f.voting(tree, e, monkeypatch, matter_type=matter_type)
    receipts = {}
    for key, choice in (("a", "yes"), ("b", "no"), ("c", "yes")):
        for ballot, code in services.ballot_cast_online(actor=f.login(e, key), decision=d, choice=choice):
            receipts[ballot.pk] = code
    f.paper(tree, d, e.houses[4], "abstain")
    return e, f.close_and_publish(tree, d, monkeypatch), receipts


def test_published_list_has_hash_choice_and_area_only(tree, monkeypatch):
    _e, d, _receipts = published(tree, monkeypatch)
    rows = list(selectors.published_list(d))
    assert len(rows) == 5
    assert sorted(r[2] for r in rows) == [6000, 7000, 7500, 9000, 10000]
    assert all(len(r[0]) == 64 for r in rows)


def test_published_list_is_empty_before_publication(tree, monkeypatch):
    e = f.estate(tree, [("100.00", "a")])
    d = f.voting(tree, e, monkeypatch)
    services.ballot_cast_online(actor=f.login(e, "a"), decision=d, choice="yes")
    assert list(selectors.published_list(d)) == []
    assert selectors.verification_data(d)["tally"] is None


def test_owner_finds_their_ballot_by_receipt(tree, monkeypatch):
    _e, d, receipts = published(tree, monkeypatch)
    pk, code = next(iter(receipts.items()))
    assert selectors.find_receipt(d, code.lower().replace("-", "- ")).pk == pk
    assert selectors.find_receipt(d, "AAAA-BBBB-CCCC") is None


def test_verification_file_recomputes_the_tally_offline(tree, monkeypatch, tmp_path):
    _e, d, _receipts = published(tree, monkeypatch)
    data = selectors.verification_data(d)
    assert "业主" not in json.dumps(data, ensure_ascii=False)  # never a name
    assert verify.recompute(json.loads(json.dumps(data))) == d.result
    path = tmp_path / "decision.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([sys.executable, "-I", str(SCRIPT), str(path)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert d.passed is False  # 2 of 4 heads agree: not more than half
    assert "approval_heads" in run.stdout and "2/4 > 1/2  FAIL" in run.stdout and "result: NOT PASSED" in run.stdout
    # a tampered file (one ballot flipped) no longer matches the published tally
    flipped = next(b for b in data["ballots"] if b["choice"] == "yes")
    flipped["choice"] = "no"
    path.write_text(json.dumps(data), encoding="utf-8")
    run = subprocess.run([sys.executable, "-I", str(SCRIPT), str(path)], capture_output=True, text=True, check=False)
    assert run.returncode == 1


def test_verify_script_imports_only_the_standard_library():
    import ast

    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert names <= {"__future__", "json", "sys", "collections", "fractions"}
