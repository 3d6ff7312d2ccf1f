"""The 吹哨报到 closed loop in a real browser.

resident reports (phone) → community secretary whistles → dispatcher sends it to 城管局 with 住建局 co-handling →
住建局 signs for its part → 城管局 signs, handles, completes → resident says 不满意 (phone) → re-done → 满意 →
archived; the timeline shows every step.
"""

import io

import pytest
from django.urls import reverse

from . import helpers
from .conftest import RESULTS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def login(page, url, username, *, phone=False):
    helpers.login(page, url, username, viewport=PHONE if phone else DESKTOP)


def no_horizontal_scroll(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{what} is {width}px wide on a 375px phone"


def step(page, url, case, name, fields=None):
    """Open the case page, unfold the step's form, fill it, submit; back on the case page."""
    from playwright.sync_api import expect

    page.goto(url + reverse("workorders:case_detail", args=[case.pk]))
    box = page.get_by_test_id(f"action-{name}")
    expect(box).to_be_visible()
    if name != "co_sign":
        box.locator("summary").click()
    for selector, value in (fields or {}).items():
        field = box.locator(selector)
        if value is True:
            field.check()
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(value)
    button = box.get_by_test_id(f"submit-{name}") if name != "co_sign" else box
    button.click()
    page.wait_for_load_state()
    expect(page.locator(".msg-success")).to_be_visible()


def evaluate(page, url, case, verdict, reasons=()):
    from playwright.sync_api import expect

    page.goto(url + reverse("workorders:my_cases"))
    page.locator(f'a[href="{reverse("workorders:evaluate", args=[case.pk])}"]').click()
    page.get_by_test_id(f"verdict-{verdict}").click()
    for reason in reasons:
        page.locator(".wo-reasons:not([hidden]) label", has_text=reason).click()
    no_horizontal_scroll(page, "the verdict page")
    page.get_by_test_id("submit-evaluate").click()
    expect(page.locator(".msg-success")).to_be_visible()


def test_whistle_loop_from_report_to_archive(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.workorders.models import Case, CaseAssignment

    tree = build_tree()
    url = live_server.url

    # 1. The resident reports on the phone: category chip, type, text, a photo, compound and building.
    login(page, url, "resident_a1", phone=True)
    page.goto(url + reverse("workorders:report"))
    no_horizontal_scroll(page, "the report page")
    page.get_by_test_id("category-chips").locator("label", has_text="违章搭建").click()
    page.locator("select[name=case_type]").select_option("complaint")
    page.locator("input[name=title]").fill("楼顶违章搭建")
    page.locator("textarea[name=description]").fill("1栋楼顶有人在搭彩钢棚，<b>影响安全</b>")
    page.get_by_test_id("photos").set_input_files(
        [{"name": "roof.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_test_id("place-level-4").select_option(tree.compound_a1.code)
    page.get_by_test_id("place-level-5").select_option(tree.building_a1.code)  # loaded by htmx
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("state")).to_have_text("已受理")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "workorders-track-375.png"), full_page=True)
    no_horizontal_scroll(page, "the track page")
    case = Case.objects.get()
    assert case.place == tree.building_a1 and case.attachments.count() == 1
    expect(page.get_by_test_id("description")).to_contain_text("<b>影响安全</b>")  # shown as text, not markup

    # 2. The community secretary whistles (吹哨).
    login(page, url, "secretary_a1")
    page.goto(url + reverse("workorders:community_queue"))
    expect(page.get_by_test_id("queue")).to_contain_text("楼顶违章搭建")
    step(page, url, case, "whistle", {"textarea": "涉及违建拆除，需城管执法"})
    expect(page.get_by_test_id("level")).to_contain_text("区指挥调度中心")

    # 3. The dispatcher sends it to 城管局 with 住建局 co-handling.
    login(page, url, "dispatcher")
    page.goto(url + reverse("workorders:dispatch_queue"))
    expect(page.get_by_test_id("queue-row").first).to_contain_text("楼顶违章搭建")
    step(
        page,
        url,
        case,
        "dispatch",
        {
            "select[name='dispatch-lead_org']": tree.dept_other.pk,
            f"input[name='dispatch-co_orgs'][value='{tree.dept.pk}']": True,
        },
    )
    expect(page.get_by_test_id("assignments")).to_contain_text(tree.dept_other.name)
    expect(page.get_by_test_id("assignments")).to_contain_text(tree.dept.name)

    # 4. 住建局 signs for its part; it is marked as co-handled in its queue.
    login(page, url, "dept_staff")
    page.goto(url + reverse("workorders:org_queue"))
    expect(page.get_by_test_id("co-handled")).to_be_visible()
    step(page, url, case, "co_sign")

    # 5. 城管局 signs, starts and completes with a reply.
    login(page, url, "dept_other_staff")
    page.goto(url + reverse("workorders:org_queue"))
    expect(page.get_by_test_id("queue")).to_contain_text("楼顶违章搭建")
    step(page, url, case, "sign")
    step(page, url, case, "start", {"textarea": "已到现场核查"})
    step(page, url, case, "complete", {"textarea": "已责令当事人拆除"})
    assert Case.objects.get().state == "completed"

    # 6. The resident is not satisfied (phone): sent back for re-doing.
    login(page, url, "resident_a1", phone=True)
    evaluate(page, url, case, "unsatisfied", ["问题未解决"])
    case.refresh_from_db()
    assert case.state == "dispatched" and case.reopen_count == 1

    # 7. Re-done.
    login(page, url, "dept_other_staff")
    step(page, url, case, "sign")
    step(page, url, case, "complete", {"textarea": "彩钢棚已全部拆除，现场恢复"})

    # 8. Satisfied this time.
    login(page, url, "resident_a1", phone=True)
    evaluate(page, url, case, "satisfied", ["问题已解决"])
    expect(page.get_by_test_id("verdict")).to_contain_text("满意")

    # 9. The dispatch centre archives it; the timeline has every step in order.
    login(page, url, "dispatcher")
    step(page, url, case, "archive")
    expect(page.get_by_test_id("state")).to_have_text("归档")  # the foundation's catalogue names this state
    actions = page.get_by_test_id("timeline").locator("li").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == [
        "create",
        "whistle",
        "dispatch",
        "co_sign",
        "sign",
        "start",
        "complete",
        "reopen",
        "sign",
        "complete",
        "evaluate",
        "archive",
    ]
    assert set(CaseAssignment.objects.filter(case=case).values_list("organisation_id", "role")) == {
        (tree.dept_other.pk, "lead"),
        (tree.dept.pk, "co"),
    }

    # 10. The statistics count it: one case for 城管局, resolved; satisfaction counts both verdicts (50 %).
    page.goto(url + reverse("workorders_stats:stats") + "?by=department")
    row = page.get_by_test_id("stats-table").locator("tbody tr", has_text=tree.dept_other.name)
    cells = row.locator("td").all_inner_texts()
    assert cells[1] == "1", cells  # volume
    assert cells[4].startswith("100"), cells  # completed
    assert cells[5].startswith("100"), cells  # resolved: the final verdict is satisfied
    assert cells[6].startswith("50"), cells  # satisfaction over every verdict given: 1 of 2 (the first reopened it)
    assert cells[7].startswith("100"), cells  # sent back once
    page.screenshot(path=str(RESULTS / "workorders-stats.png"), full_page=True)


def test_grid_worker_patrol_find_on_a_phone_with_gps(page, live_server, transactional_db):
    """A grid worker's phone view: report a patrol find with a photo, the GPS point and the building."""
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.workorders.models import Case

    tree = build_tree()
    url = live_server.url
    page.context.grant_permissions(["geolocation"], origin=url)
    page.context.set_geolocation({"latitude": 31.6891, "longitude": 118.5073})
    login(page, url, "grid_a", phone=True)
    page.goto(url + reverse("workorders:report_patrol"))
    no_horizontal_scroll(page, "the patrol page")
    page.get_by_test_id("category-chips").locator("label", has_text="飞线充电").click()
    page.locator("input[name=title]").fill("楼道飞线充电")
    page.locator("textarea[name=description]").fill("1栋1单元楼道有电动车飞线充电")
    page.get_by_test_id("photos").set_input_files(
        [{"name": "wire.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_test_id("use-location").click()
    expect(page.get_by_test_id("location-status")).to_contain_text("31.689100")
    page.get_by_test_id("place-level-7").select_option(tree.house_a1.code)  # the grid's building is the root
    page.screenshot(path=str(RESULTS / "workorders-patrol-375.png"), full_page=True)
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("case-title")).to_have_text("楼道飞线充电")
    case = Case.objects.get()
    assert case.source == "patrol" and case.place == tree.house_a1
    assert str(case.lat) == "31.689100" and str(case.lng) == "118.507300"
    expect(page.get_by_test_id("geo")).to_be_visible()  # the map point as a coordinates link
    no_horizontal_scroll(page, "the case page")
    page.screenshot(path=str(RESULTS / "workorders-case-375.png"), full_page=True)


def test_settings_on_a_phone_refuse_bad_input_in_chinese(page, live_server, transactional_db):
    """The district administrator changes a time limit on a phone: bad input is refused with a field error."""
    from playwright.sync_api import expect

    from linli.accounts.testing import build_tree
    from linli.workorders.models import TimeLimit

    build_tree()
    url = live_server.url
    login(page, url, "district_admin", phone=True)
    page.goto(url + reverse("workorders:config"))
    expect(page.locator("h1")).to_have_text("工单配置")
    no_horizontal_scroll(page, "the settings page")
    page.get_by_test_id("time-limit-add").click()
    page.locator("select[name=case_type]").select_option("consult")
    page.locator("select[name=category]").select_option(label="噪音")
    page.locator("input[name=sign_days]").fill("3")
    page.locator("input[name=handle_days]").fill("2")
    page.get_by_test_id("config-save").click()
    expect(page.get_by_test_id("error-sign_days")).to_have_text("签收时限不能长于办结时限。")
    no_horizontal_scroll(page, "the time-limit form")
    assert not TimeLimit.objects.filter(case_type="consult", category__code="noise").exists()
    page.locator("input[name=sign_days]").fill("1")
    page.get_by_test_id("config-save").click()
    expect(page.locator(".msg-success")).to_have_text("办理时限已保存。")
    assert TimeLimit.objects.filter(case_type="consult", category__code="noise", sign_days=1, handle_days=2).exists()
    page.screenshot(path=str(RESULTS / "workorders-settings-375.png"), full_page=True)
