"""Attachments are checked by their content: images are re-encoded without EXIF (GPS included) or any other
metadata, real PDFs are kept, anything else — a fake PDF, an HTML page, a file over the limit — is refused with a
clear message in the user's language, and a refusal writes nothing (no row, no file, no timeline entry, no audit).
"""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from linli.core.models import AuditLog
from linli.core.uploads import sanitise, size_label
from linli.workorders import services as wo
from linli.workorders.models import CaseAttachment, CaseEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/workorders"
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
    b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def gps_jpeg() -> bytes:
    """A JPEG as a phone writes it: camera make, the GPS position (IFD 0x8825) and a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)  # 0x8825
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 41.0, 20.76)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (118.0, 30.0, 26.28)
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 40, 40)).save(buf, "JPEG", exif=exif, comment=b"home sweet home")
    data = buf.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries the position
        assert ExifTags.IFD.GPSInfo in check.getexif()
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    return data


def upload(name, data, content_type):
    return SimpleUploadedFile(name, data, content_type=content_type)


def report(tree):
    return wo.case_create(
        actor=tree.users["resident_a1"],
        category="property-repair",
        title="楼道灯坏了",
        description="d",
        place=tree.building_a1,
    )


def stored_files() -> set[str]:
    found = set()

    def walk(path):
        try:
            dirs, files = default_storage.listdir(path)
        except FileNotFoundError:
            return
        found.update(f"{path}/{f}" for f in files)
        for d in dirs:
            walk(f"{path}/{d}")

    walk("workorders")
    return found


def add(client, case, headers, *files):
    return client.post(f"{API}/cases/{case.pk}/attachments", {"files": list(files)}, **headers)


def test_gps_exif_is_stripped_from_a_jpeg(tree, client, token_for):
    case = report(tree)
    resp = add(client, case, token_for("resident_a1"), upload("IMG_0001.jpg", gps_jpeg(), "image/jpeg"))
    assert resp.status_code == 201, resp.content
    att = CaseAttachment.objects.get(pk=resp.json()[0]["id"])
    assert att.content_type == "image/jpeg"
    with att.file.open("rb") as fh:
        stored = fh.read()
    assert b"Exif" not in stored and b"PhoneMaker" not in stored and b"home sweet home" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (40, 30)
        assert len(image.getexif()) == 0 and ExifTags.IFD.GPSInfo not in image.getexif()
        assert "comment" not in image.info
    # What the case page serves is the clean copy.
    client.force_login(tree.users["secretary_a1"])
    served = client.get(reverse("workorders:attachment", args=[att.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == stored


def test_a_pdf_is_accepted_as_is(tree, client, token_for):
    case = report(tree)
    resp = add(client, case, token_for("resident_a1"), upload("通知.pdf", PDF, "application/pdf"))
    assert resp.status_code == 201, resp.content
    att = CaseAttachment.objects.get(pk=resp.json()[0]["id"])
    assert att.content_type == "application/pdf" and att.original_name == "通知.pdf"
    with att.file.open("rb") as fh:
        assert fh.read() == PDF
    client.force_login(tree.users["secretary_a1"])
    served = client.get(reverse("workorders:attachment", args=[att.pk]))
    assert served["Content-Type"] == "application/pdf" and served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data", "content_type", "message"),
    [
        (
            "report.pdf",
            b"%PDF-1.4\n<html><script>alert(1)</script></html>\n",
            "application/pdf",
            "report.pdf 不是有效的 PDF 文件。",
        ),
        (
            "page.pdf",
            b"<!doctype html><html><body><script>alert(1)</script></body></html>",
            "application/pdf",
            "page.pdf：只接受 JPEG、PNG、WebP 图片或 PDF 文件。",
        ),
        (
            "photo.jpg",
            b"<html><img src=x onerror=alert(1)></html>",
            "image/jpeg",
            "photo.jpg：只接受 JPEG、PNG、WebP 图片或 PDF 文件。",
        ),
    ],
)
def test_fake_files_are_refused_and_nothing_is_written(tree, client, token_for, name, data, content_type, message):
    case = report(tree)
    headers = token_for("resident_a1")
    before_files, before_audit = stored_files(), AuditLog.objects.count()
    good = upload("ok.pdf", PDF, "application/pdf")  # a good file first: it must not be kept either
    resp = add(client, case, headers, good, upload(name, data, content_type))
    assert resp.status_code == 400, resp.content
    error = resp.json()["error"]
    assert error["fields"]["attachments"] == [message]
    assert not CaseAttachment.objects.exists()
    assert not CaseEvent.objects.filter(case=case, action="attach").exists()
    assert AuditLog.objects.count() == before_audit
    assert stored_files() == before_files


def test_a_file_over_the_limit_is_refused_with_the_limit_named(tree, client, token_for, settings):
    settings.LINLI_UPLOAD_MAX_BYTES = 64 * 1024
    case = report(tree)
    before_files = stored_files()
    big = upload("scan.pdf", PDF[:-6] + b" " * (70 * 1024) + b"%%EOF\n", "application/pdf")
    resp = add(client, case, token_for("resident_a1"), big)
    assert resp.status_code == 400
    assert resp.json()["error"]["fields"]["attachments"] == ["scan.pdf 过大：文件最大 64 KB。"]
    assert not CaseAttachment.objects.exists() and stored_files() == before_files


def test_the_report_page_refuses_a_fake_pdf_in_chinese(tree, client):
    client.force_login(tree.users["resident_a1"])
    resp = client.post(
        reverse("workorders:report"),
        {
            "category": "noise",
            "case_type": "complaint",
            "title": "噪音",
            "description": "夜间施工",
            "place": [tree.comm_a1.code],
            "confidentiality": "none",
            "photos": [upload("x.pdf", b"%PDF-1.7 not really", "application/pdf")],
        },
    )
    assert resp.status_code == 400
    assert "x.pdf 不是有效的 PDF 文件。" in resp.content.decode()
    assert not CaseAttachment.objects.exists() and not CaseEvent.objects.exists()


def test_size_label():
    assert size_label(10 * 2**20) == "10 MB"
    assert size_label(int(1.5 * 2**20)) == "1.5 MB"
    assert size_label(64 * 1024) == "64 KB"


def test_png_and_webp_metadata_is_dropped_too():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 31.689,118.507")
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    for fmt, kwargs in (("PNG", {"pnginfo": info, "exif": exif}), ("WEBP", {"exif": exif})):
        buf = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buf, fmt, **kwargs)
        content, _type, _name = sanitise(upload(f"x.{fmt.lower()}", buf.getvalue(), "image/" + fmt.lower()))
        data = content.read()
        assert b"Exif" not in data and b"GPS 31" not in data, fmt
