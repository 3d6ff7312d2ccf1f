"""Reading an uploaded workbook safely: refuse what is not a plain xlsx before parsing it, then stream rows.

Order of checks, each a clear ``Refusal`` (nothing read further, nothing written), all in this process with
bounded memory and before any parser sees the file (docs/adr/0010):

1. size (``LINLI_IMPORT_MAX_MB``, 20 MB) and magic bytes: an old .xls or anything that is not a zip is refused;
2. the zip directory: total uncompressed size (``LINLI_IMPORT_MAX_UNCOMPRESSED_MB``, 200 MB) and compression
   ratio of every large member (``LINLI_IMPORT_MAX_RATIO``, 100) — an "xlsx bomb" is refused before any
   byte is inflated. ``zipfile`` never inflates more than a member's declared size (a lying header ends in a
   CRC error), so the declared sizes bound what is read;
3. a pre-scan of the first worksheet's XML, inflated in 1 MB chunks: the declared dimension, the number of
   ``<row>`` elements (more than ``LINLI_IMPORT_MAX_ROWS`` = 200,000 → refused, a 1,000,000-row sheet is refused
   from its dimension before the rest is inflated), the used range (every ``<row>``/``<c>`` placed as a parser
   places it: a cell beyond the row cap or ``LINLI_IMPORT_MAX_COLUMNS`` = 64 → refused, and so is such a
   ``<dimension>``; python-calamine allocates the whole grid, 32 bytes a cell, so one cell at XFD1048576 costs
   550 GB), merged cells (refused) and the coordinates of formula cells (each reported as a cell error;
   never evaluated);
4. the header row, read by the parser in a child process (``worker``): missing, unknown or repeated columns
   are refused.

Rows are then read, in the background check, by python-calamine (fast; it holds the sheet's cells) or openpyxl
in read-only mode (constant memory, about ten times slower): ``LINLI_IMPORT_ENGINE``. Either runs in the child
under ``LINLI_IMPORT_WORKER_MEMORY_MB`` / ``LINLI_IMPORT_WORKER_SECONDS``; a file that still asks for more ends
the child, not the app (``worker_limit``). Both give the same cleaned values; bench/import_residents.py
measures both.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings

from . import worker
from .columns import Spec, normalise_header
from .messages import Refusal

MB = 1024 * 1024
ERROR_HEADER = "错误说明"  # the column the error file adds; ignored when the corrected file comes back
HEADER_SEARCH_ROWS = 6  # the header row may follow a title/banner row (exports carry one)


def limit(name: str):
    defaults = {
        "LINLI_IMPORT_MAX_MB": 20,
        "LINLI_IMPORT_MAX_ROWS": 200_000,
        "LINLI_IMPORT_MAX_UNCOMPRESSED_MB": 200,
        "LINLI_IMPORT_MAX_RATIO": 100,
        "LINLI_IMPORT_ENGINE": "calamine",
        "LINLI_IMPORT_MAX_COLUMNS": 64,
        "LINLI_IMPORT_WORKER_MEMORY_MB": 2048,
        "LINLI_IMPORT_WORKER_SECONDS": 600,
    }
    return getattr(settings, name, defaults[name])


# -- 1 and 2: the container ---------------------------------------------------------------------------------


def check_container(data: bytes) -> zipfile.ZipFile:
    max_bytes = limit("LINLI_IMPORT_MAX_MB") * MB
    if not data:
        raise Refusal("empty_file")
    if len(data) > max_bytes:
        raise Refusal("too_big", size=f"{len(data) / MB:.1f}", limit=limit("LINLI_IMPORT_MAX_MB"))
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise Refusal("legacy_xls")
    if not data.startswith(b"PK\x03\x04"):
        raise Refusal("not_xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise Refusal("bad_zip") from None
    total = sum(i.file_size for i in infos)
    max_total = limit("LINLI_IMPORT_MAX_UNCOMPRESSED_MB") * MB
    if total > max_total:
        raise Refusal("bomb_size", size=f"{total / MB:,.0f}", limit=limit("LINLI_IMPORT_MAX_UNCOMPRESSED_MB"))
    max_ratio = limit("LINLI_IMPORT_MAX_RATIO")
    for info in infos:
        if info.file_size < MB:  # small members cannot be bombs; tiny XML compresses well legitimately
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > max_ratio:
            raise Refusal("bomb_ratio", ratio=f"{ratio:,.0f}")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise Refusal("not_xlsx")
    return archive


def _small_xml(archive: zipfile.ZipFile, name: str):
    from xml.etree import ElementTree

    try:
        info = archive.getinfo(name)
    except KeyError:
        raise Refusal("not_xlsx") from None
    if info.file_size > 4 * MB:
        raise Refusal("not_xlsx")
    try:
        # small files only; ElementTree resolves no external entities and expat >= 2.4.1 (Python 3.11) stops
        # entity-expansion ("billion laughs") attacks
        return ElementTree.fromstring(archive.read(name))  # noqa: S314
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Refusal("bad_zip") from None


def first_sheet_member(archive: zipfile.ZipFile) -> tuple[str, str]:
    """(zip member, sheet name) of the workbook's first worksheet, from the package's relationships."""
    import posixpath

    rel_ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    doc_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

    def targets(rels_name: str, base: str) -> dict[str, tuple[str, str]]:
        out = {}
        for rel in _small_xml(archive, rels_name).iter(f"{rel_ns}Relationship"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            out[rel.get("Id", "")] = (rel.get("Type", ""), path)
        return out

    workbook = next(
        (path for kind, path in targets("_rels/.rels", "").values() if kind.endswith("/officeDocument")), None
    )
    if workbook is None:
        raise Refusal("not_xlsx")
    folder, name = posixpath.split(workbook)
    rels = targets(posixpath.join(folder, "_rels", name + ".rels"), folder)
    for sheet in _small_xml(archive, workbook).iter():
        if sheet.tag.endswith("}sheet"):
            kind, path = rels.get(sheet.get(f"{doc_ns}id", ""), ("", ""))
            if kind.endswith("/worksheet"):
                return path, sheet.get("name", "")
    raise Refusal("no_sheet")


# -- 4: the pre-scan of the sheet XML ------------------------------------------------------------------------

NS = rb"(?:[A-Za-z_][\w.-]*:)?"
DIMENSION = re.compile(
    rb"<" + NS + rb'dimension\s[^>]{0,200}?ref="\$?([A-Z]{1,3})?\$?(\d{1,7})?(?::\$?([A-Z]{1,3})'
    rb'\$?(\d{1,7}))?"'
)
ROW_TAG = re.compile(rb"<" + NS + rb"row[\s>/]")
MERGE = re.compile(rb"<" + NS + rb'mergeCell\s[^>]{0,200}?ref="([A-Z0-9:$]{1,30})"')
FORMULA_TAG = re.compile(rb"<" + NS + rb"f[\s>/]")
FORMULA_CELL = re.compile(rb"<" + NS + rb"c(\s[^>]{0,500})>\s{0,50}<" + NS + rb"f[\s>/]")
CELL_REF = re.compile(rb'\br="\$?([A-Z]{1,3})\$?(\d{1,7})"')
# the used range: every <row> and <c> start tag, in order; most writers put r="…" first (the fast path)
PLACE_TAG = re.compile(rb"<" + NS + rb"(row|c)(?=[\s/>])")
PLACE_REF = re.compile(rb"<" + NS + rb'(row|c)\s+r="([A-Z]{0,3})(\d{1,7})"')
ATTRS = re.compile(rb"""(?:\s+[\w:.-]{1,100}\s*=\s*(?:"[^"<]{0,1000}"|'[^'<]{0,1000}'))*\s*/?>""")
R_ATTR = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]*)\$?(\d*)["']""")
OVERLAP = 4096
MAX_FORMULAS = 100_000


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letters(number: int) -> str:
    """1 → A, 27 → AA (``number`` counts from 1)."""
    out = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out or "A"


@dataclass
class Prescan:
    declared_rows: int | None = None
    rows: int = 0
    merged: list[str] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index)
    unlocated_formulas: int = 0
    max_row: int = 0  # the used range as a parser places the cells: last row and column (from 1)
    max_column: int = 0
    row: int = 0  # where the scan stands: the current row and the next cell's column (from 0)
    column: int = 0


def _place(out: Prescan, buf: bytes, end: int) -> None:
    """Advance the used range over the <row>/<c> start tags that begin before ``end`` (tags never contain "<",
    so ``end``, at a "<", splits no tag of a well-formed sheet). Cells without r="…" take the next column and
    rows without one the next row, as python-calamine places them; empty cells count too (a safe excess)."""
    window = buf[:end]
    refs = PLACE_REF.findall(window)
    if len(refs) == len(PLACE_TAG.findall(window)):  # every tag says where it is
        if not refs:
            return
        out.max_row = max(out.max_row, max(map(int, [r for _t, _l, r in refs])))
        letters = {col for tag, col, _r in refs if tag == b"c"}
        if letters:
            out.max_column = max(out.max_column, max(column_index(c.decode()) + 1 for c in letters))
        tag, col, row = refs[-1]
        if tag == b"row":
            out.row, out.column = int(row), 0
        else:
            out.column = column_index(col.decode()) + 1
            last_row = next((r for t, _c, r in reversed(refs) if t == b"row"), None)
            if last_row is not None:
                out.row = int(last_row)
                # cells after that row tag without their own place are impossible here: all had r="…"
        return
    for m in PLACE_TAG.finditer(window):
        attrs = ATTRS.match(buf, m.end())
        if attrs is None:
            raise Refusal("bad_zip")
        ref = R_ATTR.search(attrs.group())
        if m.group(1) == b"row":
            out.row = int(ref.group(2)) if ref and ref.group(2) else out.row + 1
            out.column = 0
            out.max_row = max(out.max_row, out.row)
        else:
            row, col = out.row, out.column
            if ref and ref.group(1):
                col = column_index(ref.group(1).decode().upper())
            if ref and ref.group(2):
                row = int(ref.group(2))
            out.column = col + 1
            out.max_column = max(out.max_column, col + 1)
            out.max_row = max(out.max_row, row)


def _check_range(out: Prescan, max_rows: int) -> None:
    max_columns = limit("LINLI_IMPORT_MAX_COLUMNS")
    if out.max_column > max_columns or out.max_row > max_rows + HEADER_SEARCH_ROWS:
        raise Refusal(
            "used_range",
            cell=f"{column_letters(max(out.max_column, 1))}{max(out.max_row, 1)}",
            rows=f"{max_rows:,}",
            columns=max_columns,
        )


def prescan(archive: zipfile.ZipFile, member: str, *, max_rows: int) -> Prescan:
    out = Prescan()
    max_total = limit("LINLI_IMPORT_MAX_UNCOMPRESSED_MB") * MB
    seen = 0
    tail = b""
    first = True
    formula_tags = 0
    try:
        fh = archive.open(member)
    except KeyError:
        raise Refusal("not_xlsx") from None
    with fh:
        while True:
            try:
                chunk = fh.read(MB)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                raise Refusal("bad_zip") from None
            seen += len(chunk)
            if seen > max_total:
                raise Refusal("bomb_size", size=f"> {max_total // MB}", limit=max_total // MB)
            buf = tail + chunk
            if first:
                first = False
                m = DIMENSION.search(buf, 0, 8192)
                if m:
                    columns = m.group(3) or m.group(1)
                    if columns and column_index(columns.decode()) + 1 > limit("LINLI_IMPORT_MAX_COLUMNS"):
                        raise Refusal(
                            "used_range",
                            cell=(columns + (m.group(4) or m.group(2) or b"")).decode(),
                            rows=f"{max_rows:,}",
                            columns=limit("LINLI_IMPORT_MAX_COLUMNS"),
                        )
                if m and m.group(4):
                    out.declared_rows = int(m.group(4))
                elif m and m.group(2):
                    out.declared_rows = int(m.group(2))
                # a 1,000,000-row sheet is refused from its dimension, before the rest is inflated
                if out.declared_rows and out.declared_rows > max_rows + HEADER_SEARCH_ROWS:
                    raise Refusal("too_many_rows", rows=f"{out.declared_rows:,}", limit=f"{max_rows:,}")
            if chunk:  # cut at a "<" so that no tag straddles the cut; what follows comes round again
                cut = buf.rfind(b"<", 0, max(0, len(buf) - OVERLAP))
                cut = cut if cut > 0 else max(0, len(buf) - OVERLAP)
            else:
                cut = len(buf)
            out.rows += sum(1 for m in ROW_TAG.finditer(buf, 0, min(len(buf), cut + 8)) if m.start() < cut)
            if out.rows > max_rows + HEADER_SEARCH_ROWS:
                raise Refusal("too_many_rows", rows=f"> {max_rows:,}", limit=f"{max_rows:,}")
            _place(out, buf, cut)
            _check_range(out, max_rows)
            if b"ergeCell" in buf:
                for m in MERGE.finditer(buf):
                    if m.start() < cut and len(out.merged) < 50:
                        out.merged.append(m.group(1).decode().replace("$", ""))
            if (b"<f" in buf or b":f" in buf) and FORMULA_TAG.search(buf):
                formula_tags += sum(1 for m in FORMULA_TAG.finditer(buf) if m.start() < cut)
                for m in FORMULA_CELL.finditer(buf):
                    # the match starts at "<c"; count it in the chunk where it starts
                    if m.start() >= cut:
                        continue
                    ref = CELL_REF.search(m.group(1))
                    if ref and len(out.formulas) < MAX_FORMULAS:
                        out.formulas.add((int(ref.group(2)), column_index(ref.group(1).decode())))
            if not chunk:
                break
            tail = buf[cut:]
    out.unlocated_formulas = max(0, formula_tags - len(out.formulas))
    return out


# -- 3 and 5: opening, headers, rows -----------------------------------------------------------------------


@dataclass
class Row:
    number: int  # the Excel row number (the header is usually row 1)
    cells: tuple  # cleaned values by column index (absolute, from column A)
    formulas: frozenset = frozenset()  # column indexes holding formulas


class Sheet:
    """An opened, checked upload: ``header`` maps column keys to column indexes; ``rows()`` streams data rows."""

    def __init__(self, data: bytes, spec: Spec, *, engine: str | None = None, max_rows: int | None = None):
        self.spec = spec
        self.data = data
        self.engine = engine or limit("LINLI_IMPORT_ENGINE")
        self.max_rows = max_rows or limit("LINLI_IMPORT_MAX_ROWS")
        archive = check_container(data)
        # the pre-scan comes before any parser, in this process and with bounded memory: the used range, the
        # rows, merged cells, formulas (a cell at XFD1048576 would make python-calamine allocate 550 GB)
        self.member, self.title = first_sheet_member(archive)
        self._archive = archive
        self.scan = prescan(archive, self.member, max_rows=self.max_rows)
        if self.scan.merged:
            raise Refusal("merged", ranges=self.scan.merged[:5])
        if self.scan.unlocated_formulas:
            raise Refusal("formulas_unlocated")
        first_rows = self._open()
        self.header_row, self.header, self.header_cells = self._find_header(first_rows)
        self.total_rows = max(0, self.scan.rows - self.header_row)
        if self.total_rows > self.max_rows:
            raise Refusal("too_many_rows", rows=f"{self.total_rows:,}", limit=f"{self.max_rows:,}")

    # -- parsing happens in a child process with a memory limit (worker.py) --------------------------
    def _stream(self, engine: str, first: int = 0) -> Iterator[tuple[int, tuple]]:
        try:
            yield from worker.stream(
                self.data,
                engine=engine,
                title=self.title,
                first=first,
                memory_mb=limit("LINLI_IMPORT_WORKER_MEMORY_MB"),
                seconds=limit("LINLI_IMPORT_WORKER_SECONDS"),
                on_member=self._check_member,
            )
        except worker.WorkerFailed as failed:
            if failed.code == "worker_limit":
                raise Refusal("worker_limit", limit=limit("LINLI_IMPORT_WORKER_MEMORY_MB")) from None
            raise Refusal(failed.code) from None

    def _check_member(self, member: str) -> None:
        """openpyxl resolved the package to another sheet part than the pre-scan did: scan that one too."""
        if member != self.member:
            self.scan = prescan(self._archive, member, max_rows=self.max_rows)
            self.member = member

    def _open(self) -> list[Row]:
        """The first non-empty rows, to find the header (the child stops after them; calamine still reads the
        whole sheet first, within the child's limits). Every data row is read by the background check."""
        found = self._stream(self.engine, first=HEADER_SEARCH_ROWS)
        try:
            return [Row(number, cells) for number, cells in found]
        finally:
            found.close()

    def _raw_rows(self) -> Iterator[tuple[int, tuple]]:
        """(Excel row number, cleaned values from column A) for every non-empty row, by the chosen engine."""
        yield from self._stream(self.engine)

    def _cleaned(self) -> Iterator[Row]:
        by_row: dict[int, set[int]] = {}
        for r, c in self.scan.formulas:
            by_row.setdefault(r, set()).add(c)
        empty = frozenset()
        for number, cells in self._raw_rows():
            cols = by_row.get(number)
            yield Row(number, cells, frozenset(cols) if cols else empty)

    def _find_header(self, first_rows: list[Row]):
        lookup = self.spec.header_lookup()
        for row in first_rows:
            names = [normalise_header(v) if v is not None else "" for v in row.cells]
            known = [n for n in names if n in lookup]
            if len(known) < 2:
                continue
            header: dict[str, int] = {}
            unknown, repeated = [], []
            for idx, name in enumerate(names):
                if not name or name == ERROR_HEADER:
                    continue
                key = lookup.get(name)
                if key is None:
                    unknown.append(str(row.cells[idx]))
                elif key in header:
                    repeated.append(str(row.cells[idx]))
                else:
                    header[key] = idx
            if repeated:
                raise Refusal("headers_duplicate", columns=repeated)
            if unknown:
                raise Refusal("headers_unknown", columns=unknown)
            missing = [c.header for c in self.spec.columns if c.required and c.key not in header]
            if missing:
                raise Refusal("headers_missing", columns=missing)
            return row.number, header, row.cells
        raise Refusal("no_header", example="、".join(c.header for c in self.spec.columns[:4]))

    # -- data rows ----------------------------------------------------------------------------------
    def rows(self, progress: Callable[[int], None] | None = None, every: int = 1000) -> Iterator[Row]:
        """The data rows below the header (empty rows skipped), at most ``max_rows`` of them."""
        n = 0
        for row in self._cleaned():
            if row.number <= self.header_row:
                continue
            n += 1
            if n > self.max_rows:
                raise Refusal("too_many_rows", rows=f"> {self.max_rows:,}", limit=f"{self.max_rows:,}")
            if progress is not None and n % every == 0:
                progress(n)
            yield row
        if progress is not None:
            progress(n)

    def value(self, row: Row, key: str):
        idx = self.header.get(key)
        if idx is None or idx >= len(row.cells):
            return None
        return row.cells[idx]

    def is_formula(self, row: Row, key: str) -> bool:
        idx = self.header.get(key)
        if idx is None:
            return False
        if row.formulas and idx in row.formulas:
            return True
        value = row.cells[idx] if idx < len(row.cells) else None
        return type(value) is str and value[0] == "="


def as_date(value) -> dt.date | None:
    """A date from a date cell or from text such as 2024-03-01, 2024/3/1, 2024.03.01, 20240301, 2024年3月1日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = re.fullmatch(
        r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?", text
    ) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
