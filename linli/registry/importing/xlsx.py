"""Writing cells safely with openpyxl's write-only mode (exports and error files).

Text that starts with "=" is written as text, never as a formula (openpyxl would otherwise store it as one:
a name or note such as "=HYPERLINK(…)" must not become live in somebody's Excel), and characters XML cannot
hold are dropped.
"""

from __future__ import annotations

import datetime as dt

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DATE_FORMAT = "yyyy-mm-dd"


def cell(ws, value, *, bold: bool = False):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and c.data_type == "f":
        c.data_type = "s"
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        c.number_format = DATE_FORMAT
    if bold:
        from openpyxl.styles import Font

        c.font = Font(bold=True)
    return c


def append_row(ws, values, *, bold: bool = False) -> None:
    ws.append([cell(ws, v, bold=bold) if v is not None else None for v in values])
