"""The upload sanitiser: one policy for every domain's photos and PDFs, metadata always stripped, bombs refused
before they are decoded, refusals in the user's language — and no module outside core opens an image itself."""

from __future__ import annotations

import ast
import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, PngImagePlugin

from linli.core import uploads

ROOT = Path(__file__).resolve().parents[2]
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
    b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def phone_jpeg(orientation: int | None = None) -> bytes:
    """A JPEG as a phone writes it: camera make, the GPS position (IFD 0x8825), a comment, maybe an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 41.0, 20.76)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (118.0, 30.0, 26.28)
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 40, 40)).save(buf, "JPEG", exif=exif, comment=b"home sweet home")
    data = buf.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries the position
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
        assert check.info["comment"] == b"home sweet home"
    return data


def png_header_only(width: int, height: int) -> bytes:
    """A decompression bomb's calling card: a valid PNG header claiming ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_gps_exif_and_comment_are_stripped_from_a_jpeg():
    clean = uploads.sanitise(upload("IMG_0001.jpg", phone_jpeg(), "image/jpeg"))
    data = clean.file.read()
    assert clean.content_type == "image/jpeg" and clean.original_name == "IMG_0001.jpg"
    assert b"Exif" not in data and b"PhoneMaker" not in data and b"home sweet home" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (40, 30)
        assert len(image.getexif()) == 0 and "comment" not in image.info


def test_orientation_is_applied_before_the_exif_goes():
    clean = uploads.sanitise(upload("portrait.jpg", phone_jpeg(orientation=6), "image/jpeg"))
    with Image.open(clean.file) as image:
        assert image.size == (30, 40) and len(image.getexif()) == 0


def test_png_and_webp_metadata_is_dropped_and_transparency_kept():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 31.689,118.507")
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    exif[ExifTags.Base.Make] = "PhoneMaker"
    for fmt, kwargs in (("PNG", {"pnginfo": info, "exif": exif}), ("WEBP", {"exif": exif})):
        buf = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buf, fmt, **kwargs)
        data = uploads.sanitise(upload(f"x.{fmt.lower()}", buf.getvalue())).file.read()
        assert b"Exif" not in data and b"GPS 31" not in data and b"PhoneMaker" not in data, fmt
    palette = Image.new("P", (4, 4), 0)
    buf = io.BytesIO()
    palette.save(buf, "PNG", transparency=0)
    with Image.open(uploads.sanitise(upload("icon.png", buf.getvalue())).file) as image:
        assert image.info.get("transparency") == 0


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((8000, 6000), "bomb.png：图片尺寸过大（8000 × 6000 像素），最多 40 百万像素。"),
        ((7000, 7000), "bomb.png：图片尺寸过大（7000 × 7000 像素），最多 40 百万像素。"),
        # Over twice Pillow's own limit: its bomb check answers first, with the same clear words.
        ((100_000, 100_000), "bomb.png：图片尺寸过大，最多 40 百万像素。"),
    ],
)
def test_a_decompression_bomb_is_refused_before_it_is_decoded(size, message):
    data = png_header_only(*size)
    assert len(data) < 200  # a few bytes claiming tens of millions of pixels
    with pytest.raises(ValidationError) as exc:
        uploads.sanitise(upload("bomb.png", data, "image/png"))
    assert exc.value.messages == [message]


def test_a_file_over_the_size_limit_is_refused_unread(settings):
    settings.LINLI_UPLOAD_MAX_BYTES = 64 * 1024
    big = upload("scan.jpg", b"\xff\xd8" + b"\0" * (70 * 1024))
    with pytest.raises(ValidationError) as exc:
        uploads.sanitise(big)
    assert exc.value.messages == ["scan.jpg 过大：文件最大 64 KB。"]


class _LyingUpload(io.BytesIO):
    """A client that declares a small size and sends a big body: no more than the limit + 1 byte is read."""

    name, size = "liar.jpg", 10

    def read(self, n=-1):
        self.asked = n
        return super().read(n)


def test_a_lying_size_reads_at_most_the_limit(settings):
    settings.LINLI_UPLOAD_MAX_BYTES = 1024
    liar = _LyingUpload(b"x" * 10_000)
    with pytest.raises(ValidationError) as exc:
        uploads.sanitise(liar)
    assert liar.asked == 1025 and exc.value.messages == ["liar.jpg 过大：文件最大 1 KB。"]


@pytest.mark.parametrize(
    ("name", "data", "allow_pdf", "message"),
    [
        ("photo.jpg", b"<html><img src=x onerror=alert(1)></html>", False, "photo.jpg 不是 JPEG、PNG 或 WebP 图片。"),
        ("x.gif", b"GIF89a" + b"\0" * 40, False, "x.gif 不是 JPEG、PNG 或 WebP 图片。"),
        ("doc.pdf", PDF, False, "doc.pdf 不是 JPEG、PNG 或 WebP 图片。"),
        ("page.pdf", b"<!doctype html><script>1</script>", True, "page.pdf：只接受 JPEG、PNG、WebP 图片或 PDF 文件。"),
        ("report.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n", True, "report.pdf 不是有效的 PDF 文件。"),
    ],
)
def test_what_is_not_a_photo_or_pdf_is_refused_in_chinese(name, data, allow_pdf, message):
    with pytest.raises(ValidationError) as exc:
        uploads.sanitise(upload(name, data), allow_pdf=allow_pdf)
    assert exc.value.messages == [message]


def test_a_pdf_is_kept_as_is_where_allowed_and_every_file_gets_a_random_name():
    clean = uploads.sanitise(upload("../张三家/通知.pdf", PDF, "application/pdf"), allow_pdf=True)
    assert clean.content_type == "application/pdf" and clean.original_name == "通知.pdf"
    assert clean.file.read() == PDF
    assert clean.file.name.endswith(".pdf") and "通知" not in clean.file.name and len(clean.file.name) == 36


def test_sanitise_all_checks_every_file_and_keys_the_error():
    good = upload("a.jpg", phone_jpeg())
    with pytest.raises(ValidationError) as exc:
        uploads.sanitise_all([good, upload("b.jpg", b"nope")], field="photos")
    assert exc.value.message_dict == {"photos": ["b.jpg 不是 JPEG、PNG 或 WebP 图片。"]}
    assert [c.content_type for c in uploads.sanitise_all([upload("a.jpg", phone_jpeg())], field="photos")] == [
        "image/jpeg"
    ]


def test_size_label():
    assert uploads.size_label(10 * 2**20) == "10 MB"
    assert uploads.size_label(int(1.5 * 2**20)) == "1.5 MB"
    assert uploads.size_label(64 * 1024) == "64 KB"


# -- the project rule ---------------------------------------------------------------------------------------


def _violations(path: Path) -> list[str]:
    """Pillow decoding (``Image.open``, ``PIL.Image.open``, ``from PIL.Image import open``) or EXIF handling."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module in ("PIL.Image", "PIL.ImageOps", "PIL.ImageFile"):
            found += [f"from {node.module} import {a.name}" for a in node.names if a.name in ("open", "exif_transpose")]
        elif isinstance(node, ast.Attribute) and node.attr in ("open", "exif_transpose", "getexif"):
            base = node.value
            dotted = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
            if node.attr != "open" or dotted == "Image":
                found.append(f"{dotted}.{node.attr}")
    return found


def test_no_upload_is_opened_without_the_core_sanitiser():
    """Every image upload in linli goes through linli.core.uploads (tests and demo data may build images)."""
    here = ROOT / "core" / "uploads.py"
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == here or "tests" in path.parts or "migrations" in path.parts:
            continue
        bad += [f"{path.relative_to(ROOT.parent)}: {item}" for item in _violations(path)]
    assert not bad, "check uploads with linli.core.uploads.sanitise, not: " + ", ".join(bad)


def test_the_project_rule_catches_a_raw_open(tmp_path):
    sample = tmp_path / "photos.py"
    sample.write_text(
        "import PIL.Image\nfrom PIL import Image, ImageOps\nfrom PIL.Image import open\n"
        "a = Image.open(b)\nc = PIL.Image.open(b)\nImageOps.exif_transpose(a)\nf = open('x')\nfh.open('rb')\n"
    )
    assert len(_violations(sample)) == 4
