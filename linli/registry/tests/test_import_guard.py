"""Issue 11 item 1: a small xlsx whose used range is huge must not take the server down.

A 7.8 KB template with one more cell at XFD1048576 made python-calamine allocate the whole empty grid
(≈ 550 GB) inside the upload request and the process aborted. The files are built here: the residents
template plus one far cell, a ``<dimension>`` that lies, a far cell at row 20,000 (≈ 10 GB), a row of cells
without references. Each is refused with a clear message on the upload page and on the background path,
and whatever passes the guard is parsed in a child process under a memory limit.
"""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.core import crypto
from linli.registry.importing import services
from linli.registry.importing.columns import SPECS, build_template
from linli.registry.importing.messages import Refusal, render
from linli.registry.importing.reader import Sheet, check_container, column_index, first_sheet_member, prescan
from linli.registry.models import ImportJob, ImportStatus

from .test_import import book, person

pytestmark = pytest.mark.django_db
SHEET = "xl/worksheets/sheet1.xml"


def template() -> bytes:
    """The residents template as users download it."""
    return build_template("residents", max_rows=200_000, max_mb=20)


def rewrite(data: bytes, edit) -> bytes:
    """The same workbook with ``edit(xml) -> xml`` applied to the first sheet's XML."""
    src = zipfile.ZipFile(io.BytesIO(data))
    member, _title = first_sheet_member(src)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info, edit(body) if info.filename == member else body)
    return out.getvalue()


def far_cell(data: bytes, ref: str) -> bytes:
    row = re.search(r"\d+", ref).group()
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    return rewrite(data, lambda xml: xml.replace(b"</sheetData>", cell + b"</sheetData>"))


def dimension(data: bytes, ref: str) -> bytes:
    def edit(xml):
        xml, n = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)
        if not n:
            xml = xml.replace(b"<sheetViews", f'<dimension ref="{ref}"/><sheetViews'.encode(), 1)
        return xml

    return rewrite(data, edit)


def crafted(kind: str) -> bytes:
    base = template()
    if kind == "far_cell":
        return far_cell(base, "XFD1048576")
    if kind == "dimension_lie":
        return dimension(base, "A1:XFD1048576")
    if kind == "row_20000":
        return far_cell(base, "XFD20000")
    if kind == "unreferenced":  # 20,000 cells in one row without r="…": the reader counts them itself
        cells = b'<c t="inlineStr"><is><t>x</t></is></c>' * 20_000
        return rewrite(base, lambda xml: xml.replace(b"</sheetData>", b"<row>" + cells + b"</row></sheetData>"))
    raise AssertionError(kind)


CRAFTED = ["far_cell", "dimension_lie", "row_20000", "unreferenced"]


@pytest.fixture
def sec(tree):
    return tree.users["secretary_a1"]


def test_the_crafted_files_are_small_and_otherwise_valid():
    data = crafted("far_cell")
    assert len(data) < 20_000
    archive = check_container(data)
    member, title = first_sheet_member(archive)
    assert b'r="XFD1048576"' in archive.read(member) and title


@pytest.mark.parametrize("kind", CRAFTED)
def test_a_huge_used_range_is_refused_on_the_upload_page(client, sec, kind):
    client.force_login(sec)
    resp = client.post(
        reverse("registry:import_new"), {"kind": "residents", "file": SimpleUploadedFile("居民.xlsx", crafted(kind))}
    )
    body = resp.content.decode()
    assert resp.status_code == 200 and "field-error" in body
    assert "超出" in body and "删除" in body, body  # the Chinese message says what is wrong and what to do
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("kind", CRAFTED)
def test_a_huge_used_range_is_refused_by_the_service(sec, kind):
    with pytest.raises(Exception) as exc:
        services.import_upload(actor=sec, kind="residents", upload=SimpleUploadedFile("x.xlsx", crafted(kind)))
    message = " ".join(exc.value.message_dict["file"])
    assert message.startswith(render("used_range", {"cell": "X", "rows": "1", "columns": "1"})[:8])
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "kind,cell",
    [("far_cell", "XFD1048576"), ("dimension_lie", "XFD1048576"), ("row_20000", "XFD20000"), ("unreferenced", None)],
)
def test_the_used_range_is_read_from_the_xml_without_a_parser(kind, cell, settings):
    archive = check_container(crafted(kind))
    member, _title = first_sheet_member(archive)
    with pytest.raises(Refusal) as exc:
        prescan(archive, member, max_rows=200_000)
    assert exc.value.code == "used_range"
    if cell:
        assert exc.value.params["cell"] == cell
    else:  # 20,000 cells placed one after another in row 2: refused once the scan passes the cap
        letters = exc.value.params["cell"][:-1]
        assert exc.value.params["cell"].endswith("2") and column_index(letters) >= 16_384
    settings.LINLI_IMPORT_MAX_COLUMNS = 16_384  # without the column cap, the far cell's row is refused
    if kind == "far_cell":
        with pytest.raises(Refusal) as exc:
            prescan(archive, member, max_rows=200_000)
        assert exc.value.params["cell"] == "XFD1048576"
    if kind == "row_20000":  # within both caps: the scan places the far cell exactly
        scan = prescan(archive, member, max_rows=200_000)
        assert (scan.max_row, scan.max_column) == (20_000, 16_384)


@pytest.mark.parametrize("kind", CRAFTED)
def test_a_huge_used_range_fails_the_background_check_cleanly(tree, sec, kind):
    """A file stored before the guard existed (or otherwise past the upload) fails its job, nothing else."""
    job = services.import_upload(actor=sec, kind="residents", upload=SimpleUploadedFile("a.xlsx", book([person(tree)])))
    ImportJob.objects.filter(pk=job.pk).update(file_data=crypto.fernet().encrypt(crafted(kind)))
    services.run_validation(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.message_code == "used_range"
    assert "删除" in job.message


def test_parsing_runs_under_a_memory_limit(tree, sec, settings):
    """With the column cap lifted, the far cell at row 20,000 (≈ 10 GB for python-calamine) passes the guard; the
    parser's allocation then fails in the child, under its memory limit, and this process refuses the file —
    at upload (the header is read in the child) and in the background check."""
    settings.LINLI_IMPORT_MAX_COLUMNS = 16_384
    settings.LINLI_IMPORT_ENGINE = "calamine"
    data = far_cell(book([person(tree)]), "XFD20000")
    with pytest.raises(Exception) as exc:
        services.import_upload(actor=sec, kind="residents", upload=SimpleUploadedFile("x.xlsx", data))
    assert " ".join(exc.value.message_dict["file"]) == render("worker_limit", {"limit": 2048})
    job = services.import_upload(actor=sec, kind="residents", upload=SimpleUploadedFile("a.xlsx", book([person(tree)])))
    ImportJob.objects.filter(pk=job.pk).update(file_data=crypto.fernet().encrypt(data))
    services.run_validation(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.message_code == "worker_limit"
    assert job.message == render("worker_limit", {"limit": 2048})


def test_the_worker_refuses_what_it_cannot_read(tree, sec):
    sheet = Sheet(book([person(tree)]), SPECS["residents"])
    sheet.data = sheet.data[:-200]  # the central directory is gone: the child says so, the parent refuses
    with pytest.raises(Refusal) as exc:
        list(sheet.rows())
    assert exc.value.code in ("not_xlsx", "bad_zip")
