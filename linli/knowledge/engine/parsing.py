"""Reading a staff upload into sections, in bounded memory: the knowledge base's sibling of ``core/uploads.py``.

The same spirit as the upload policy: at most ``LINLI_UPLOAD_MAX_BYTES`` read (never a byte more than the limit
plus one), the kind decided by the content and never by the name — a PDF by its header and end marker, a DOCX by
its zip structure (``word/document.xml``; a zip bomb refused from the directory before anything is inflated), HTML
and Markdown as UTF-8 text without NUL bytes —, and bounded work after that: at most ``MAX_PAGES`` PDF pages and
``MAX_CHARS`` characters of text. Scripts, styles and comments of HTML are dropped, never indexed. Every refusal is
a ``ValidationError`` naming the file, in the user's language; a file is read whole or not at all.

``sections(text)`` and ``passages(sections)`` split the text: a section per heading (Markdown ``#``, HTML
``h1``–``h4``, DOCX heading styles, or the numbered headings of Chinese policy texts: 一、 第一条 （一）), and
passages of at most ``PASSAGE_CHARS`` characters cut at sentence ends.
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.core.uploads import is_pdf, max_bytes, size_label

MAX_PAGES = 300
MAX_CHARS = 400_000
MAX_UNZIPPED = 50 * 1024 * 1024
PASSAGE_CHARS = 320
KINDS = ("pdf", "docx", "html", "md")

_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[章节条部分]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\s*(.{0,40})$"
)
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n")


def _refuse(name: str, message: str, code: str) -> ValidationError:
    return ValidationError(_("%(name)s: %(problem)s") % {"name": name, "problem": message}, code=code)


def read_bounded(upload, name: str) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    too_large = _("the file is too large: at most %(limit)s.") % {"limit": size_label(limit)}
    if size is not None and size > limit:
        raise _refuse(name, too_large, "upload_size")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(name, too_large, "upload_size")
    return data


def kind_of(data: bytes, name: str) -> str:
    """pdf, docx, html or md — by the content (the name only tells Markdown from HTML-free text)."""
    if is_pdf(data):
        return "pdf"
    if data[:5] == b"%PDF-":  # a PDF without its end: truncated or damaged
        raise _refuse(name, _("the PDF could not be read."), "upload_broken")
    if data[:4] == b"PK\x03\x04":
        return "docx"
    if b"\x00" in data[:65536]:
        raise _refuse(name, _("this is not a PDF, Word (DOCX), HTML or Markdown file."), "upload_type")
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<h1" in head:
        return "html"
    return "md"


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise _refuse(name, _("the text is not UTF-8 or GB18030 encoded."), "upload_encoding") from None


def _too_long(name: str) -> ValidationError:
    return _refuse(
        name, _("the document has more than %(n)s characters of text; split it.") % {"n": MAX_CHARS}, "upload_long"
    )


def _cap(text: str, name: str) -> str:
    if len(text) > MAX_CHARS:
        raise _too_long(name)
    return text


def _pdf(data: bytes, name: str) -> list[tuple[str, str]]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _refuse(name, _("the PDF is password-protected."), "upload_encrypted")
        if len(reader.pages) > MAX_PAGES:
            raise _refuse(name, _("the PDF has more than %(n)s pages.") % {"n": MAX_PAGES}, "upload_long")
        parts, total = [], 0
        for page in reader.pages:
            chunk = page.extract_text() or ""
            total += len(chunk)
            if total > MAX_CHARS:
                raise _too_long(name)
            parts.append(chunk)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise _refuse(name, _("the PDF could not be read."), "upload_broken") from None
    return sections("\n".join(parts))


def _docx(data: bytes, name: str) -> list[tuple[str, str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if "word/document.xml" not in {i.filename for i in infos}:
                raise _refuse(name, _("this is not a PDF, Word (DOCX), HTML or Markdown file."), "upload_type")
            if sum(i.file_size for i in infos) > MAX_UNZIPPED:
                raise _refuse(name, _("the Word file unpacks to too much data."), "upload_bomb")
        import docx

        document = docx.Document(io.BytesIO(data))
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _refuse(name, _("the Word file could not be read."), "upload_broken") from None
    out: list[tuple[str, str]] = []
    heading, body, total = "", [], 0
    for para in document.paragraphs:
        text = para.text.strip()
        total += len(text)
        if total > MAX_CHARS:
            raise _too_long(name)
        style = (para.style.name if para.style is not None else "") or ""
        if text and (style.lower().startswith(("heading", "title")) or style.startswith("标题")):
            if body:
                out.append((heading, "\n".join(body)))
            heading, body = text[:200], []
        elif text:
            body.append(text)
    if body:
        out.append((heading, "\n".join(body)))
    return out


class _HTML(HTMLParser):
    SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    HEADINGS = {"h1", "h2", "h3", "h4"}
    BLOCKS = {"p", "div", "li", "br", "tr", "section", "article", "table", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[str, str]] = []
        self.heading, self.body, self.skip, self.in_heading, self.title = "", [], 0, False, ""
        self.buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.HEADINGS:
            self.flush()
            self.in_heading = True
        elif tag in self.BLOCKS:
            self.buf.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.HEADINGS and self.in_heading:
            self.heading = re.sub(r"\s+", " ", "".join(self.buf)).strip()[:200]
            self.buf, self.in_heading = [], False
        elif tag in self.BLOCKS:
            self.buf.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)

    def flush(self):
        text = "\n".join(line.strip() for line in "".join(self.buf).splitlines() if line.strip())
        if text:
            self.out.append((self.heading, text))
        self.buf = []


def _html(text: str) -> list[tuple[str, str]]:
    parser = _HTML()
    parser.feed(text)
    parser.close()
    parser.flush()
    return parser.out


def _markdown(text: str) -> list[tuple[str, str]]:
    out, heading, body = [], "", []
    for line in text.splitlines():
        m = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            if any(b.strip() for b in body):
                out.append((heading, "\n".join(body).strip()))
            heading, body = m.group(1)[:200], []
        else:
            body.append(re.sub(r"[*_`>]+", "", line))
    if any(b.strip() for b in body):
        out.append((heading, "\n".join(body).strip()))
    return out


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, text) of plain text: a new section at each numbered heading line of a policy text."""
    out, heading, body = [], "", []
    for line in text.splitlines():
        line = line.strip()
        m = _HEADING.match(line)
        if m and len(line) <= 40:
            if body:
                out.append((heading, "\n".join(body)))
            heading, body = line, []
        elif line:
            body.append(line)
    if body:
        out.append((heading, "\n".join(body)))
    return out


def read(upload, name: str) -> tuple[str, list[tuple[str, str]]]:
    """(kind, sections) of an uploaded file, or a ``ValidationError`` naming it."""
    data = read_bounded(upload, name)
    if not data.strip():
        raise _refuse(name, _("the file is empty."), "upload_empty")
    kind = kind_of(data, name)
    if kind == "pdf":
        found = _pdf(data, name)
    elif kind == "docx":
        found = _docx(data, name)
    else:
        text = _cap(_text(data, name), name)
        found = _html(text) if kind == "html" else _markdown(text)
    if not any(body.strip() for _h, body in found):
        raise _refuse(name, _("no text was found in the file (a scanned PDF needs text recognition first)."), "no_text")
    return kind, found


def passages(found: list[tuple[str, str]], limit: int = PASSAGE_CHARS) -> list[tuple[str, str]]:
    """(heading, passage) pieces of at most about ``limit`` characters, cut at sentence ends."""
    out = []
    for heading, body in found:
        piece = ""
        for sentence in (s.strip() for s in _SENTENCE_END.split(body)):
            if not sentence:
                continue
            if piece and len(piece) + len(sentence) > limit:
                out.append((heading, piece))
                piece = ""
            while len(sentence) > limit:
                out.append((heading, sentence[:limit]))
                sentence = sentence[limit:]
            piece = (
                f"{piece}{sentence}" if not piece or re.search(r"[\u4e00-\u9fff]$", piece) else f"{piece} {sentence}"
            )
        if piece:
            out.append((heading, piece))
    return out
