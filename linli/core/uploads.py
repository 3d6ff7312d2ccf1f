"""The one way an uploaded photo or PDF is accepted: checked by its content, size-limited, images re-encoded.

One policy for every domain (meeting photos, case attachments, wish-fulfilment photos, …):

- **Size**: at most ``LINLI_UPLOAD_MAX_BYTES`` (10 MB) per file; never more than that plus one byte is read, so a
  client that lies about the size costs no more memory than an honest one.
- **Images** (JPEG, PNG, WebP — by content, never by name or declared type): at most ``MAX_PIXELS`` (40 million)
  pixels, checked from the header *before* anything is decoded, so a decompression bomb (a small file that
  unpacks to gigabytes) is refused with a clear message instead of exhausting memory; Pillow's own bomb check is
  answered with the same message. The picture is then decoded, turned upright by its EXIF orientation and
  **re-encoded** (JPEG at quality ``JPEG_QUALITY``); only the pixels, the colour profile and PNG transparency are
  carried over — EXIF (GPS position, camera make and serial, time), XMP, IPTC, JPEG comments and PNG text chunks
  are always dropped, whatever the format. Animated images keep their first frame.
- **PDFs** (only where the caller allows them): the version header first and the end-of-file marker near the end,
  so an HTML page renamed ``.pdf`` or a truncated upload is refused. A PDF is stored **as uploaded**: its
  document-information dictionary (author, producer, dates), XMP metadata, embedded files and scripts are *not*
  stripped — no PDF library is in the lock and a hand-written rewriter would be a parser of untrusted input
  itself. Pages serve stored files with ``X-Content-Type-Options: nosniff``, and a PDF never reaches a page
  as an inline image.

Every stored file gets a random name (the name a person gave the file is returned separately, for display), so no
typed text ends up in a storage path. ``sanitise`` raises a ``ValidationError`` whose message names the file and
the problem in the user's language; ``sanitise_all`` checks a list before anything is stored and keys its error by
form field. Nothing else in ``linli`` opens an image with Pillow: ``linli/core/tests/test_uploads.py`` fails if a
module does.
"""

from __future__ import annotations

import io
import os
import re
import uuid
import warnings
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
PDF_TYPE = "application/pdf"
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; the 48/50 MP modes of some phones are off by default
JPEG_QUALITY = 85
KEPT_INFO = ("icc_profile", "transparency")  # how to show the pixels; nothing about the person or the camera
PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
PDF_TAIL = 2048  # readers look for the end-of-file marker near the end; allow some trailing bytes


class Clean(NamedTuple):
    file: ContentFile
    content_type: str
    original_name: str


def max_bytes() -> int:
    return int(getattr(settings, "LINLI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def max_files() -> int:
    """How many files one form may send at a time."""
    return int(getattr(settings, "LINLI_UPLOAD_MAX_FILES", 9))


def size_label(n: int) -> str:
    """10 MB, 1.5 MB, 200 KB: a limit as people read it."""
    if n >= 2**20:
        return f"{n / 2**20:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, n // 1024)} KB"


def is_pdf(data: bytes) -> bool:
    """A PDF by its structure: the version header first and the end-of-file marker at the end. A file that only
    starts with "%PDF-" (an HTML page renamed, a truncated upload) is not one."""
    return bool(PDF_HEADER.match(data)) and b"%%EOF" in data[-PDF_TAIL:]


def _too_large(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s is too large: files may be at most %(limit)s.") % {"name": name, "limit": size_label(max_bytes())},
        code="upload_size",
    )


def _too_many_pixels(name: str, size: tuple[int, int] | None) -> ValidationError:
    if size is None:
        return ValidationError(
            _("%(name)s: the picture is too large; at most %(mp)s megapixels are accepted.")
            % {"name": name, "mp": MAX_PIXELS // 1_000_000},
            code="upload_pixels",
        )
    return ValidationError(
        _("%(name)s: the picture is too large (%(w)s × %(h)s pixels); at most %(mp)s megapixels are accepted.")
        % {"name": name, "w": size[0], "h": size[1], "mp": MAX_PIXELS // 1_000_000},
        code="upload_pixels",
    )


def _not_accepted(name: str, allow_pdf: bool) -> ValidationError:
    if allow_pdf:
        message = _("%(name)s: only JPEG, PNG and WebP images or PDF files are accepted.")
    else:
        message = _("%(name)s is not a JPEG, PNG or WebP image.")
    return ValidationError(message % {"name": name}, code="upload_type")


def _read(upload, name: str) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(name)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name)
    return data


def _reencode(data: bytes, name: str, allow_pdf: bool) -> tuple[bytes, str]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    formats = list(IMAGE_FORMATS)  # no other decoder of Pillow's ever sees the bytes
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS is checked below
            with Image.open(io.BytesIO(data), formats=formats) as probe:  # lazy: reads the header only
                if probe.width * probe.height > MAX_PIXELS:
                    raise _too_many_pixels(name, probe.size)
                probe.verify()
        with Image.open(io.BytesIO(data), formats=formats) as image:
            fmt = image.format
            image.load()
            kept = {k: image.info[k] for k in KEPT_INFO if k in image.info}
            ImageOps.exif_transpose(image, in_place=True)
            image.info = {}  # EXIF (GPS), XMP, comments, text chunks: nothing is carried over
            params = {"icc_profile": kept["icc_profile"]} if "icc_profile" in kept else {}
            out = io.BytesIO()
            if fmt == "JPEG":
                picture = image if image.mode in ("RGB", "L") else image.convert("RGB")
                picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **params)
            else:
                if "transparency" in kept and image.mode in ("P", "L", "RGB"):
                    params["transparency"] = kept["transparency"]
                image.save(out, fmt, **params)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(name, None) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _not_accepted(name, allow_pdf) from exc
    return out.getvalue(), fmt


def sanitise(upload, *, allow_pdf: bool = False) -> Clean:
    """The clean file (random name), its content type and the file's own name; a ValidationError saying what is
    wrong with it otherwise. PDFs are accepted only with ``allow_pdf``."""
    name = os.path.basename(getattr(upload, "name", "") or "upload")[:120]
    data = _read(upload, name)
    if allow_pdf and data.startswith(b"%PDF"):
        if not is_pdf(data):
            raise ValidationError(_("%(name)s is not a valid PDF file.") % {"name": name}, code="upload_pdf")
        return Clean(ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"), PDF_TYPE, name)
    clean, fmt = _reencode(data, name, allow_pdf)
    content_type, ext = IMAGE_FORMATS[fmt]
    return Clean(ContentFile(clean, name=f"{uuid.uuid4().hex}.{ext}"), content_type, name)


def sanitise_all(uploads: Iterable, *, field: str, allow_pdf: bool = False) -> list[Clean]:
    """Every upload checked before any is stored; the first refusal raised keyed by ``field``."""
    clean = []
    for upload in uploads:
        try:
            clean.append(sanitise(upload, allow_pdf=allow_pdf))
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
    return clean
