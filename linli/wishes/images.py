"""Fulfilment photos: checked by content with Pillow, size-limited, re-encoded so EXIF (GPS, camera) is gone."""

from __future__ import annotations

import io
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
MAX_PIXELS = 40_000_000


def max_bytes() -> int:
    return int(getattr(settings, "LINLI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def clean_image(upload) -> tuple[ContentFile, str]:
    """(re-encoded file, content type) or a ValidationError keyed "photos"."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = os.path.basename(getattr(upload, "name", "") or "photo")[:80]
    limit = max_bytes()
    if (getattr(upload, "size", None) or 0) > limit:
        raise ValidationError(
            {"photos": _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": limit // 2**20}}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {"photos": _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": limit // 2**20}}
        )
    bad = ValidationError({"photos": _("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name}})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        fmt = image.format
        if fmt not in FORMATS:
            raise bad
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError({"photos": _("%(name)s: the image is too large.") % {"name": name}})
        image = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if fmt == "JPEG":
            image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        else:
            image.save(out, fmt)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise bad from exc
    content_type, ext = FORMATS[fmt]
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}"), content_type
