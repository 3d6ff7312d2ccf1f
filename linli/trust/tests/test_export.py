import datetime as dt
import json
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from .. import export, services
from ..verify_ledger import Bad, verify_file
from .factories import account, bill, months_ago, spend

pytestmark = pytest.mark.django_db
SCRIPT = Path(__file__).resolve().parents[1] / "verify_ledger.py"


def closed_month(tree):
    acc = account(tree)
    services.journal_post(
        actor=tree.users["secretary_a1"],
        account=acc,
        date=acc.opened_on,
        kind="opening",
        memo="期初结余",
        lines=[("1001", "10000.00", "0"), ("4003", "0", "10000.00")],
    )
    first = services.close_month(actor=tree.users["secretary_a1"], account=acc, month=months_ago(3))
    b = bill(tree, acc)
    services.collect(
        actor=tree.users["property_staff"], bill=b, amount="100.00", date=months_ago(2) + dt.timedelta(days=3)
    )
    e = spend(tree, acc)
    services.reverse(
        actor=tree.users["secretary_a1"], entry=e, date=months_ago(2) + dt.timedelta(days=9), reason="金额错"
    )
    spend(tree, acc, amount="280.00")
    services.pay_remuneration(
        actor=tree.users["property_staff"],
        account=acc,
        date=months_ago(2) + dt.timedelta(days=20),
        amount="1000.00",
        approver="业委会",
    )
    st = services.close_month(actor=tree.users["secretary_a1"], account=acc, month=months_ago(2))
    return acc, first, st


def run(path, *args):
    return subprocess.run([sys.executable, str(SCRIPT), str(path), *args], capture_output=True, text=True)


def test_statement_figures_and_offline_verification(tree, tmp_path):
    acc, first, st = closed_month(tree)
    assert st.prev_head == first.head_hash and st.first_seq == first.head_seq + 1
    assert st.income == Decimal("100.00")
    assert st.by_category == {"5001": "280.00", "5101": "1000.00"}  # the reversed 300.00 nets out
    assert st.spending == Decimal("1280.00")
    assert st.balance == Decimal("10000.00") + 100 - 1280
    assert st.arrears_rate == (Decimal("20.83") / Decimal("120.83")).quantize(Decimal("0.0001"))
    path = tmp_path / "st.json"
    path.write_text(export.statement_json(st), encoding="utf-8")
    out = run(path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert st.head_hash in out.stdout
    csv_path = tmp_path / "all.csv"
    csv_path.write_text(export.csv_text(acc), encoding="utf-8")
    assert run(csv_path, "--expect-head", acc.head_hash).returncode == 0


@pytest.mark.parametrize(
    "tamper, message",
    [
        (lambda d: d["entries"][1]["lines"][0].__setitem__(1, "1.00"), "entry {seq1}"),
        (lambda d: d["entries"][2].__setitem__("memo", "改过"), "entry {seq2}: hash does not match"),
        (lambda d: d["entries"].pop(1), "entry {seq2}: expected entry {seq1}"),
        (lambda d: d["closing_balances"].__setitem__("1001", "99999.00"), "balance of 1001"),
    ],
)
def test_tampered_export_fails_naming_the_first_bad_entry(tree, tmp_path, tamper, message):
    _acc, _first, st = closed_month(tree)
    doc = json.loads(export.statement_json(st))
    tamper(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    expected = message.format(seq1=st.first_seq + 1, seq2=st.first_seq + 2)
    with pytest.raises(Bad) as exc:
        verify_file(str(path))
    assert expected in str(exc.value)
    out = run(path)
    assert out.returncode == 1 and expected in out.stdout


def test_tampered_csv_row_is_named(tree, tmp_path):
    acc, _first, _st = closed_month(tree)
    lines = export.csv_text(acc).splitlines()
    lines[3] = lines[3].replace("100.00", "10.00")
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run(path)
    assert out.returncode == 1 and "entry 3" in out.stdout


def test_verifier_is_standard_library_only():
    import ast

    tree = ast.parse(SCRIPT.read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


def test_fast_canonical_is_byte_for_byte_the_canonical_serialisation():
    from ..verify_ledger import canonical, fast_canonical

    rng = random.Random(4)
    alphabet = 'ab"\\\n\t\x00\x1f/é中文😀\u2028 '
    for i in range(2000):
        memo = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        lines = [[rng.choice(["1001", '4"0', "5001"]), f"{rng.randint(0, 99999)}.{rng.randint(0, 99):02d}", "0.00"]]
        args = (
            "uid-" + memo[:3],
            i,
            "2026-03-01",
            rng.choice(["bill", "reversal"]),
            memo,
            lines,
            rng.choice([None, 7]),
            rng.choice(["", "ab" * 32]),
            "0" * 64,
        )
        assert fast_canonical(*args) == canonical(*args)
