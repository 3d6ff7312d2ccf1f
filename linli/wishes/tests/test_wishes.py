from __future__ import annotations

import datetime as dt
import io
import json
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.utils import timezone
from PIL import Image

from linli.accounts.testing import build_tree, system_user
from linli.core.models import AuditLog
from linli.core.testing import FORMULA_NAME, assert_text_not_formula, count_queries
from linli.points.models import LedgerEntry
from linli.points.tests.factories import resident_with_login
from linli.registry import services as reg
from linli.registry.selectors import resident_of
from linli.wishes import services, tasks
from linli.wishes.models import ClaimState, State, Wish, WishClaim, WishPhoto

pytestmark = pytest.mark.django_db


def png(name="p.png"):
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def jpeg_with_gps():
    img = Image.new("RGB", (30, 20), (9, 9, 9))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 40.0, 0.0), 3: "E", 4: (118.0, 30.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, comment=b"at grandma's flat")  # a comment survived re-encoding here once
    return SimpleUploadedFile("gps.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def needy(tree):
    return reg.resident_create(actor=system_user(), name="张秀英", home=tree.house_a1)


def volunteer(user):
    """Register the login's resident as a volunteer: only volunteers claim as a volunteer."""
    from linli.volunteering import services as vol

    vol.volunteer_register(actor=system_user(), resident=resident_of(user))
    return user


@pytest.fixture
def member(tree):
    user, resident = resident_with_login("member", tree.house_a2, name="李建国")
    resident.political_status = "cpc_member"
    resident.save(update_fields=["political_status"])
    return volunteer(user)


def published(tree, needy, **kw):
    sec = tree.users["secretary_a1"]
    wish = services.wish_submit(
        actor=sec, resident=needy, title="一台电风扇", need="夏天闷热", estimated_value=Decimal("150.00"), **kw
    )
    return services.wish_approve(actor=sec, wish=wish)


def test_full_path_credits_points_and_publishes_claimer_info(tree, needy, member, django_capture_on_commit_callbacks):
    sec = tree.users["secretary_a1"]
    with django_capture_on_commit_callbacks(execute=True):
        wish = published(tree, needy)
        assert wish.state == State.PUBLISHED
        c = services.claim(actor=member, wish=wish, kind="party_member")
        wish = Wish.objects.get(pk=wish.pk)
        assert wish.state == State.CLAIMED and c.due_date == timezone.localdate() + dt.timedelta(days=14)
        services.wish_fulfil(actor=member, wish=wish, note="送到了", photos=[png()])
        wish = services.wish_confirm(actor=sec, wish=wish)
    assert wish.state == State.CONFIRMED
    c.refresh_from_db()
    assert c.state == ClaimState.DONE
    entry = LedgerEntry.objects.get(account__resident=member.resident)
    assert entry.amount == Decimal("5.00") and entry.reason == "wish_fulfilled"
    from linli.wishes.selectors import fulfilled_by

    assert fulfilled_by(resident=member.resident) == {"count": 1, "value": Decimal("150.00")}
    assert fulfilled_by(user=sec)["count"] == 0


def test_claim_on_claimed_wish_is_refused(tree, needy, member):
    wish = published(tree, needy)
    services.claim(actor=member, wish=wish, kind="volunteer")
    other = volunteer(resident_with_login("vol2", tree.house_a1, name="王五")[0])
    n = WishClaim.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.claim(actor=other, wish=wish, kind="volunteer")
    assert "state" in exc.value.message_dict
    assert WishClaim.objects.count() == n


def test_shares_sum_to_the_whole(tree, needy, member):
    wish = published(tree, needy)
    services.claim(actor=member, wish=wish, kind="in_service", share="60")
    wish = Wish.objects.get(pk=wish.pk)
    assert wish.state == State.PUBLISHED
    other = volunteer(resident_with_login("vol2", tree.house_a1, name="王五")[0])
    with pytest.raises(ValidationError):
        services.claim(actor=other, wish=wish, kind="volunteer", share="50")
    org = tree.users["dept_staff"]
    services.claim(actor=org, wish=wish, kind="organisation", share="40", organisation=tree.dept)
    wish = Wish.objects.get(pk=wish.pk)
    assert wish.state == State.CLAIMED
    # the organisation's other staff may fulfil for it, a stranger may not
    with pytest.raises(PermissionDenied):
        services.wish_fulfil(actor=other, wish=wish, photos=[png()])
    services.wish_fulfil(actor=org, wish=wish, photos=[png()])


def test_claimer_kinds_are_checked(tree, needy):
    wish = published(tree, needy)
    plain, _ = resident_with_login("plain", tree.house_a1, name="赵六")
    with pytest.raises(ValidationError):
        services.claim(actor=plain, wish=wish, kind="party_member")
    with pytest.raises(ValidationError):
        services.claim(actor=tree.users["grid_a"], wish=wish, kind="volunteer")  # no resident record
    with pytest.raises(ValidationError):
        services.claim(actor=tree.users["dept_staff"], wish=wish, kind="organisation", organisation=tree.dept_other)
    for bad in ("0", "101", "abc", "-5"):
        with pytest.raises(ValidationError):
            services.claim(actor=plain, wish=wish, kind="volunteer", share=bad)
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:  # a resident, not a volunteer
        services.claim(actor=plain, wish=wish, kind="volunteer")
    assert exc.value.message_dict == {"kind": ["Only registered volunteers can claim as a volunteer."]}
    assert not WishClaim.objects.exists()
    assert [o[0] for o in services.claim_options(plain)] == []
    volunteer(plain)
    assert services.claim(actor=plain, wish=wish, kind="volunteer").kind == "volunteer"


def test_unapproved_wish_cannot_be_claimed_and_reject_needs_reason(tree, needy, member):
    sec = tree.users["secretary_a1"]
    wish = services.wish_submit(actor=sec, resident=needy, title="x", need="y")
    with pytest.raises(ValidationError):
        services.claim(actor=member, wish=wish, kind="volunteer")
    with pytest.raises(ValidationError):
        services.wish_reject(actor=sec, wish=wish, reason=" ")
    services.wish_reject(actor=sec, wish=wish, reason="不符合条件")
    with pytest.raises(ValidationError):
        services.wish_approve(actor=sec, wish=wish)


def test_fulfil_needs_a_real_image_and_strips_exif(tree, needy, member):
    wish = published(tree, needy)
    services.claim(actor=member, wish=wish, kind="volunteer")
    audits = AuditLog.objects.count()
    for bad in (
        [],
        [SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")],
        [SimpleUploadedFile("x.gif", b"GIF89a" + b"\0" * 40, content_type="image/gif")],
    ):
        with pytest.raises(ValidationError) as exc:
            services.wish_fulfil(actor=member, wish=wish, photos=bad)
        assert "photos" in exc.value.message_dict
    assert AuditLog.objects.count() == audits
    assert Wish.objects.get(pk=wish.pk).state == State.CLAIMED
    services.wish_fulfil(actor=member, wish=wish, photos=[jpeg_with_gps()])
    stored = WishPhoto.objects.get(wish=wish)
    with stored.image.open("rb") as f:
        data = f.read()
    img = Image.open(io.BytesIO(data))
    assert not img.getexif() and "comment" not in img.info
    assert b"SecretCam" not in data and b"grandma" not in data


def test_oversized_photo_refused(tree, needy, member, settings):
    settings.LINLI_UPLOAD_MAX_BYTES = 100
    wish = published(tree, needy)
    services.claim(actor=member, wish=wish, kind="volunteer")
    with pytest.raises(ValidationError):
        services.wish_fulfil(actor=member, wish=wish, photos=[jpeg_with_gps()])


def test_release_overdue_claims_task(tree, needy, member):
    wish = published(tree, needy)
    c = services.claim(actor=member, wish=wish, kind="volunteer")
    WishClaim.objects.filter(pk=c.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    other_wish = published(tree, needy)
    services.claim(actor=member, wish=other_wish, kind="volunteer")  # not due yet
    assert tasks.release_overdue_claims.call() == 1
    c.refresh_from_db()
    wish = Wish.objects.get(pk=wish.pk)
    assert c.state == ClaimState.RELEASED and wish.state == State.PUBLISHED
    assert Wish.objects.get(pk=other_wish.pk).state == State.CLAIMED
    assert tasks.release_overdue_claims.call() == 0
    from linli.notifications.models import Notification

    assert Notification.objects.filter(user=member).exists()


def test_resident_confirms_own_wish_stranger_cannot(tree, member):
    user, needy = resident_with_login("needy", tree.house_a1, name="孙阿姨")
    wish = published(tree, needy)
    services.claim(actor=member, wish=wish, kind="volunteer")
    services.wish_fulfil(actor=member, wish=wish, photos=[png()])
    with pytest.raises(PermissionDenied):
        services.wish_confirm(actor=tree.users["resident_a1"], wish=wish)
    with pytest.raises(PermissionDenied):
        services.wish_confirm(actor=member, wish=wish)
    services.wish_confirm(actor=user, wish=wish)


def test_permissions_in_and_out_of_scope(tree, needy):
    wish = services.wish_submit(actor=tree.users["grid_a"], resident=needy, title="x", need="y")
    with pytest.raises(PermissionDenied):
        services.wish_approve(actor=tree.users["grid_a"], wish=wish)  # may submit, not review
    with pytest.raises(PermissionDenied):
        services.wish_approve(actor=tree.users["street_a"], wish=wish)  # view only
    with pytest.raises(PermissionDenied):
        services.wish_submit(actor=tree.users["dept_staff"], resident=needy, title="x", need="y")
    outsider = reg.resident_create(actor=system_user(), name="钱七", home=tree.house_b1)
    with pytest.raises(PermissionDenied):
        services.wish_submit(actor=tree.users["secretary_a1"], resident=outsider, title="x", need="y")
    from linli.wishes.selectors import wishes

    assert list(wishes(tree.users["secretary_a1"])) == [wish]
    assert list(wishes(tree.users["street_a"])) == [wish]
    assert list(wishes(tree.users["dept_staff"])) == []
    assert list(wishes(tree.users["resident_a1"])) == []  # a neighbour in the same house
    services.wish_approve(actor=tree.users["secretary_a1"], wish=wish)


def test_public_pages_hide_name_and_address(client, tree, needy, member):
    wish = published(tree, needy)
    client.force_login(member)
    for url in ("/wishes/", f"/wishes/board/{wish.pk}/", "/api/v1/wishes/board", f"/api/v1/wishes/board/{wish.pk}"):
        resp = client.get(url)
        body = json.dumps(resp.json(), ensure_ascii=False) if "/api/" in url else resp.content.decode()
        assert "电风扇" in body, url
        assert "张某" in body, url
        assert "张秀英" not in body and "秀英" not in body, url
        assert needy.address and needy.address not in body, url
        assert "怡心花园" not in body and "101" not in body.replace(str(wish.pk), ""), url
    # staff pages are not for the public
    assert client.get(f"/wishes/manage/{wish.pk}/").status_code == 404
    assert "张秀英" not in client.get("/wishes/manage/").content.decode()  # their own wishes only


def test_browser_flow_pages(client, tree, needy, member):
    sec = tree.users["secretary_a1"]
    client.force_login(sec)
    resp = client.post(
        f"/wishes/manage/new/?resident={needy.pk}",
        {
            "resident": needy.pk,
            "title": "一副老花镜",
            "need": "看不清报纸",
            "kind": "goods",
            "estimated_value": "60",
            "fulfil_within_days": 7,
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    wish = Wish.objects.get(title="一副老花镜")
    assert client.post(f"/wishes/manage/{wish.pk}/", {"do": "approve"}).status_code == 302
    client.force_login(member)
    page = client.get(f"/wishes/board/{wish.pk}/").content.decode()
    assert "party_member:" in page
    assert (
        client.post(
            f"/wishes/board/{wish.pk}/", {"do": "claim", "claim_as": "party_member:", "share": "100"}
        ).status_code
        == 302
    )
    resp = client.post(f"/wishes/board/{wish.pk}/", {"do": "fulfil", "note": "ok", "photos": [png()]})
    assert resp.status_code == 302
    wish = Wish.objects.get(pk=wish.pk)
    assert wish.state == State.FULFILLED
    photo = wish.photos.get()
    assert client.get(f"/wishes/photo/{photo.pk}/").status_code == 200
    client.force_login(tree.users["resident_a1"])
    assert client.get(f"/wishes/photo/{photo.pk}/").status_code == 404


def test_query_counts_constant(client, tree, needy, member):
    client.force_login(tree.users["secretary_a1"])

    def cost():
        with count_queries() as c:
            assert client.get("/wishes/manage/").status_code == 200
            assert client.get("/wishes/").status_code == 200
            assert client.get("/api/v1/wishes/board").status_code == 200
        return c.count

    published(tree, needy)
    first = cost()
    for i in range(6):
        w = published(tree, needy)
        if i % 2:
            services.claim(actor=member, wish=w, kind="volunteer", share="50")
    assert cost() == first


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_claims_exactly_one_wins():
    tree = build_tree()
    needy = reg.resident_create(actor=system_user(), name="周奶奶", home=tree.house_a1)
    wish = published(tree, needy)
    users = [volunteer(resident_with_login(f"c{i}", tree.house_a2, name=f"吴{i}")[0]) for i in range(6)]
    barrier = threading.Barrier(len(users))
    results = []

    def go(u):
        try:
            barrier.wait(timeout=30)
            for _ in range(300):
                try:
                    services.claim(actor=u, wish=wish, kind="volunteer")
                    results.append("ok")
                    break
                except OperationalError:
                    import time

                    time.sleep(0.01)
                except ValidationError:
                    results.append("refused")
                    break
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == ["ok"] + ["refused"] * (len(users) - 1)
    assert WishClaim.objects.filter(wish=wish, state="active").count() == 1


def test_resident_page_panel(client, tree, needy):
    wish = published(tree, needy)
    client.force_login(tree.users["secretary_a1"])
    page = client.get(f"/registry/residents/{needy.pk}/").content.decode()
    assert 'data-testid="wishes-panel"' in page and f"/wishes/manage/{wish.pk}/" in page
    assert f"/wishes/manage/new/?resident={needy.pk}" in page


def test_community_staff_are_told_of_a_new_wish(tree, needy):
    from linli.notifications.models import Notification

    services.wish_submit(actor=tree.users["grid_a"], resident=needy, title="一件羽绒服", need="冬天冷")
    told = set(Notification.objects.filter(kind="wishes").values_list("user__username", flat=True))
    assert told == {"secretary_a1", "social_a1"}


def test_menu_review_list_is_a_staff_entry(tree):
    from django.utils import translation

    from linli.core.context_processors import visible_menu

    def labels(user):
        with translation.override("en"):
            return {str(i["label"]) for items in visible_menu(user).values() for i in items}

    assert "Micro-wishes (review)" not in labels(tree.users["resident_a1"])
    assert "Micro-wish board" in labels(tree.users["resident_a1"])
    assert "Micro-wishes (review)" in labels(tree.users["secretary_a1"])


def test_wish_list_export_with_claimers_and_states(client, tree, needy, member):
    from openpyxl import load_workbook

    wish = published(tree, needy)
    services.claim(actor=member, wish=wish, kind="party_member", share="60")
    services.claim(actor=tree.users["dept_staff"], wish=wish, kind="organisation", share="40", organisation=tree.dept)
    far = reg.resident_create(actor=system_user(), name="远方人", home=tree.house_b1)
    services.wish_submit(actor=tree.users["district_admin"], resident=far, title="外社区的心愿", need="…")
    client.force_login(tree.users["secretary_a1"])
    assert 'data-testid="wish-export"' in client.get("/wishes/manage/").content.decode()
    resp = client.get("/wishes/manage/export/")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert "secretary_a1" in rows[0][0] and timezone.localdate().isoformat() in rows[0][0]
    assert len(rows) == 3  # banner, headers, the one wish of the secretary's community
    row = rows[2]
    assert row[0] == wish.pk and row[2] == "张秀英" and row[4] == "一台电风扇" and row[7] == State.CLAIMED.label
    assert "李建国" in row[12] and "60%" in row[12] and tree.dept.name in row[12] and "40%" in row[12]
    claims = [list(r) for r in wb.worksheets[1].iter_rows(values_only=True)][2:]
    assert sorted(r[2] for r in claims) == sorted(["李建国", tree.dept.name])
    flat = " ".join(str(c) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r if c)
    assert "外社区的心愿" not in flat and needy.address not in flat.replace("一台电风扇", "")
    entry = AuditLog.objects.get(action="export", object_type="wishes.wish")
    assert entry.scope_path == tree.comm_a1.path and '"rows": 1' in entry.note and '"claims": 2' in entry.note
    # filtered like the list
    resp = client.get("/wishes/manage/export/", {"state": "confirmed"})
    assert len(list(load_workbook(io.BytesIO(b"".join(resp.streaming_content))).worksheets[0].values)) == 2
    for who in ("grid_a", "resident_a1", "street_a"):
        client.force_login(tree.users[who])
        assert client.get("/wishes/manage/export/").status_code == 403, who
    # a title typed as a formula is written as text
    type(wish).objects.filter(pk=wish.pk).update(title=FORMULA_NAME)
    client.force_login(tree.users["secretary_a1"])
    assert len(assert_text_not_formula(client.get("/wishes/manage/export/"))) == 3  # the wish and its two claims
