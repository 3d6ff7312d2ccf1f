"""The one way the platform writes a spreadsheet: a streaming workbook whose every cell goes through ``safe_cell``.

Why one helper: a name, note or title that a user typed may start with ``=``; openpyxl stores such a string as a
live formula (``=HYPERLINK("http://evil", "click")`` in somebody's Excel), and text starting with ``+ - @`` or a
tab/carriage return becomes one as soon as the cell is edited, or when the sheet is saved as CSV and opened again.
``safe_cell`` therefore writes every string as a string cell and marks text that starts with one of those characters
(or their full-width forms ``＝＋－＠``, which some spreadsheet programs fold to ASCII) with the *quote prefix* —
Excel's own leading-apostrophe flag: the cell shows the text exactly as typed and can never be evaluated. Numbers,
decimals, booleans, dates and datetimes pass as values; characters XML cannot hold are dropped.

``Book`` is openpyxl's write-only mode (rows are streamed to a temporary file, memory does not grow with the
list); ``Book.sheet`` hands out a ``Sheet`` whose only way to add a row is ``append``, through ``safe_cell``.
Nothing else in ``linli`` creates an openpyxl ``Workbook`` or a CSV writer: ``linli/core/tests/test_xlsx.py``
fails if a module does.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

#: leading characters that make a spreadsheet program evaluate text (ASCII and full-width forms)
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
BOLD = Font(bold=True)
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def is_formula_like(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_STARTS


def neutralise(text: str) -> str:
    """``text`` for a plain-text format (CSV): a leading apostrophe when it starts like a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if is_formula_like(text) else text


def safe_cell(ws, value, *, bold: bool = False, font=None, fill=None, alignment=None, number_format=None):
    """A cell of ``ws`` holding ``value``: text always as text (quote-prefixed when it starts like a formula),
    numbers and dates as values."""
    quote = False
    if value is None or isinstance(value, (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)  # xlsx has no time zones: local time
    else:
        value = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # lazy translations and anything else become text
        quote = is_formula_like(value)
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        c.data_type = "s"  # openpyxl marks "=…" as a formula: never
        if quote:
            c.quotePrefix = True
    elif isinstance(value, dt.datetime):
        c.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        c.number_format = DATE_FORMAT
    if number_format:
        c.number_format = number_format
    if bold:
        c.font = BOLD
    if font is not None:
        c.font = font
    if fill is not None:
        c.fill = fill
    if alignment is not None:
        c.alignment = alignment
    return c


def signature(actor) -> tuple[str, str]:
    """(who, when) for an export's banner and information sheet: "Name (username)" and the local time."""
    name = getattr(actor, "display_name", "") or actor.get_full_name() or actor.get_username()
    return f"{name} ({actor.get_username()})", timezone.localtime().strftime("%Y-%m-%d %H:%M")


class Sheet:
    """One worksheet of a ``Book``; rows go in through ``append`` only."""

    def __init__(self, ws):
        self._ws = ws
        self.rows = 0

    @property
    def title(self) -> str:
        return self._ws.title

    def append(self, values=(), *, styles=None, **style) -> None:
        """One row; ``style`` (bold, font, fill, alignment, number_format) applies to each non-empty cell,
        ``styles`` (a list of such dicts, one per value) to one cell each."""
        values = list(values)
        per_cell = list(styles or []) + [{}] * (len(values) - len(styles or []))
        self._ws.append(
            [
                safe_cell(self._ws, v, **{**style, **extra}) if v is not None else None
                for v, extra in zip(values, per_cell, strict=False)
            ]
        )
        self.rows += 1

    def column(self, index: int, *, width: float | None = None, number_format: str | None = None) -> None:
        """Set column ``index`` (0-based) before the first row is written (write-only mode)."""
        dim = self._ws.column_dimensions[get_column_letter(index + 1)]
        if width is not None:
            dim.width = width
        if number_format is not None:
            dim.number_format = number_format

    def validate(self, validation) -> None:
        """Add an ``openpyxl.worksheet.datavalidation.DataValidation`` (drop-down lists of a template)."""
        self._ws.data_validations.append(validation)

    def freeze(self, cell: str) -> None:
        self._ws.freeze_panes = cell


class Book:
    """A streaming (write-only) xlsx workbook; ``save()`` returns it as an anonymous temporary file."""

    def __init__(self, *, creator: str = "", title: str = ""):
        self._wb = Workbook(write_only=True)
        if creator:
            self._wb.properties.creator = creator[:255]
        if title:
            self._wb.properties.title = str(title)[:255]
        self._names: set[str] = set()

    def sheet(self, title, *, widths=None) -> Sheet:
        """A new sheet; ``title`` is cleaned of the characters Excel refuses, cut to 31 and made unique."""
        base = _SHEET_NAME.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", str(title))).strip()[:31] or "Sheet"
        name, i = base, 2
        while name.lower() in self._names:
            suffix = str(i)
            name, i = base[: 31 - len(suffix)] + suffix, i + 1
        self._names.add(name.lower())
        sheet = Sheet(self._wb.create_sheet(name))
        for index, width in enumerate(widths or []):
            sheet.column(index, width=width)
        return sheet

    def save(self):
        out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
        if not self._names:
            self.sheet("Sheet")  # a workbook needs one sheet
        self._wb.save(out)
        out.seek(0)
        return out

    def to_bytes(self) -> bytes:
        with self.save() as handle:
            return handle.read()
