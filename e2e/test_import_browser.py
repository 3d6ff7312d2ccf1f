"""Excel import in a real browser: upload a file with errors → see them in the preview → upload the corrected
file → commit → the residents appear in the list. Also: the preview fits a 375 px phone.

live_server needs committed data, hence ``transactional_db``; the test settings run tasks immediately, so the
check has finished when the job page opens (the progress bar is exercised by the view tests).
"""

import io
import re

import pytest
from django.urls import reverse

from .conftest import RESULTS
from .test_browser import NARROW, assert_no_horizontal_overflow

pytestmark = pytest.mark.browser

HEADERS = ["姓名", "证件类型", "证件号码", "手机号码", "房屋编码"]


def id_number(seq: int) -> str:
    from linli.core.validators import id_check_char

    first17 = f"34050419850615{seq:03d}"
    return first17 + id_check_char(first17)


def workbook(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "居民"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(page, data: bytes, name: str):
    page.locator("select[name=kind]").select_option("residents")
    page.locator("input[name=file]").set_input_files(
        files=[
            {
                "name": name,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": data,
            }
        ]
    )
    page.get_by_test_id("import-upload").click()


def test_upload_see_errors_fix_and_commit(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import PASSWORD, build_tree
    from linli.registry.models import Resident

    tree = build_tree()
    house = tree.house_a1.code
    good, bad_check = id_number(1), id_number(2)
    bad_check = bad_check[:-1] + ("0" if bad_check[-1] != "0" else "1")
    url = live_server.url

    page.goto(url + reverse("accounts:login"))
    page.locator("input[name=username]").fill("secretary_a1")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(url + reverse("portal:home"))

    # 1. The hub offers the templates; upload a file with two bad rows.
    page.goto(url + reverse("registry:import_list"))
    expect(page.get_by_test_id("template-residents")).to_be_visible()
    page.get_by_test_id("import-new").click()
    upload(
        page,
        workbook(
            [
                ["浏览器甲", "居民身份证", good, "13812340001", house],
                ["浏览器乙", "居民身份证", bad_check, "13812340002", house],
                ["浏览器丙", "居民身份证", id_number(3), "12345", "340504001001001001019999"],
            ]
        ),
        "有错误.xlsx",
    )

    # 2. The preview lists the errors by row and column; nothing is imported.
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "invalid")
    problems = page.get_by_test_id("import-problems")
    expect(problems.locator("tr[data-row='3']")).to_contain_text("证件号码")
    expect(problems.locator("tr[data-row='4']")).to_contain_text("手机号码")
    expect(problems.locator("tr[data-row='4']")).to_contain_text("房屋编码")
    expect(problems).not_to_contain_text(bad_check)  # the preview shows masked numbers only
    expect(page.get_by_test_id("import-error-file")).to_be_visible()
    assert Resident.objects.count() == 0

    # 3. The preview fits a phone.
    page.set_viewport_size({"width": NARROW, "height": 812})
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "import-preview-375.png"), full_page=True)
    assert_no_horizontal_overflow(page, "the import preview")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 4. Upload the corrected file.
    page.get_by_test_id("import-again").click()
    expect(page.locator("select[name=kind]")).to_have_value("residents")
    page.set_viewport_size({"width": NARROW, "height": 812})
    page.screenshot(path=str(RESULTS / "import-form-375.png"), full_page=True)
    assert_no_horizontal_overflow(page, "the upload form")
    page.set_viewport_size({"width": 1280, "height": 900})
    upload(
        page,
        workbook(
            [
                ["浏览器甲", "居民身份证", good, "13812340001", house],
                ["浏览器乙", "居民身份证", id_number(2), "13812340002", house],
                ["浏览器丙", "居民身份证", id_number(3), "13812340003", house],
            ]
        ),
        "已改正.xlsx",
    )
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "valid")
    expect(page.get_by_test_id("import-valid")).to_contain_text("3")

    # 5. Commit: all three are imported, and the resident list shows them.
    page.get_by_test_id("import-commit").click()
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "committed")
    expect(page.get_by_test_id("import-done")).to_contain_text("3")
    page.get_by_test_id("to-residents").click()
    page.wait_for_url(re.compile(re.escape(url + reverse("registry:resident_list"))))
    main = page.locator("main")
    for name in ("浏览器甲", "浏览器乙", "浏览器丙"):
        expect(main).to_contain_text(name)
    expect(main).not_to_contain_text(good)  # masked in the list too
    assert Resident.objects.filter(name__startswith="浏览器").count() == 3
