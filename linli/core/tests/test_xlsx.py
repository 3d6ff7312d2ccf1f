"""The one spreadsheet writer (issue #11 item 4): user text never becomes a formula, values stay values, and no
module writes a spreadsheet without it."""

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from linli.core.testing import FORMULA_NAME, assert_text_not_formula
from linli.core.xlsx import Book, neutralise

ROOT = Path(__file__).resolve().parents[2]  # linli/


def _cells(values):
    book = Book(creator="test")
    book.sheet("a").append(values)
    ws = load_workbook(io.BytesIO(book.to_bytes())).worksheets[0]
    return list(ws[1])


@pytest.mark.parametrize(
    "text", [FORMULA_NAME, "=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋86 138", "－3", "＠x"]
)
def test_text_that_starts_like_a_formula_is_text_shown_as_typed(text):
    (cell,) = _cells([text])
    # lxml (now installed, python-docx needs it) keeps a carriage return that the standard library's XML reads as \n
    assert cell.value in (text, text.replace("\r", "\n")) and cell.data_type == "s" and cell.quotePrefix


def test_values_pass_as_values_and_ordinary_text_is_untouched():
    when = dt.datetime(2026, 12, 7, 9, 30)
    cells = _cells(["张三", "a=b", 3, Decimal("2.5"), 1.25, dt.date(2026, 12, 7), when, True, -4, "控\x01制"])
    assert [c.value for c in cells] == ["张三", "a=b", 3, 2.5, 1.25, dt.datetime(2026, 12, 7), when, True, -4, "控制"]
    assert [c.data_type for c in cells] == ["s", "s", "n", "n", "n", "d", "d", "b", "n", "s"]
    assert not any(c.quotePrefix for c in cells)
    assert cells[5].number_format == "yyyy-mm-dd"


def test_the_check_helper_fails_on_a_live_formula():
    """The assertion every export test uses can fail: a raw openpyxl row with the name is a formula."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append([FORMULA_NAME])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(AssertionError):
        assert_text_not_formula(out.getvalue())


def test_neutralise_for_plain_text_formats():
    assert neutralise("=1+1") == "'=1+1" and neutralise("＠x") == "'＠x" and neutralise("张三") == "张三"


def test_sheet_names_are_cleaned_and_unique():
    book = Book()
    names = [book.sheet(n).title for n in ("a/b:c", "A/B:C", "x" * 40, "x" * 40)]
    assert names == ["a b c", "A B C2", "x" * 31, "x" * 30 + "2"]


# -- the project rule ---------------------------------------------------------------------------------------

WRITERS = {
    ("openpyxl", "Workbook"),
    ("openpyxl.workbook", "Workbook"),
    ("openpyxl.cell", "WriteOnlyCell"),
    ("openpyxl.cell", "Cell"),
    ("openpyxl.cell.cell", "Cell"),
    ("csv", "writer"),
    ("csv", "DictWriter"),
    ("xlsxwriter", "Workbook"),
}


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [f"from {node.module} import {a.name}" for a in node.names if (node.module, a.name) in WRITERS]
        elif isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name in ("csv", "xlsxwriter")]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in WRITERS
        ):
            found.append(f"{node.value.id}.{node.attr}")
        if isinstance(node, ast.Attribute) and node.attr == "_ws":
            found.append("Sheet._ws (a raw worksheet)")
    return found


#: The trust ledger's CSV is a verification file, not a spreadsheet: the offline verifier hashes its fields byte for
#: byte, so neutralising a cell (a negative amount starts with "-") would break every chain. The JSON download is the
#: default; these three files write or read that CSV. (Open: refusing formula-like memos at entry would make the CSV
#: safe to open in a spreadsheet as well.)
LEDGER_FILES = {"linli/trust/export.py", "linli/trust/views/statements.py", "linli/trust/verify_ledger.py"}


def test_no_spreadsheet_is_written_without_the_core_helper():
    """Every xlsx/csv writer in linli goes through linli.core.xlsx (tests may build files to upload)."""
    here = ROOT / "core" / "xlsx.py"
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == here or "tests" in path.parts or "migrations" in path.parts:
            continue
        if path.relative_to(ROOT.parent).as_posix() in LEDGER_FILES:
            continue
        bad += [f"{path.relative_to(ROOT.parent)}: {item}" for item in _violations(path)]
    assert not bad, "write spreadsheets with linli.core.xlsx.Book (safe_cell), not: " + ", ".join(bad)


def test_the_project_rule_catches_a_raw_writer(tmp_path):
    sample = tmp_path / "exporting.py"
    sample.write_text(
        "import csv\nfrom openpyxl import Workbook\nimport openpyxl\nwb = openpyxl.Workbook()\n"
        "sheet._ws.append(['=1'])\n"
    )
    assert len(_violations(sample)) == 4
