"""Uploads for cases: checked by content (images and PDF only), size-limited, images re-encoded without EXIF.

Re-encoding drops every metadata block — GPS position, camera serial, time — before anything is stored, so
nothing shown publicly (or privately) can leak where a photo was taken. Orientation is applied first.
"""

from __future__ import annotations

import io
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


def max_bytes() -> int:
    return int(getattr(settings, "LINLI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def max_files() -> int:
    return int(getattr(settings, "LINLI_UPLOAD_MAX_FILES", 9))


def sanitise(upload) -> tuple[ContentFile, str, str]:
    """(clean file, content type, original name) or a ValidationError saying what is wrong."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = os.path.basename(getattr(upload, "name", "") or "upload")[:120]
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes():
        raise ValidationError(_("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": max_bytes() // 2**20})
    data = upload.read()
    if len(data) > max_bytes():
        raise ValidationError(_("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": max_bytes() // 2**20})
    if data.startswith(b"%PDF-"):
        base = os.path.splitext(name)[0] or "document"
        return ContentFile(data, name=f"{base}.pdf"), "application/pdf", name
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        fmt = image.format
        if fmt not in IMAGE_FORMATS:
            raise ValidationError(_("%(name)s: only JPEG, PNG and WebP images or PDF files are accepted.")
                                  % {"name": name})
        if image.width * image.height > 60_000_000:
            raise ValidationError(_("%(name)s: the image is too large.") % {"name": name})
        image = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if fmt == "JPEG":
            image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
        else:
            image.save(out, fmt)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("%(name)s: only JPEG, PNG and WebP images or PDF files are accepted.")
                              % {"name": name}) from exc
    content_type, ext = IMAGE_FORMATS[fmt]
    base = os.path.splitext(name)[0] or "photo"
    return ContentFile(out.getvalue(), name=f"{base}.{ext}"), content_type, name
