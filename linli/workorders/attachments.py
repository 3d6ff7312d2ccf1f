"""Uploads for cases: checked by content (images and PDF only), size-limited, images re-encoded without EXIF.

Re-encoding drops every metadata block — GPS position, camera serial, time — before anything is stored, so
nothing shown publicly (or privately) can leak where a photo was taken. Orientation is applied first.
"""

from __future__ import annotations

import io
import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


def max_bytes() -> int:
    return int(getattr(settings, "LINLI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def max_files() -> int:
    return int(getattr(settings, "LINLI_UPLOAD_MAX_FILES", 9))


PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
PDF_TAIL = 2048  # readers look for the end-of-file marker near the end; allow some trailing bytes


def size_label(n: int) -> str:
    """10 MB, 1.5 MB, 200 KB: the limit as people read it."""
    if n >= 2**20:
        return f"{n / 2**20:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, n // 1024)} KB"


def _too_large(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s is too large: files may be at most %(limit)s.") % {"name": name, "limit": size_label(max_bytes())}
    )


def _not_accepted(name: str) -> ValidationError:
    return ValidationError(_("%(name)s: only JPEG, PNG and WebP images or PDF files are accepted.") % {"name": name})


def is_pdf(data: bytes) -> bool:
    """A PDF by its structure: the version header first and the end-of-file marker at the end. A file that only
    starts with "%PDF-" (an HTML page renamed, a truncated upload) is not one."""
    return bool(PDF_HEADER.match(data)) and b"%%EOF" in data[-PDF_TAIL:]


def sanitise(upload) -> tuple[ContentFile, str, str]:
    """(clean file, content type, original name) or a ValidationError saying what is wrong."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = os.path.basename(getattr(upload, "name", "") or "upload")[:120]
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes():
        raise _too_large(name)
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise _too_large(name)
    if data.startswith(b"%PDF"):
        if not is_pdf(data):
            raise ValidationError(_("%(name)s is not a valid PDF file.") % {"name": name})
        base = os.path.splitext(name)[0] or "document"
        return ContentFile(data, name=f"{base}.pdf"), "application/pdf", name
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        fmt = image.format
        if fmt not in IMAGE_FORMATS:
            raise _not_accepted(name)
        if image.width * image.height > 60_000_000:
            raise ValidationError(_("%(name)s: the image is too large.") % {"name": name})
        image = ImageOps.exif_transpose(image)
        image.info = {}  # nothing carried over: EXIF (GPS), XMP, comments, text chunks
        out = io.BytesIO()
        if fmt == "JPEG":
            image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
        else:
            image.save(out, fmt)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _not_accepted(name) from exc
    content_type, ext = IMAGE_FORMATS[fmt]
    base = os.path.splitext(name)[0] or "photo"
    return ContentFile(out.getvalue(), name=f"{base}.{ext}"), content_type, name
