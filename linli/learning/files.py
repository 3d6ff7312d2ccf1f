"""Course uploads checked by their content (magic bytes), not their name or declared type, and size-limited.

Limits: ``LINLI_LEARNING_MAX_PDF_BYTES`` (default 20 MB) and ``LINLI_LEARNING_MAX_VIDEO_BYTES`` (default 200 MB).
Stored under a random name; served only through the course page's permission check.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def max_pdf_bytes() -> int:
    return int(getattr(settings, "LINLI_LEARNING_MAX_PDF_BYTES", 20 * 1024 * 1024))


def max_video_bytes() -> int:
    return int(getattr(settings, "LINLI_LEARNING_MAX_VIDEO_BYTES", 200 * 1024 * 1024))


def sniff(head: bytes) -> str | None:
    """'pdf', 'mp4', 'webm' or None, from the first bytes of a file."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


CONTENT_TYPES = {"pdf": "application/pdf", "mp4": "video/mp4", "webm": "video/webm"}


def _check(upload, field: str, allowed: tuple[str, ...], limit: int, wrong: str):
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise ValidationError({field: _("The file is larger than %(mb)s MB.") % {"mb": limit // 2**20}})
    if size == 0:
        raise ValidationError({field: _("The file is empty.")})
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    kind = sniff(head)
    if kind not in allowed:
        raise ValidationError({field: wrong})
    upload.name = f"{uuid.uuid4().hex}.{kind}"
    return upload


def clean_pdf(upload):
    return _check(upload, "pdf_file", ("pdf",), max_pdf_bytes(), _("This is not a PDF file."))


def clean_video(upload):
    return _check(upload, "video_file", ("mp4", "webm"), max_video_bytes(), _("This is not an MP4 or WebM video file."))


def content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return CONTENT_TYPES.get(ext, "application/octet-stream")
