"""Reading an uploaded workbook safely: refuse what is not a plain xlsx before parsing it, then stream rows.

Order of checks, each a clear ``Refusal`` (nothing read further, nothing written):

1. size (``LINLI_IMPORT_MAX_MB``, 20 MB) and magic bytes: an old .xls or anything that is not a zip is refused;
2. the zip directory: total uncompressed size (``LINLI_IMPORT_MAX_UNCOMPRESSED_MB``, 200 MB) and compression
   ratio of every large member (``LINLI_IMPORT_MAX_RATIO``, 100) — an "xlsx bomb" is refused before any
   byte is inflated. ``zipfile`` never inflates more than a member's declared size (a lying header ends in a
   CRC error), so the declared sizes bound what is read;
3. openpyxl must open it (read-only, formulas kept as text and never evaluated);
4. a pre-scan of the first worksheet's XML, inflated in 1 MB chunks: the declared dimension and the number of
   ``<row>`` elements (more than ``LINLI_IMPORT_MAX_ROWS`` = 200,000 → refused, a 1,000,000-row sheet is refused
   from its dimension before the rest is inflated), merged cells (refused) and the coordinates of formula
   cells (each reported as a cell error; never evaluated);
5. the header row: missing, unknown or repeated columns are refused.

Rows are then read by python-calamine (fast; it holds the sheet's cells, ≈1 KB a row, so at most the row cap)
or openpyxl in read-only mode (constant memory, about ten times slower): ``LINLI_IMPORT_ENGINE``. Both give
the same cleaned values; bench/import_residents.py measures both.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings

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

    workbook = next((path for kind, path in targets("_rels/.rels", "").values()
                     if kind.endswith("/officeDocument")), None)
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
DIMENSION = re.compile(rb"<" + NS + rb'dimension\s[^>]{0,200}?ref="\$?([A-Z]{1,3})?\$?(\d{1,7})?(?::\$?([A-Z]{1,3})'
                       rb'\$?(\d{1,7}))?"')
ROW_TAG = re.compile(rb"<" + NS + rb"row[\s>/]")
MERGE = re.compile(rb"<" + NS + rb'mergeCell\s[^>]{0,200}?ref="([A-Z0-9:$]{1,30})"')
FORMULA_TAG = re.compile(rb"<" + NS + rb"f[\s>/]")
FORMULA_CELL = re.compile(rb"<" + NS + rb"c(\s[^>]{0,500})>\s{0,50}<" + NS + rb"f[\s>/]")
CELL_REF = re.compile(rb'\br="\$?([A-Z]{1,3})\$?(\d{1,7})"')
OVERLAP = 2048
MAX_FORMULAS = 100_000


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


@dataclass
class Prescan:
    declared_rows: int | None = None
    rows: int = 0
    merged: list[str] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index)
    unlocated_formulas: int = 0


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
                if m and m.group(4):
                    out.declared_rows = int(m.group(4))
                elif m and m.group(2):
                    out.declared_rows = int(m.group(2))
                # a 1,000,000-row sheet is refused from its dimension, before the rest is inflated
                if out.declared_rows and out.declared_rows > max_rows + HEADER_SEARCH_ROWS:
                    raise Refusal("too_many_rows", rows=f"{out.declared_rows:,}", limit=f"{max_rows:,}")
            cut = len(buf) if not chunk else max(0, len(buf) - OVERLAP)
            out.rows += sum(1 for m in ROW_TAG.finditer(buf, 0, min(len(buf), cut + 8)) if m.start() < cut)
            if out.rows > max_rows + HEADER_SEARCH_ROWS:
                raise Refusal("too_many_rows", rows=f"> {max_rows:,}", limit=f"{max_rows:,}")
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


PLAIN = (str, int, float, bool, dt.date, dt.time, dt.timedelta)


def clean(value):
    """Strip text (empty → None), integral floats → int; formula objects (array formulas) → their "=…" text."""
    kind = type(value)
    if kind is str:
        value = value.strip()
        return value or None
    if value is None:
        return None
    if kind is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if not isinstance(value, PLAIN):
        return "=" + str(getattr(value, "text", "") or value)
    return value


class Sheet:
    """An opened, checked upload: ``header`` maps column keys to column indexes; ``rows()`` streams data rows."""

    def __init__(self, data: bytes, spec: Spec, *, engine: str | None = None, max_rows: int | None = None):
        self.spec = spec
        self.data = data
        self.engine = engine or limit("LINLI_IMPORT_ENGINE")
        self.max_rows = max_rows or limit("LINLI_IMPORT_MAX_ROWS")
        self._calamine = None
        archive = check_container(data)
        # the pre-scan comes before any parser: without a <dimension>, openpyxl's read-only load walks the
        # whole sheet to size it, which must not happen to a 1,000,000-row sheet
        member, self.title = first_sheet_member(archive)
        self.scan = prescan(archive, member, max_rows=self.max_rows)
        if self.scan.merged:
            raise Refusal("merged", ranges=self.scan.merged[:5])
        if self.scan.unlocated_formulas:
            raise Refusal("formulas_unlocated")
        first_rows = self._open(archive, member)
        self.header_row, self.header, self.header_cells = self._find_header(first_rows)
        self.total_rows = max(0, self.scan.rows - self.header_row)
        if self.total_rows > self.max_rows:
            raise Refusal("too_many_rows", rows=f"{self.total_rows:,}", limit=f"{self.max_rows:,}")

    # -- opening: the engine must be able to read the workbook ----------------------------------------
    def _open(self, archive, member) -> list[Row]:
        rows = []
        source = None
        try:
            if self.engine == "openpyxl":
                source = self._openpyxl_rows(check_member=(archive, member))
            else:
                source = self._calamine_rows()
            for number, values in source:
                cells = tuple(clean(v) for v in values)
                if any(v is not None for v in cells):
                    rows.append(Row(number, cells))
                if len(rows) >= HEADER_SEARCH_ROWS or number > HEADER_SEARCH_ROWS * 3:
                    break
        except Refusal:
            raise
        except Exception:  # the parsers raise many kinds on garbage: all mean "not an xlsx we can read"
            raise Refusal("not_xlsx") from None
        finally:
            if source is not None:
                source.close()
        return rows

    def _raw_rows(self) -> Iterator[tuple[int, tuple]]:
        """(Excel row number, raw values from column A) for every non-empty row, by the chosen engine."""
        if self.engine == "openpyxl":
            yield from self._openpyxl_rows()
        else:
            yield from self._calamine_rows()

    def _openpyxl_rows(self, check_member=None):
        """openpyxl in read-only mode: formulas come back as their "=…" text and are never evaluated."""
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(self.data), read_only=True, data_only=False)
        try:
            ws = wb[self.title]
            if check_member is not None:
                archive, member = check_member
                if ws._worksheet_path.lstrip("/") != member:  # openpyxl resolved the package differently
                    self.scan = prescan(archive, ws._worksheet_path.lstrip("/"), max_rows=self.max_rows)
            yield from enumerate(ws.iter_rows(values_only=True), start=1)
        finally:
            wb.close()

    def _calamine_rows(self):
        """python-calamine: the sheet's cells are loaded once (≈1 KB a row, so bounded by the row cap)."""
        if self._calamine is None:
            from python_calamine import CalamineWorkbook

            self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(self.data)).get_sheet_by_name(self.title)
        sheet = self._calamine
        start = sheet.start
        if start is None:
            return
        row0, col0 = start
        pad = (None,) * col0
        for i, values in enumerate(sheet.iter_rows()):
            yield row0 + i + 1, pad + tuple(values) if col0 else values

    def _cleaned(self) -> Iterator[Row]:
        by_row: dict[int, set[int]] = {}
        for r, c in self.scan.formulas:
            by_row.setdefault(r, set()).add(c)
        empty = frozenset()
        for number, values in self._raw_rows():
            cells = tuple([clean(v) for v in values])
            if cells.count(None) == len(cells):
                continue
            cols = by_row.get(number)
            yield Row(number, cells, frozenset(cols) if cols else empty)

    # -- headers ------------------------------------------------------------------------------------
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
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?",
                     text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
