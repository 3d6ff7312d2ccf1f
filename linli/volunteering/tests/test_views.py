import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.core.models import AuditLog
from linli.core.testing import FORMULA_NAME, assert_text_not_formula, count_queries
from linli.volunteering import services
from linli.volunteering.models import SignUp

from .conftest import started

pytestmark = pytest.mark.django_db


def test_resident_finds_signs_up_and_checks_in_with_code(client, tree, make_activity, me):
    a = make_activity(title="敬老院探访")
    other = make_activity(title="外社区活动", publish=False)
    user = tree.users["resident_a1"]
    client.force_login(user)
    page = client.get(reverse("volunteering:find")).content.decode()
    assert "敬老院探访" in page and "外社区活动" not in page
    assert client.get(reverse("volunteering:activity", args=[other.pk])).status_code == 404  # draft: not visible
    resp = client.post(reverse("volunteering:activity_op", args=[a.pk, "signup"]))
    assert resp.status_code == 302 and SignUp.objects.get().status == "confirmed"
    started(a)
    code, _ = services.checkin_code(actor=tree.users["secretary_a1"], activity=a, action="in")
    page = client.get(reverse("volunteering:check"), {"c": code})
    assert page.status_code == 200 and "敬老院探访" in page.content.decode()
    resp = client.post(reverse("volunteering:check"), {"c": code})
    assert resp.status_code == 302
    assert SignUp.objects.get().checked_in_by == "code"
    again = client.post(reverse("volunteering:check"), {"c": code})
    assert again.status_code == 400 and "check-error" in again.content.decode()


def test_check_out_before_check_in_on_page(client, tree, make_activity, me):
    a = make_activity()
    services.signup_create(actor=tree.users["resident_a1"], activity=a)
    started(a)
    code, _ = services.checkin_code(actor=tree.users["secretary_a1"], activity=a, action="out")
    client.force_login(tree.users["resident_a1"])
    resp = client.post(reverse("volunteering:check"), {"c": code})
    assert resp.status_code == 400
    assert SignUp.objects.get().checked_out_at is None


def test_self_registration_page(client, tree, make_resident):
    user = tree.users["resident_a1"]
    make_resident("赵志愿", account=user)
    client.force_login(user)
    resp = client.post(
        reverse("volunteering:me"), {"skills": ["medical"], "availability": "weekends", "contact_preference": "app"}
    )
    assert resp.status_code == 302
    page = client.get(reverse("volunteering:me")).content.decode()
    assert "my-number" in page and "YS" in page


def test_organiser_code_page_rotates(client, tree, make_activity):
    a = make_activity()
    client.force_login(tree.users["secretary_a1"])
    one = client.get(reverse("volunteering:activity_code", args=[a.pk, "in"]))
    two = client.get(reverse("volunteering:activity_code", args=[a.pk, "in"]), HTTP_HX_REQUEST="true")
    assert one.status_code == 200 and two.status_code == 200
    assert "code-token" in two.content.decode() and "<h1>" not in two.content.decode()
    token = lambda r: r.content.decode().split('data-testid="code-token">')[1].split("<")[0]  # noqa: E731
    assert token(one) != token(two)
    client.force_login(tree.users["resident_a1"])
    assert client.get(reverse("volunteering:activity_code", args=[a.pk, "in"])).status_code == 403


def _qr_of(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(
        scale=8, dark="#000", light="#fff", border=4, svgclass="vol-qr", omitsize=True
    )


def test_code_page_shows_a_qr_of_the_absolute_check_url_that_checks_in(client, tree, make_activity, me):
    """The organiser's page shows an inline SVG QR (rendered on the server) of the absolute check URL; a phone
    signed in as the volunteer opens that URL and checks in with one tap."""
    import html
    from urllib.parse import parse_qs, urlsplit

    a = make_activity()
    services.signup_create(actor=tree.users["resident_a1"], activity=a)
    started(a)
    client.force_login(tree.users["secretary_a1"])
    page = client.get(reverse("volunteering:activity_code", args=[a.pk, "in"])).content.decode()
    url = html.unescape(page.split('data-testid="code-link">')[1].split("<")[0])
    token = page.split('data-testid="code-token">')[1].split("<")[0]
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "testserver", reverse("volunteering:check"))
    assert parse_qs(parts.query) == {"c": [token]}
    qr = page.split('data-testid="qr"')[1].split("</svg>")[0] + "</svg>"
    assert "<svg" in qr and _qr_of(url) in page  # the QR is segno's own drawing of exactly that URL
    other = url[:-1] + ("x" if url[-1] != "x" else "y")
    assert _qr_of(other) not in page  # …and not of any other
    assert 'data-testid="qr-local"' not in page
    fragment = client.get(reverse("volunteering:activity_code", args=[a.pk, "in"]), HTTP_HX_REQUEST="true")
    assert "<svg" in fragment.content.decode()  # the rotating fragment carries a new QR too

    client.force_login(tree.users["resident_a1"])
    opened = client.get(parts.path + "?" + parts.query)
    assert opened.status_code == 200 and 'data-testid="check-confirm"' in opened.content.decode()
    assert client.post(parts.path + "?" + parts.query, {"c": token}).status_code == 302
    assert SignUp.objects.get().checked_in_by == "code"


def test_code_url_uses_the_public_site_address_when_the_organiser_is_on_localhost(
    client, tree, make_activity, settings
):
    a = make_activity()
    client.force_login(tree.users["secretary_a1"])
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.LINLI_SITE_URL = "https://linli.example.cn/"
    page = client.get(reverse("volunteering:activity_code", args=[a.pk, "out"]), HTTP_HOST="localhost:8000")
    text = page.content.decode()
    url = text.split('data-testid="code-link">')[1].split("<")[0]
    assert url.startswith("https://linli.example.cn/volunteering/check/?c=") and _qr_of(url) in text
    settings.LINLI_SITE_URL = "http://127.0.0.1:8000"
    text = client.get(
        reverse("volunteering:activity_code", args=[a.pk, "out"]), HTTP_HOST="localhost:8000"
    ).content.decode()
    assert "http://localhost:8000/volunteering/check/" in text and 'data-testid="qr-local"' in text


def test_phone_not_signed_in_scans_logs_in_and_still_checks_in(client, tree, make_activity, me, monkeypatch):
    """Scanned in time, then signing in takes longer than the code lives: still accepted (within the grace);
    a phone that first opens the link after the code expired is refused."""
    import time
    from urllib.parse import parse_qs, urlencode, urlsplit

    from django.test import Client
    from django.utils import timezone

    a = make_activity()
    services.signup_create(actor=tree.users["resident_a1"], activity=a)
    started(a)
    code, _ = services.checkin_code(actor=tree.users["secretary_a1"], activity=a, action="in")
    link = reverse("volunteering:check") + "?" + urlencode({"c": code})
    resp = client.get(link)
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("accounts:login"))
    assert parse_qs(urlsplit(resp["Location"]).query)["next"] == [link]
    real_time, real_now = time.time, timezone.now
    monkeypatch.setattr(time, "time", lambda: real_time() + 100)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(seconds=100))
    client.force_login(tree.users["resident_a1"])
    assert client.get(link).status_code == 200
    assert client.post(link, {"c": code}).status_code == 302
    assert SignUp.objects.get().checked_in_by == "code"

    late = Client()
    late.force_login(tree.users["resident_a1"])
    refused = late.get(link)
    assert refused.status_code == 400 and "check-error" in refused.content.decode()


def test_certificate_page_masks_id(client, tree, make_activity, me):
    a = make_activity()
    s = services.signup_create(actor=tree.users["resident_a1"], activity=a)
    started(a, ago=dt.timedelta(days=1))
    SignUp.objects.filter(pk=s.pk).update(checked_in_at=a.starts_at, checked_out_at=a.ends_at)
    services.record_confirm(actor=tree.users["secretary_a1"], signup=s)
    cert = services.certificate_issue(
        actor=tree.users["secretary_a1"], volunteer=me, person_in_charge="李书记", contact="0555-1234567"
    )
    client.force_login(tree.users["resident_a1"])  # the volunteer sees their own certificate
    page = client.get(reverse("volunteering:certificate", args=[cert.pk])).content.decode()
    for text in (
        cert.number,
        "王小明",
        me.number,
        "3.00",
        "小区清洁日",
        tree.comm_a1.name,
        "李书记",
        "0555-1234567",
        "@media print",
        me.resident.id_masked,
    ):
        assert text in page, text
    assert "34050419850501123X" not in page
    client.force_login(tree.users["secretary_a1"])
    assert client.get(reverse("volunteering:certificate", args=[cert.pk])).status_code == 200
    client.force_login(tree.users["street_a"])
    assert client.get(reverse("volunteering:certificate", args=[cert.pk])).status_code == 200
    client.force_login(tree.users["dept_staff"])
    assert client.get(reverse("volunteering:certificate", args=[cert.pk])).status_code == 404


@pytest.mark.parametrize(
    "name,status",
    [
        ("secretary_a1", 200),
        ("street_a", 200),
        ("district_admin", 200),
        ("grid_a", 200),
        ("resident_a1", 403),
        ("dept_staff", 403),
        ("nobody", 403),
    ],
)
def test_staff_pages_permissions(client, tree, name, status):
    client.force_login(tree.users[name])
    for url in ("volunteering:activities", "volunteering:volunteers", "volunteering:teams", "volunteering:stars"):
        assert client.get(reverse(url)).status_code == status, url


def test_out_of_scope_is_404(client, tree, make_activity, make_volunteer):
    a = make_activity()
    v = make_volunteer()
    client.force_login(tree.users["secretary_a1"])
    assert client.get(reverse("volunteering:activity", args=[a.pk])).status_code == 200
    from linli.accounts import services as acc
    from linli.accounts.testing import system_user

    other = acc.user_create(actor=system_user(), username="sec_b1", password="Test-pass-2026", home=tree.comm_b1)
    acc.binding_add(actor=system_user(), user=other, role="community_secretary", place=tree.comm_b1)
    client.force_login(other)
    assert client.get(reverse("volunteering:activity", args=[a.pk])).status_code == 404
    assert client.get(reverse("volunteering:volunteer", args=[v.pk])).status_code == 404
    assert client.post(reverse("volunteering:activity_op", args=[a.pk, "publish"])).status_code == 404


def test_list_query_counts_do_not_grow(client, tree, make_activity, make_volunteer):
    client.force_login(tree.users["secretary_a1"])
    make_activity()
    make_volunteer()
    counts = {}
    for rnd in (1, 2):
        if rnd == 2:
            for i in range(8):
                make_activity(start_in=dt.timedelta(days=3 + i), title=f"活动{i}")
                make_volunteer()
        for url in ("volunteering:activities", "volunteering:volunteers", "volunteering:find", "volunteering:teams"):
            with count_queries() as q:
                assert client.get(reverse(url)).status_code == 200
            counts.setdefault(url, []).append(q.count)
    for url, (small, big) in counts.items():
        assert big == small, (url, small, big)


def test_export_masked_and_audited(client, tree, make_resident):
    r = make_resident("钱志愿", id_number="340504199001011230", birth=dt.date(1990, 1, 1))
    services.volunteer_register(actor=tree.users["secretary_a1"], resident=r)
    typed = make_resident("乙志愿")
    services.volunteer_register(actor=tree.users["secretary_a1"], resident=typed)
    type(typed).objects.filter(pk=typed.pk).update(name=FORMULA_NAME)
    client.force_login(tree.users["secretary_a1"])
    resp = client.get(reverse("volunteering:volunteers_export"))
    assert resp.status_code == 200
    content = b"".join(resp.streaming_content)
    assert_text_not_formula(content)  # a typed name is text, never a live formula
    wb = load_workbook(io.BytesIO(content))
    rows = [list(row) for row in wb.active.iter_rows(values_only=True)]
    assert "secretary_a1" in rows[0][0]
    flat = " ".join(str(c) for row in rows for c in row if c)
    assert "钱志愿" in flat and "340504199001011230" not in flat and r.id_masked in flat
    assert AuditLog.objects.filter(action="export", object_type="volunteering.volunteer").exists()
    client.force_login(tree.users["grid_a"])
    assert client.get(reverse("volunteering:volunteers_export")).status_code == 403


def test_staff_ticks_list_and_confirms(client, tree, make_activity, me):
    a = make_activity()
    s = services.signup_create(actor=tree.users["resident_a1"], activity=a)
    started(a, ago=dt.timedelta(minutes=5))
    client.force_login(tree.users["secretary_a1"])
    client.post(reverse("volunteering:signup_op", args=[s.pk, "in"]))
    client.post(reverse("volunteering:signup_op", args=[s.pk, "out"]))
    s.refresh_from_db()
    assert s.checked_in_by == "list" and s.checked_out_at
    page = client.get(reverse("volunteering:activity", args=[a.pk])).content.decode()
    assert "signup-table" in page and "王小明" in page
    client.force_login(tree.users["resident_a1"])
    assert client.post(reverse("volunteering:signup_op", args=[s.pk, "confirm"])).status_code == 404


def test_activity_and_team_forms(client, tree, make_volunteer):
    client.force_login(tree.users["secretary_a1"])
    resp = client.post(
        reverse("volunteering:activity_new"),
        {
            "community": tree.comm_a1.pk,
            "kind": "volunteer",
            "title": "义剪",
            "content": "为老人理发",
            "starts_at": "2031-05-01T09:00",
            "ends_at": "2031-05-01T08:00",
            "slots": 3,
        },
    )
    assert resp.status_code == 200 and "field-error" in resp.content.decode()
    resp = client.post(
        reverse("volunteering:activity_new"),
        {
            "community": tree.comm_a1.pk,
            "kind": "volunteer",
            "title": "义剪",
            "content": "为老人理发",
            "starts_at": "2031-05-01T09:00",
            "ends_at": "2031-05-01T11:00",
            "slots": 3,
            "is_risky": "on",
        },
    )
    assert resp.status_code == 302
    from linli.volunteering.models import Activity

    a = Activity.objects.get()
    client.post(reverse("volunteering:activity_op", args=[a.pk, "publish"]))
    a.refresh_from_db()
    assert a.status == "draft"  # risky without insurance
    resp = client.post(
        reverse("volunteering:team_new"), {"community": tree.comm_a1.pk, "name": "文明创建督查队", "kind": "inspection"}
    )
    assert resp.status_code == 302
    v = make_volunteer()
    team_url = resp["Location"]
    client.post(team_url, {"form": "member", "number": v.number, "leader": "on"})
    client.post(
        team_url, {"form": "duty", "kind": "weekly", "on": timezone.localdate().isoformat(), "findings": "督促整改"}
    )
    page = client.get(team_url).content.decode()
    assert v.resident.name in page and "督促整改" in page


def test_resident_360_panel(client, tree, me):
    client.force_login(tree.users["secretary_a1"])
    page = client.get(reverse("registry:resident_detail", args=[me.resident_id])).content.decode()
    assert 'data-testid="volunteer-panel"' in page and me.number in page


def _workbook(resp):
    assert resp.status_code == 200, resp.status_code
    return load_workbook(io.BytesIO(b"".join(resp.streaming_content)))


def test_activity_signup_list_export_with_hours_masked_and_audited(client, tree, make_activity, me, make_volunteer):
    from decimal import Decimal

    from linli.registry.models import Resident

    a = make_activity(title="楼道清洁/绿化 [3月]")
    other = make_volunteer("孙热心", id_number="340504199001011230", birth=dt.date(1990, 1, 1))
    Resident.objects.filter(pk=other.resident_id).update(phone_masked="139****0000")
    staff = tree.users["secretary_a1"]
    services.signup_create(actor=tree.users["resident_a1"], activity=a)
    services.signup_create(actor=staff, volunteer=other, activity=a)
    started(a, ago=dt.timedelta(hours=2))
    mine = SignUp.objects.get(volunteer=me)
    services.check_by_list(actor=staff, signup=mine, action="in", at=a.starts_at)
    services.check_by_list(actor=staff, signup=mine, action="out", at=a.starts_at + dt.timedelta(minutes=90))
    services.record_confirm(actor=staff, signup=mine, hours="1.25")

    client.force_login(staff)
    assert 'data-testid="signups-export"' in client.get(reverse("volunteering:activity", args=[a.pk])).content.decode()
    wb = _workbook(client.get(reverse("volunteering:activity_export", args=[a.pk])))
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert "secretary_a1" in rows[0][0] and timezone.localdate().isoformat() in rows[0][0] and a.title in rows[0][0]
    by_name = {r[1]: r for r in rows[2:]}
    assert set(by_name) == {"王小明", "孙热心"}
    row = by_name["王小明"]
    assert row[0] == me.number and row[3]
    assert row[5] is not None and row[7] is not None
    assert Decimal(str(row[9])) == Decimal("1.50") and Decimal(str(row[10])) == Decimal("1.25")
    assert by_name["孙热心"][2] == "139****0000" and by_name["孙热心"][5] is None
    flat = " ".join(str(c) for sheet in wb.worksheets for r in sheet.iter_rows(values_only=True) for c in r if c)
    assert "340504199001011230" not in flat and "34050419850501123X" not in flat
    info = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(values_only=True)}
    assert "secretary_a1" in info["导出人"] and info["行数"] == 2 and info["活动"] == a.title
    entry = AuditLog.objects.get(action="export", object_type="volunteering.signup")
    assert entry.object_id == str(a.pk) and entry.scope_path == a.scope_path and entry.actor == staff
    assert '"rows": 2' in entry.note

    client.force_login(tree.users["grid_a"])  # the compound is outside the grid's buildings
    assert client.get(reverse("volunteering:activity_export", args=[a.pk])).status_code == 404
    client.force_login(tree.users["resident_a1"])  # sees the activity, may not export its list
    assert client.get(reverse("volunteering:activity_export", args=[a.pk])).status_code == 403
    client.force_login(tree.users["district_admin"])
    Resident.objects.filter(pk=other.resident_id).update(name=FORMULA_NAME)  # a typed name: text, not a formula
    type(a).objects.filter(pk=a.pk).update(person_in_charge=FORMULA_NAME)
    resp = client.get(reverse("volunteering:activity_export", args=[a.pk]))
    assert resp.status_code == 200 and len(assert_text_not_formula(resp)) == 2
    assert AuditLog.objects.filter(action="export", object_type="volunteering.signup").count() == 2


def test_volunteer_export_filtered_and_audited(client, tree, make_resident):
    services.volunteer_register(actor=tree.users["secretary_a1"], resident=make_resident("钱志愿"))
    client.force_login(tree.users["secretary_a1"])
    wb = _workbook(client.get(reverse("volunteering:volunteers_export"), {"q": "钱"}))
    assert wb.worksheets[0].title == "志愿者" and "钱志愿" in str(list(wb.worksheets[0].values))
    entry = AuditLog.objects.get(action="export", object_type="volunteering.volunteer")
    assert entry.scope_path == tree.comm_a1.path and '"q": "钱"' in entry.note


def test_a_cancelled_activity_is_not_shown_as_confirmed_in_my_signups(client, tree, make_activity, me):
    from linli.volunteering import services as vol

    kept = make_activity(title="敬老院探访")
    cancelled = make_activity(title="河道清理", start_in=dt.timedelta(days=4))
    for a in (kept, cancelled):
        vol.signup_create(actor=tree.users["resident_a1"], activity=a)
    vol.activity_cancel(actor=tree.users["secretary_a1"], activity=cancelled, reason="暴雨")
    client.force_login(tree.users["resident_a1"])
    page = client.get(reverse("volunteering:me"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rows = {title: page.split(title, 1)[1].split("</p>", 1)[0] for title in ("敬老院探访", "河道清理")}
    assert "已确认" in rows["敬老院探访"]
    assert "活动已取消" in rows["河道清理"] and "已确认" not in rows["河道清理"]
