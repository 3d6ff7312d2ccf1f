"""Meeting photos: checked by content with Pillow (JPEG, PNG, WebP only), size-limited, re-encoded so no
EXIF block (GPS position, camera serial, time) reaches storage. Orientation is applied first."""

from __future__ import annotations

import io
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
MAX_PIXELS = 60_000_000


def max_bytes() -> int:
    return int(getattr(settings, "LINLI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def max_files() -> int:
    return int(getattr(settings, "LINLI_UPLOAD_MAX_FILES", 9))


def sanitise(upload) -> tuple[ContentFile, str, str]:
    """(clean file, content type, original name), or a ValidationError naming the file and the problem."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = os.path.basename(getattr(upload, "name", "") or "photo")[:120]
    too_big = _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": max_bytes() // 2**20}
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes():
        raise ValidationError(too_big)
    data = upload.read()
    if len(data) > max_bytes():
        raise ValidationError(too_big)
    not_image = _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name}
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        fmt = image.format
        if fmt not in FORMATS:
            raise ValidationError(not_image)
        if image.width * image.height > MAX_PIXELS:
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
        raise ValidationError(not_image) from exc
    content_type, ext = FORMATS[fmt]
    base = os.path.splitext(name)[0] or "photo"
    return ContentFile(out.getvalue(), name=f"{base}.{ext}"), content_type, name
