"""Exports: only with the "export" right and only where it holds, masked numbers only, signed, audited — and
an exported resident file imports back without errors, without duplicates and without changes."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from linli.accounts.testing import system_user
from linli.areas import services as areas
from linli.core import crypto
from linli.core.models import AuditLog
from linli.core.testing import FORMULA_NAME, assert_text_not_formula, count_queries
from linli.core.validators import id_check_char
from linli.registry import services as registry
from linli.registry.importing import services as imports
from linli.registry.importing.columns import HOUSEHOLDS, ORGANISATIONS, RESIDENTS
from linli.registry.models import ImportStatus, Resident

pytestmark = pytest.mark.django_db


def idn(seq: int, birth: str = "19800101") -> str:
    first17 = f"340504{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def add(tree, name, seq, home=None, **kw):
    kw.setdefault("phone", f"139{seq:08d}")
    return registry.resident_create(
        actor=system_user(), name=name, id_number=idn(seq), home=home or tree.house_a1, **kw
    )


def download(client, url_name="registry:resident_export", **params):
    params["download"] = "1"
    resp = client.get(reverse(url_name), params)
    assert resp.status_code == 200, resp.content[:500]
    return b"".join(resp.streaming_content)


def sheet_rows(content: bytes):
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def all_xml(content: bytes) -> str:
    z = zipfile.ZipFile(io.BytesIO(content))
    return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


@pytest.fixture
def people(tree):
    root = system_user()
    unit = areas.place_create(actor=root, parent=tree.building_a1b, name="1单元")
    outside_grid = areas.place_create(
        actor=root,
        parent=unit,
        name="101",
        floor=1,
        number="101",
        area=Decimal("80"),
        area_source="registered",
        use="residential",
    )
    return {
        "in_grid": add(
            tree,
            "网格内",
            1,
            employer="马钢",
            education="bachelor",
            ethnicity="汉族",
            political_status="cpc_member",
            notes="=1+1",
        ),
        "in_grid_2": add(tree, "网格内二", 2, residence_status="floating"),
        "outside_grid": add(tree, "网格外", 3, home=outside_grid),
        "other_community": add(tree, "西苑", 4, home=tree.house_a2),
        "other_street": add(tree, "半山", 5, home=tree.house_b1),
        "house": outside_grid,
    }


def test_export_needs_the_right(client, tree, people):
    for name in ("head_a1", "dept_staff", "property_staff", "resident_a1", "nobody"):
        client.force_login(tree.users[name])
        assert client.get(reverse("registry:resident_export"), {"download": "1"}).status_code == 403, name
        assert client.get(reverse("registry:household_export"), {"download": "1"}).status_code == 403, name
    assert not AuditLog.objects.filter(action="export").exists()


def test_a_grid_worker_exports_their_grid_only(client, tree, people):
    client.force_login(tree.users["grid_a"])
    rows = sheet_rows(download(client))
    names = {r[1] for r in rows[2:]}
    assert names == {"网格内", "网格内二"}
    # a place outside the grid is unknown to them: a message, no file
    resp = client.get(reverse("registry:resident_export"), {"place": tree.comm_a1.code, "download": "1"})
    assert resp.status_code == 200 and b"form-errors" in resp.content
    assert AuditLog.objects.filter(action="export").count() == 1


def test_the_file_is_masked_signed_and_audited(client, tree, people):
    user = tree.users["secretary_a1"]
    client.force_login(user)
    content = download(client, q="网格")
    rows = sheet_rows(content)
    banner, header = rows[0], rows[1]
    assert "secretary_a1" in banner[0] and "20" in banner[0]  # the exporter and the time
    assert list(header) == [c.header for c in RESIDENTS.columns]
    body = {r[1]: r for r in rows[2:]}
    assert set(body) == {"网格内", "网格内二", "网格外"}
    r = people["in_grid"]
    line = body["网格内"]
    assert line[0] == r.pk and line[3] == r.id_masked and line[4] == r.phone_masked and "*" in line[3]
    assert line[8] == "中共党员" and line[11] == "本科" and line[12] == r.home.code
    xml = all_xml(content)
    for p in ("in_grid", "in_grid_2", "outside_grid"):
        assert crypto.decrypt(people[p].id_cipher) not in xml
        assert crypto.decrypt(people[p].phone_cipher) not in xml
    assert "<f>" not in xml and "<f " not in xml  # "=1+1" in the notes is text, not a formula
    assert body["网格内"][13] == "=1+1"
    info = load_workbook(io.BytesIO(content)).worksheets[1]
    info_text = " ".join(str(c) for row in info.iter_rows(values_only=True) for c in row)
    assert "secretary_a1" in info_text and "网格" in info_text
    log = AuditLog.objects.get(action="export")
    assert log.actor == user and log.object_type == "registry.resident"
    note = json.loads(log.note)
    assert note == {"filters": {"q": "网格"}, "rows": 3}
    assert log.scope_path == tree.comm_a1.path


def test_filters_are_the_list_pages(client, tree, people):
    client.force_login(tree.users["district_admin"])
    assert {r[1] for r in sheet_rows(download(client, place=tree.comm_a2.code))[2:]} == {"西苑"}
    assert {r[1] for r in sheet_rows(download(client, status="floating"))[2:]} == {"网格内二"}
    assert len(sheet_rows(download(client))[2:]) == 5
    resp = client.get(reverse("registry:resident_export"), {"place": "999999999999", "download": "1"})
    assert resp.status_code == 200 and b"form-errors" in resp.content  # unknown place: a message, no file


def test_the_confirmation_page_says_numbers_are_masked(client, tree, people):
    client.force_login(tree.users["secretary_a1"])
    page = client.get(reverse("registry:resident_export"), {"q": "网格"})
    assert page.status_code == 200
    assert b'data-testid="export-note"' in page.content and b'data-testid="export-download"' in page.content
    assert b'data-testid="export-count"' in page.content
    assert not AuditLog.objects.filter(action="export").exists()  # the page is not the export


def test_export_costs_a_constant_number_of_queries(client, tree, people):
    client.force_login(tree.users["secretary_a1"])
    with count_queries() as few:
        download(client)
    for i in range(20):
        add(tree, f"更多{i}", 100 + i)
    with count_queries() as many:
        download(client)
    assert few.count == many.count


# -- the round trip --------------------------------------------------------------------------------------


def _reimport(user, content: bytes):
    job = imports.import_upload(actor=user, kind="residents", upload=SimpleUploadedFile("导出.xlsx", content))
    imports.run_validation(job.pk)
    job.refresh_from_db()
    return job


def _state():
    skip = {"updated_at"}
    return {
        r.pk: {f.attname: getattr(r, f.attname) for f in Resident._meta.concrete_fields if f.attname not in skip}
        for r in Resident.objects.all()
    }


def test_an_exported_file_imports_back_unchanged(client, tree, people):
    user = tree.users["secretary_a1"]
    registry.resident_update(actor=user, resident=people["in_grid_2"], phone="")  # a record without a phone
    client.force_login(user)
    content = download(client)
    before = _state()
    job = _reimport(user, content)
    assert job.status == ImportStatus.VALID, list(job.issues.values_list("row", "errors"))
    assert job.valid_rows == 3 and job.error_rows == 0
    imports.request_commit(actor=user, job=job)
    imports.run_commit(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == (ImportStatus.COMMITTED, 0, 0, 3)
    assert _state() == before  # no duplicates, nothing changed


def test_an_edited_export_updates_the_records(client, tree, people):
    user = tree.users["secretary_a1"]
    client.force_login(user)
    wb = load_workbook(io.BytesIO(download(client)))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[2]]
    target = next(row for row in ws.iter_rows(min_row=3) if row[1].value == "网格内")
    target[headers.index("工作单位")].value = "新单位"
    target[headers.index("手机号码")].value = "13700000000"
    new_row = [None] * len(headers)
    new_row[headers.index("姓名")], new_row[headers.index("证件号码")] = "新来的", idn(77)
    new_row[headers.index("房屋编码")] = tree.house_a1.code
    ws.append(new_row)
    out = io.BytesIO()
    wb.save(out)
    job = _reimport(user, out.getvalue())
    assert job.status == ImportStatus.VALID
    imports.request_commit(actor=user, job=job)
    imports.run_commit(job.pk)
    job.refresh_from_db()
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 2)
    r = Resident.objects.get(pk=people["in_grid"].pk)
    assert r.employer == "新单位" and r.phone_masked == "137****0000"
    assert crypto.decrypt(r.id_cipher) == idn(1)  # the masked ID kept the stored number
    assert Resident.objects.filter(name="新来的").count() == 1


def test_a_street_exporter_cannot_reimport_what_they_may_not_change(client, tree, people):
    street = tree.users["street_a"]  # may export, may not change residents
    client.force_login(street)
    content = download(client)
    assert len(sheet_rows(content)[2:]) == 4
    with pytest.raises(Exception):
        _reimport(street, content)


# -- households and organisations ------------------------------------------------------------------------


def test_households_export(client, tree, people):
    user = tree.users["secretary_a1"]
    registry.household_create(actor=user, house=tree.house_a1, head=people["in_grid"], number="H-1")
    client.force_login(user)
    rows = sheet_rows(download(client, "registry:household_export"))
    assert list(rows[1]) == [c.header for c in HOUSEHOLDS.columns]
    assert rows[2][0] == "H-1" and rows[2][3] == people["in_grid"].id_masked and rows[2][5] == "户主"
    assert AuditLog.objects.filter(action="export", object_type="registry.householdmember").count() == 1


def test_organisations_export(client, tree):
    client.force_login(tree.users["district_admin"])
    rows = sheet_rows(download(client, "registry:organisation_export"))
    assert list(rows[1]) == [c.header for c in ORGANISATIONS.columns]
    assert {r[0] for r in rows[2:]} >= {tree.dept.name, tree.property_co.name}
    assert AuditLog.objects.filter(action="export", object_type="orgs.organisation").count() == 1


def test_typed_names_are_exported_as_text_not_formulas(client, tree, people):
    from linli.orgs.models import Organisation

    user = tree.users["secretary_a1"]
    Resident.objects.filter(pk=people["in_grid"].pk).update(name=FORMULA_NAME, employer=FORMULA_NAME + "厂")
    Organisation.objects.filter(pk=tree.dept.pk).update(name=FORMULA_NAME, address="@" + FORMULA_NAME)
    registry.household_create(actor=user, house=tree.house_a1, head=people["in_grid"], number="H-1")
    client.force_login(user)
    assert len(assert_text_not_formula(download(client))) == 2
    assert len(assert_text_not_formula(download(client, "registry:household_export"))) == 1
    client.force_login(tree.users["district_admin"])
    assert len(assert_text_not_formula(download(client, "registry:organisation_export"))) == 1


def test_export_links_on_the_hub(client, tree):
    client.force_login(tree.users["secretary_a1"])
    page = client.get(reverse("registry:import_list"))
    assert page.status_code == 200 and b'data-testid="export-note"' in page.content
    assert b'data-testid="template-residents"' in page.content
