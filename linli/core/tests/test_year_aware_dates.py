"""No page shows a record's date as a bare month and day (12-07, 12月7日): a record of last December would read
like this one. Templates use ``{{ value|day }}`` / ``{{ value|when }}`` (``linli_dates``: the year when it is not
this year's) or a format with the year; Python code that formats a date for people does the same
(``short_day`` / ``short_when``). This scan fails on a ``|date:"…"`` format, or a ``strftime``/f-string date format
in the app's code, that names a month or a day of the month but no year."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("linli/*/templates/**/*.html")])
CODE = sorted(f for f in ROOT.glob("linli/**/*.py") if "tests" not in f.parts and "migrations" not in f.parts)

# Django's date format characters: month or day of the month, and year (docs: "date" template filter)
MONTH_OR_DAY = set("djmnMbEFN")
YEAR = set("Yyo")
WHOLE = set("cr")  # ISO 8601 / RFC 5322: the year is in them
# the named formats: only MONTH_DAY_FORMAT has no year
NAMED_WITHOUT_YEAR = {"MONTH_DAY_FORMAT"}
DATE_FILTER = re.compile(r"\|\s*date\s*:\s*(?:\"([^\"]*)\"|'([^']*)'|([A-Z_]+))")
# strftime: a month or day directive, and the year directives (or a whole date: %F %x %c)
STRF_MONTH_OR_DAY = re.compile(r"%-?[mdbBe]")
STRF_YEAR = re.compile(r"%-?[YyGFxc]")


def yearless_django_format(fmt: str) -> bool:
    """Does a Django date format show a month or day without the year? Backslash-escaped letters are text."""
    if fmt in NAMED_WITHOUT_YEAR:
        return True
    if fmt.isupper() and "_" in fmt:
        return False  # DATE_FORMAT, SHORT_DATE_FORMAT…: with the year in zh-Hans and English
    letters, escaped = set(), False
    for ch in fmt:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        else:
            letters.add(ch)
    return bool(letters & MONTH_OR_DAY) and not letters & (YEAR | WHOLE)


def yearless_strftime(fmt: str) -> bool:
    return bool(STRF_MONTH_OR_DAY.search(fmt)) and not STRF_YEAR.search(fmt)


def template_offences(text: str) -> list[str]:
    found = []
    for m in DATE_FILTER.finditer(text):
        fmt = next(g for g in m.groups() if g is not None)
        if yearless_django_format(fmt):
            found.append(m.group(0))
    return found


def code_offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        fmt = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "strftime"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            fmt = node.args[0].value
        elif isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
            parts = node.format_spec.values
            if len(parts) == 1 and isinstance(parts[0], ast.Constant) and "%" in str(parts[0].value):
                fmt = parts[0].value
        if fmt is not None and yearless_strftime(fmt):
            found.append(f"line {node.lineno}: {fmt!r}")
    return found


@pytest.mark.parametrize(
    "snippet, bad",
    [
        ('{{ x|date:"m-d" }}', True),
        ("{{ x|date:'n月j日' }}", True),
        ('{{ x|date:"M j H:i" }}', True),
        ("{{ x|date:MONTH_DAY_FORMAT }}", True),
        ('{{ x|date:"Y-m-d" }}', False),
        ('{{ x|date:"Y年n月j日 D H:i" }}', False),
        ('{{ x|date:"H:i" }}', False),
        ('{{ x|date:"D" }}', False),
        ('{{ x|date:"\\d\\a\\y H:i" }}', False),
        ("{{ x|date:SHORT_DATE_FORMAT }}", False),
        ("{{ x|day }} {{ x|when }}", False),
    ],
)
def test_the_scan_knows_a_yearless_format(snippet, bad):
    assert bool(template_offences(snippet)) is bad


def test_the_code_scan_knows_a_yearless_strftime():
    assert code_offences('t.strftime("%m-%d %H:%M")')
    assert code_offences('f"{t:%m月%d日}"')
    assert not code_offences('t.strftime("%Y-%m-%d %H:%M")')
    assert not code_offences('t.strftime("%H:%M")')
    assert not code_offences('f"{t:%Y-%m-%d}"')


def test_no_template_shows_a_month_and_day_without_the_year():
    assert TEMPLATES, "no templates found"
    offences = {
        str(path.relative_to(ROOT)): found
        for path in TEMPLATES
        if (found := template_offences(path.read_text(encoding="utf-8")))
    }
    assert offences == {}, f"use |day or |when (linli_dates) or a format with the year: {offences}"


def test_no_code_formats_a_month_and_day_without_the_year():
    offences = {
        str(path.relative_to(ROOT)): found
        for path in CODE
        if (found := code_offences(path.read_text(encoding="utf-8")))
    }
    assert offences == {}, f"use short_day / short_when (linli_dates) or a format with the year: {offences}"
