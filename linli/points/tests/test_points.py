from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.core import events
from linli.core.models import AuditLog
from linli.core.testing import count_queries
from linli.points import services
from linli.points.models import EarningRule, LedgerEntry, Order, ShopItem

from .factories import fund, resident_with_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(tree):
    return resident_with_login("member", tree.house_a1, name="李四")


def test_ledger_is_append_only(tree, member):
    _, resident = member
    entry = fund(resident, 5)
    entry.amount = Decimal("500")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(PermissionError):
        LedgerEntry.objects.all().delete()
    assert services.balance_of(resident.points_account) == Decimal("5.00")


def test_hours_confirmed_credit_capped_and_idempotent(tree, member, django_capture_on_commit_callbacks):
    _, resident = member
    payload = {
        "record_id": 77,
        "volunteer_id": 1,
        "resident_id": resident.pk,
        "hours": "3.50",
        "activity_id": 9,
        "confirmed_at": "2026-11-01T10:00:00Z",
    }
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("volunteering.hours.confirmed", payload)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("volunteering.hours.confirmed", payload)  # replayed
    entries = LedgerEntry.objects.filter(account__resident=resident)
    assert [e.amount for e in entries] == [Decimal("2.00")]  # capped at 2 hours, credited once
    assert entries[0].source_id == "77"


def test_rule_is_configurable(tree, member, django_capture_on_commit_callbacks):
    _, resident = member
    rule = EarningRule.objects.get(code="volunteer_hours")
    services.rule_update(actor=tree.users["district_admin"], rule=rule, cap_units=None, points_per_unit=Decimal("2"))
    with pytest.raises(PermissionDenied):
        services.rule_update(actor=tree.users["secretary_a1"], rule=rule, cap_units=Decimal("1"))
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(
            "volunteering.hours.confirmed",
            {
                "record_id": 1,
                "volunteer_id": 1,
                "resident_id": resident.pk,
                "hours": "3",
                "activity_id": 9,
                "confirmed_at": "2026-11-01T10:00:00Z",
            },
        )
    assert services.balance_of(resident.points_account) == Decimal("6.00")


def test_redeem_beyond_balance_is_refused_and_changes_nothing(tree, member):
    user, resident = member
    fund(resident, 10)
    item = services.item_create(
        actor=tree.users["secretary_a1"], shop=tree.comm_a1, name="米", price=Decimal("8"), stock=5
    )
    services.redeem(actor=user, item=item)
    audits = AuditLog.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.redeem(actor=user, item=item)
    assert "quantity" in exc.value.message_dict
    assert ShopItem.objects.get(pk=item.pk).stock == 4
    assert Order.objects.count() == 1
    assert services.balance_of(resident.points_account) == Decimal("2.00")
    assert AuditLog.objects.count() == audits


def test_bad_quantity_and_out_of_stock(tree, member):
    user, resident = member
    fund(resident, 100)
    item = services.item_create(
        actor=tree.users["secretary_a1"], shop=tree.comm_a1, name="伞", price=Decimal("1"), stock=1
    )
    for bad in (0, -1, "x", 21):
        with pytest.raises(ValidationError):
            services.redeem(actor=user, item=item, quantity=bad)
    with pytest.raises(ValidationError):
        services.redeem(actor=user, item=item, quantity=2)
    assert ShopItem.objects.get(pk=item.pk).stock == 1


def test_cancel_refunds_and_restocks_fulfil_is_final(tree, member):
    user, resident = member
    fund(resident, 20)
    item = services.item_create(
        actor=tree.users["secretary_a1"], shop=tree.comm_a1, name="油", price=Decimal("7"), stock=2
    )
    order = services.redeem(actor=user, item=item)
    services.order_cancel(actor=user, order=order)
    assert services.balance_of(resident.points_account) == Decimal("20.00")
    assert ShopItem.objects.get(pk=item.pk).stock == 2
    order2 = services.redeem(actor=user, item=item)
    with pytest.raises(PermissionDenied):
        services.order_fulfil(
            actor=tree.users["secretary_a2"] if "secretary_a2" in tree.users else tree.users["grid_a"], order=order2
        )
    services.order_fulfil(actor=tree.users["secretary_a1"], order=order2)
    with pytest.raises(ValidationError):
        services.order_cancel(actor=user, order=order2)


def test_shop_scope_staff_and_residents(tree, member):
    with pytest.raises(PermissionDenied):
        services.item_create(actor=tree.users["secretary_a1"], shop=tree.comm_b1, name="x", price=Decimal("1"))
    with pytest.raises(PermissionDenied):
        services.item_create(actor=tree.users["resident_a1"], shop=tree.comm_a1, name="x", price=Decimal("1"))
    with pytest.raises(ValidationError):
        services.item_create(actor=tree.users["secretary_a1"], shop=tree.house_a1, name="x", price=Decimal("1"))
    from linli.points import selectors

    a1 = services.item_create(actor=tree.users["secretary_a1"], shop=tree.comm_a1, name="a", price=Decimal("1"))
    b1 = services.item_create(actor=system_user(), shop=tree.comm_b1, name="b", price=Decimal("1"))
    user, _ = member
    assert list(selectors.shop_items(user)) == [a1]
    assert list(selectors.shop_items(tree.users["secretary_a1"])) == [a1]
    assert set(selectors.shop_items(tree.users["district_admin"])) == {a1, b1}
    assert list(selectors.shop_items(tree.users["dept_staff"])) == []


def test_residents_see_only_their_own_ledger(tree, member):
    from linli.points import selectors

    user, resident = member
    _other_user, other = resident_with_login("other", tree.house_a1, name="王五")
    fund(resident, 3)
    fund(other, 4)
    assert [a.resident for a in selectors.accounts(user)] == [resident]
    assert {a.resident for a in selectors.accounts(tree.users["secretary_a1"])} == {resident, other}
    assert (
        list(
            selectors.accounts(tree.users["secretary_a2"] if "secretary_a2" in tree.users else tree.users["dept_staff"])
        )
        == []
    )


def test_yearly_expiry_first_in_first_out(tree, member):
    user, resident = member
    account = services.account_for(resident)
    old = LedgerEntry(
        account=account,
        amount=Decimal("10"),
        reason="volunteer_hours",
        source_type="t",
        source_id="old",
        scope_path=account.scope_path,
        at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
    )
    old.save()
    fund(resident, 5, "new")
    item = services.item_create(
        actor=tree.users["secretary_a1"], shop=tree.comm_a1, name="a", price=Decimal("4"), stock=5
    )
    services.redeem(actor=user, item=item)  # spends 4 of the oldest points
    assert services.expire_year(year=2024) == 1
    assert services.expire_year(year=2024) == 0  # idempotent
    assert services.balance_of(account) == Decimal("5.00")
    assert LedgerEntry.objects.get(reason="expiry").amount == Decimal("-6.00")


def test_pages_and_query_counts(client, tree, member):
    user, resident = member
    fund(resident, 50)
    item = services.item_create(
        actor=tree.users["secretary_a1"], shop=tree.comm_a1, name="米", price=Decimal("8"), stock=5
    )
    client.force_login(user)
    assert client.get("/points/").status_code == 200
    resp = client.post(f"/points/shop/{item.pk}/redeem/", {"quantity": 1})
    assert resp.status_code == 302
    assert "米" in client.get("/points/orders/mine/").content.decode()
    assert client.get("/points/orders/").status_code == 403
    client.force_login(tree.users["secretary_a1"])

    def cost():
        with count_queries() as c:
            assert client.get("/points/orders/").status_code == 200
            assert client.get("/points/accounts/").status_code == 200
        return c.count

    first = cost()
    for i in range(5):
        _, r = resident_with_login(f"m{i}", tree.house_a1, name=f"赵{i}")
        fund(r, 10)
        services.redeem(actor=r.account, item=item) if i < 3 else None
    assert cost() == first
    order = Order.objects.first()
    resp = client.post(f"/points/orders/{order.pk}/fulfil/")
    assert resp.status_code == 302
    client.force_login(tree.users["resident_a1"])
    assert client.post(f"/points/orders/{order.pk}/fulfil/").status_code == 404


def test_api_balance_and_redeem(client, tree, member, token_for):
    _user, resident = member
    fund(resident, 9)
    item = services.item_create(
        actor=tree.users["secretary_a1"], shop=tree.comm_a1, name="米", price=Decimal("8"), stock=1
    )
    h = token_for("member")
    assert client.get("/api/v1/points/me", **h).json()["balance"] in ("9.00", 9.0, "9")
    resp = client.post(f"/api/v1/points/items/{item.pk}/redeem", {"quantity": 1}, content_type="application/json", **h)
    assert resp.status_code == 201, resp.content
    resp = client.post(f"/api/v1/points/items/{item.pk}/redeem", {"quantity": 1}, content_type="application/json", **h)
    assert resp.status_code == 400 and "error" in resp.json()


def test_rules_page_admin_edits_others_read(client, tree):
    rule = EarningRule.objects.get(code="volunteer_hours")
    client.force_login(tree.users["secretary_a1"])
    assert client.get("/points/rules/").status_code == 200
    client.post("/points/rules/", {"rule": rule.pk, f"r{rule.pk}-name": "x", f"r{rule.pk}-points_per_unit": "9"})
    assert EarningRule.objects.get(pk=rule.pk).points_per_unit == Decimal("1.00")
    client.force_login(tree.users["district_admin"])
    p = f"r{rule.pk}-"
    resp = client.post(
        "/points/rules/",
        {
            "rule": rule.pk,
            p + "name": "志愿服务",
            p + "points_per_unit": "1.5",
            p + "cap_units": "3",
            p + "is_active": "on",
        },
    )
    assert resp.status_code == 302
    rule = EarningRule.objects.get(pk=rule.pk)
    assert (rule.points_per_unit, rule.cap_units) == (Decimal("1.50"), Decimal("3.00"))
    client.force_login(tree.users["resident_a1"])
    assert client.get("/points/rules/").status_code == 403


def test_confirmed_report_credits_the_reporter_through_the_work_order_services(
    tree, django_capture_on_commit_callbacks
):
    """A real case walked through the work-order services: the reporter earns the rule's points once, when the
    final verdict closes it (not on 办结 alone, not again on archiving, nothing for a reopened round)."""
    from linli.registry import services as reg
    from linli.workorders import services as wo

    from .factories import link

    u = tree.users
    reporter = link(u["resident_a1"], reg.resident_create(actor=system_user(), name="王五", home=tree.house_a1))
    with django_capture_on_commit_callbacks(execute=True):
        case = wo.case_create(
            actor=u["resident_a1"],
            category="illegal-building",
            title="楼顶违章搭建",
            description="3栋楼顶有人在搭彩钢棚",
            place=tree.building_a1,
            case_type="complaint",
        )
    assert case.reporter_id == u["resident_a1"].pk and case.reporter_resident_id == reporter.pk  # their own record
    entries = LedgerEntry.objects.filter(account__resident=reporter)
    for verdict in ("unsatisfied", "satisfied"):
        with django_capture_on_commit_callbacks(execute=True):
            if verdict == "unsatisfied":
                wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
            wo.case_sign(actor=u["property_staff"], case=case)
            wo.case_complete(actor=u["property_staff"], case=case, reply="已拆除")
        assert not entries.exists()  # 办结 alone is not the resident's confirmation
        with django_capture_on_commit_callbacks(execute=True):
            wo.case_evaluate(actor=u["resident_a1"], case=case, verdict=verdict)
        if verdict == "unsatisfied":
            assert case.state == "dispatched" and not entries.exists()  # sent back: not closed yet
    assert case.state == "evaluated"
    assert [(e.amount, e.reason, e.source_type, e.source_id) for e in entries] == [
        (Decimal("2.00"), "report_confirmed", "workorders.case", str(case.pk))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        wo.case_archive(actor=u["secretary_a1"], case=case)
    assert entries.count() == 1
    assert services.balance_of(reporter.points_account) == Decimal("2.00")


def test_menu_residents_get_their_own_pages_staff_the_desk(tree, member):
    from django.utils import translation

    from linli.core.context_processors import visible_menu

    def labels(user):
        with translation.override("en"):
            return {str(i["label"]) for items in visible_menu(user).values() for i in items}

    user, _ = member
    assert {"My points", "Red supermarket", "My orders"} <= labels(user)
    assert not {"Shop orders", "Points accounts", "Earning rules"} & labels(user)
    assert {"Shop orders", "Points accounts", "Earning rules"} <= labels(tree.users["secretary_a1"])


def _book(resp):
    import io

    from openpyxl import load_workbook

    assert resp.status_code == 200, resp.status_code
    return load_workbook(io.BytesIO(b"".join(resp.streaming_content)))


def test_ledger_and_orders_exports_scoped_named_and_audited(client, tree, member):
    user, resident = member
    fund(resident, 20, source_id="a")
    _far_user, far = resident_with_login("far", tree.house_b1, name="远方人")
    fund(far, 9, source_id="b")
    sec = tree.users["secretary_a1"]
    item = services.item_create(actor=sec, shop=tree.comm_a1, name='=HYPERLINK("x")油', price=Decimal("7"), stock=3)
    kept = services.redeem(actor=user, item=item)
    services.order_fulfil(actor=sec, order=kept)
    services.redeem(actor=user, item=item)

    client.force_login(sec)
    assert 'data-testid="ledger-export"' in client.get("/points/accounts/").content.decode()
    wb = _book(client.get("/points/accounts/export/"))
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert "secretary_a1" in rows[0][0] and timezone.localdate().isoformat() in rows[0][0]
    entries = rows[2:]
    assert {r[1] for r in entries} == {"李四"}  # not the other community's resident
    assert sorted(Decimal(str(r[4])) for r in entries) == [Decimal("-7"), Decimal("-7"), Decimal("20")]
    assert all(r[2] == tree.comm_a1.name for r in entries)
    balances = [list(r) for r in wb.worksheets[1].iter_rows(values_only=True)][2:]
    assert balances == [["李四", tree.comm_a1.name, 6]]
    info = {r[0]: r[1] for r in wb.worksheets[2].iter_rows(values_only=True)}
    assert "secretary_a1" in info["导出人"]
    entry = AuditLog.objects.get(action="export", object_type="points.ledgerentry")
    assert entry.scope_path == tree.comm_a1.path and '"rows": 3' in entry.note

    assert 'data-testid="orders-export"' in client.get("/points/orders/").content.decode()
    wb = _book(client.get("/points/orders/export/"))
    orders = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)][2:]
    assert len(orders) == 2 and {r[2] for r in orders} == {"李四"}
    name_cell = wb.worksheets[0].cell(row=3, column=5)
    assert name_cell.value == '=HYPERLINK("x")油' and name_cell.data_type == "s" and name_cell.quotePrefix  # text
    assert {r[7] for r in orders} == {
        Order._meta.get_field("state").choices[0][1],
        Order._meta.get_field("state").choices[1][1],
    }
    wb = _book(client.get("/points/orders/export/", {"state": "fulfilled"}))
    assert [r[0] for r in list(wb.worksheets[0].iter_rows(values_only=True))[2:]] == [kept.pk]
    assert AuditLog.objects.filter(action="export", object_type="points.order").count() == 2

    for who in ("grid_a", "street_a", "resident_a1"):
        client.force_login(tree.users[who])
        assert client.get("/points/accounts/export/").status_code == 403, who
        assert client.get("/points/orders/export/").status_code == 403, who
    client.force_login(user)
    assert client.get("/points/accounts/export/").status_code == 403
